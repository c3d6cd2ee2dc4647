"""`zhaoshang init` and `zhaoshang config check`: the home's configuration folder (`<home>/config/`).

`init` writes the bundled defaults (units, targets, methods, thresholds) into a home that has none; after that
only the home's copy is read. `config check` validates the whole folder (assessment.config_load): one sentence
per mistake with file, line and column, exit 2. `build` runs the same check first and refuses a bad folder.
"""

from __future__ import annotations

import sys

from assessment.config_load import check_folder
from basics.config import METHODS_FOLDER, REGISTERS, config_dir, write_defaults
from basics.home import Home

EXIT_BAD_CONFIG = 2
SHOWN_PROBLEMS = 30


def ensure(home: Home, say: bool = True) -> None:
    """Give a home without a configuration folder (new, or made by an older release) the bundled defaults."""
    if write_defaults(home.ensure()) and say:
        print(
            f"已写入默认配置 → {home.config}（单位名册、目标、考核办法等，可直接编辑）"
            f" / wrote the default configuration into {home.config}"
        )


def init(home: Home) -> int:
    if home.config.exists():
        print(
            f"配置文件夹已存在，未改动 → {home.config} / the configuration folder already exists: unchanged."
        )
        return 0
    ensure(home, say=False)
    files = "、".join(r.file for r in REGISTERS.values())
    print(
        f"已建立{home.root}，配置 → {home.config}：{files}、{METHODS_FOLDER}/ "
        f"/ made the home {home.root} with the default configuration in {home.config}."
    )
    return 0


def print_problems(problems: list) -> None:
    count = len(problems)
    print(f"配置有 {count} 处错误 / the configuration has {count} mistake(s):", file=sys.stderr)
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  {problem.sentence()}", file=sys.stderr)
    if count > SHOWN_PROBLEMS:
        rest = count - SHOWN_PROBLEMS
        print(f"……另有 {rest} 处错误未列出 / {rest} more not shown.", file=sys.stderr)


def valid(home: Home) -> bool:
    """Check the folder; print every mistake (stderr) when there is one."""
    folder = check_folder(config_dir(home))
    if folder.problems:
        print_problems(folder.problems)
        return False
    return True


def check(home: Home) -> int:
    root = config_dir(home)
    if not home.config.is_dir():
        print(
            f"{home.root} 没有配置文件夹，检查的是自带的默认配置；运行 zhaoshang init 写入 "
            "/ the home has no configuration folder: checking the bundled defaults (`init` writes them)."
        )
    folder = check_folder(root)
    if folder.problems:
        print_problems(folder.problems)
        return EXIT_BAD_CONFIG
    for note in folder.notes[:SHOWN_PROBLEMS]:
        print(f"  提示 note: {note.sentence()}")
    spans = [(m.code, m.rows["method_register"][0]) for m in folder.methods]
    years = ", ".join(f"{code} {r['year_from']}–{r['year_to'] or ''}" for code, r in spans)
    units = len(folder.tables["units"].rows)
    print(f"配置有效 / the configuration is valid: {root} — {units} 个单位 units, 考核办法 methods: {years}")
    return 0
