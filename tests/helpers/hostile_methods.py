"""Hostile method files and registers, built as an attacker would (issue 17): used by
tests/methods/test_method_attacks.py and benchmarks/method_limits.py. Each `Attack` writes a methods folder
(register.yml and method.yml) aimed at a decoy folder outside the home."""

from __future__ import annotations

import json
import os
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assessment.register import METHODS_DIR

GOOD = (METHODS_DIR / "2021.yml").read_text(encoding="utf-8")
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
PTH = SITE_PACKAGES / "zz_method_attack.pth"


def insert(text: str, anchor: str, block: str) -> str:
    assert text.count(anchor) == 1, anchor
    return text.replace(anchor, anchor + block)


def days_attack(sql: str) -> str:
    """2021.yml plus a per_event bonus over a projects measure whose `days_between` bound is an SQL payload.

    The payload closes the model's statement, runs `sql`, and opens a statement the rest of the model's SQL
    completes: with the old code DuckDB ran it during `dbt build` (int_method_measure_rows).
    """
    payload = f"0, false))\n);\n{sql};\ncreate temp table pwn as (select 1 as c where (1 > (0"
    measure = (
        "  overdue_signed:\n    label_zh: 签约超期项目\n    from: projects\n    count: projects\n"
        "    where: {days_between: {from: signed_on, to: period_end, more_than: "
        f"{json.dumps(payload)}}}}}\n"
    )
    bonus = (
        "  overdue:\n    label_zh: 超期\n    formula: per_event\n    measure: overdue_signed\n"
        "    points_each: 0\n"
    )
    return insert(insert(GOOD, "\nmeasures:\n", measure), "\nbonuses:\n", bonus)


def bound(value: str) -> str:
    """2021.yml with the contract-amount bound of major_signed replaced by `value` (YAML text)."""
    old = "contract_amount: {at_least: 50}"
    assert GOOD.count(old) == 1
    return GOOD.replace(old, f"contract_amount: {{at_least: {value}}}")


def alias_bomb() -> str:
    """A billion laughs: 10 ** 9 strings behind one alias inside an allowed key (title_zh)."""
    lines = ["bomb_0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"bomb_{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    head, rest = GOOD.split("title_zh:", 1)
    rest = rest.split("\n", 1)[1]
    # the anchors live inside unit_lists (a free-form part of the language), the bomb goes off in title_zh
    unit_lists = "unit_lists:\n" + "".join(f"  {line}\n" for line in lines)
    return head + "title_zh: *a8\n" + rest.replace("\nmeasures:\n", "\n" + unit_lists + "measures:\n", 1)


def many_measures(count: int) -> str:
    block = "".join(
        f"  m{n}: {{label_zh: 口径, from: projects, count: projects, where: {{industrial: true}}}}\n"
        for n in range(count)
    )
    return insert(GOOD, "\nmeasures:\n", block)


def deep_nesting(depth: int = 100_000) -> str:
    return GOOD.replace("title_zh:", "title_zh: " + "[" * depth + "]" * depth + "\nx_title_zh:", 1)


@dataclass(frozen=True)
class Attack:
    name: str
    method: Callable[[Path], str | bytes] | None  # the method file's content (given the decoy folder)
    register: Callable[[Path, Path], str] | None = None  # the register's `file:` (methods folder, decoy)
    word: str = ""  # a word the refusal sentence must contain
    targets: Callable[[Path], str] | None = None  # a header for seeds/targets.csv (given the decoy folder)

    def write(self, folder: Path, decoy: Path) -> Path:
        """The methods folder of this attack: register.yml and method.yml."""
        folder.mkdir(parents=True, exist_ok=True)
        name = "method.yml"
        if self.method is not None:
            content = self.method(decoy)
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (folder / name).write_bytes(data)
        if self.register is not None:
            name = self.register(folder, decoy)
        (folder / "register.yml").write_text(
            f"methods:\n  - file: {json.dumps(name)}\n    from_year: 2000\n", encoding="utf-8"
        )
        return folder

    @property
    def checked_file(self) -> str:
        return "register.yml" if self.register is not None else "method.yml"


def symlink_outside(folder: Path, decoy: Path) -> str:
    (folder / "outside.yml").symlink_to(decoy / "outside_method.yml")
    return "outside.yml"


ATTACKS = [
    Attack(
        "copy to a file outside the home",
        lambda decoy: days_attack(f"COPY (SELECT 42 AS pwned) TO '{decoy / 'pwned.csv'}'"),
        word="days_between",
    ),
    Attack(
        "a .pth file into the virtual environment",
        lambda decoy: days_attack(
            f"COPY (SELECT '/nonexistent/zhaoshang-method-attack' AS line) TO '{PTH}' (HEADER false)"
        ),
        word="days_between",
    ),
    Attack(
        "read /etc/passwd",
        lambda decoy: days_attack(
            f"COPY (SELECT * FROM read_text('/etc/passwd')) TO '{decoy / 'passwd.csv'}'"
        ),
        word="days_between",
    ),
    Attack("nan bound", lambda decoy: bound(".nan"), word="at_least"),
    Attack("inf bound", lambda decoy: bound("-.inf"), word="at_least"),
    Attack("1e308 bound", lambda decoy: bound("1.0e+308"), word="at_least"),
    Attack("boolean bound", lambda decoy: bound("true"), word="at_least"),
    Attack("huge integer bound", lambda decoy: bound("9" * 5000), word="at_least"),
    Attack(
        "nan points", lambda decoy: GOOD.replace("points_each: 0.5", "points_each: .nan"), word="points_each"
    ),
    Attack("alias bomb", lambda decoy: alias_bomb(), word="别名"),
    Attack("too large", lambda decoy: many_measures(20_000), word="1 MiB"),
    Attack("too many measures", lambda decoy: many_measures(600), word="measures"),
    Attack("deep nesting", lambda decoy: deep_nesting(), word="层"),
    Attack("not utf-8", lambda decoy: GOOD.encode("gb18030"), word="UTF-8"),
    Attack("bad date", lambda decoy: GOOD.replace("rounding: 2", "rounding: 2021-02-30"), word="rounding"),
    Attack(
        "register names /etc/passwd by ..",
        None,
        lambda folder, decoy: os.path.relpath("/etc/passwd", folder),
        word="methods",
    ),
    Attack(
        "register names /proc/self/environ", None, lambda folder, decoy: "/proc/self/environ", word="methods"
    ),
    Attack("register names a symlink leading outside", None, symlink_outside, word="methods"),
    Attack(
        "targets.csv header",  # dbt-duckdb writes seed column names into CREATE TABLE as they are
        lambda decoy: GOOD,
        word="target_K",
        targets=lambda decoy: (
            "year,unit_code,target_C,target_F,target_Q,target_M,"
            f"target_R double); COPY (SELECT 42 AS pwned) TO '{decoy / 'pwned.csv'}'; create table zz (a"
        ),
    ),
]


def decoy_folder(root: Path) -> Path:
    """A folder outside the home the attacks aim at; holds a valid method file a symlink points to."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "keep.txt").write_text("nothing here may change\n", encoding="utf-8")
    (root / "outside_method.yml").write_text(GOOD, encoding="utf-8")
    return root
