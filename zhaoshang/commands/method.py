"""`zhaoshang method check FILE`: validate a method file (or methods/register.yml with all its methods)."""

from __future__ import annotations

import sys
from pathlib import Path

from assessment.method_file import MethodErrors, load_method
from assessment.register import load_register

EXIT_BAD_METHOD = 2


SHOWN_PROBLEMS = 30  # a hostile file can hold thousands of mistakes: the first ones say enough


def print_problems(err: MethodErrors) -> None:
    count = len(err.problems)
    print(f"考核办法文件有 {count} 处错误 / {count} mistake(s):", file=sys.stderr)
    for problem in err.problems[:SHOWN_PROBLEMS]:
        print(f"  {problem.sentence()}", file=sys.stderr)
    if count > SHOWN_PROBLEMS:
        rest = count - SHOWN_PROBLEMS
        print(f"……另有 {rest} 处错误未列出 / {rest} more not shown.", file=sys.stderr)


def check(file: str) -> int:
    path = Path(file)
    try:
        if path.name == "register.yml":
            methods = load_register(path.parent)
        else:
            methods = [load_method(path, file)]
    except MethodErrors as err:
        print_problems(err)
        return EXIT_BAD_METHOD
    for method in methods:
        items = method.rows["method_items"]
        kinds = {k: sum(1 for i in items if i["kind"] == k) for k in ("indicator", "manual", "bonus")}
        kinds["deduction"] = sum(1 for i in items if i["kind"] == "deduction")
        print(
            f"{method.path.name}：考核办法“{method.title_zh}”（{method.code}）有效 / valid — "
            f"{kinds['indicator'] + kinds['manual']} 项指标 indicators, {kinds['bonus']} 项加分 bonuses, "
            f"{kinds['deduction']} 项减分 deductions, {len(method.rows['method_measures'])} 个口径 measures"
        )
    return 0
