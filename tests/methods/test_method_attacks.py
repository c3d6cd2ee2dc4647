"""Hostile method files (issue 17): a method file and its register are untrusted input.

Every attack the adversarial run found is rebuilt here: SQL injected through `days_between` (a `COPY … TO`
into a folder outside the home, a `.pth` file into the virtual environment, reading /etc/passwd), NaN/inf/huge
and boolean bounds, a YAML alias bomb, a file too large, too many measures, deep nesting, a file that is not
UTF-8, and a register naming files outside the methods folder. `zhaoshang method check` refuses each with one
sentence and exit 2 (no traceback); `zhaoshang build` refuses each before dbt runs: nothing outside the home
changes and the warehouse keeps its bytes. With the code before this test, the injection ran during
`dbt build` (the build test then found the file the attack wrote).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment.register import METHOD_SEEDS_DIR, METHODS_DIR, write_seeds
from basics.home import DBT_PROJECT_DIR, Home
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.gate.fixtures import base_home  # noqa: F401 - the shared clean warehouse (one dbt build a session)
from tests.gate.warehouse import copy_home
from zhaoshang.cli import main

GOOD = (METHODS_DIR / "2021.yml").read_text(encoding="utf-8")
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
PTH = SITE_PACKAGES / "zz_method_attack.pth"


def _insert(text: str, anchor: str, block: str) -> str:
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
    return _insert(_insert(GOOD, "\nmeasures:\n", measure), "\nbonuses:\n", bonus)


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
    return _insert(GOOD, "\nmeasures:\n", block)


def deep_nesting(depth: int = 100_000) -> str:
    return GOOD.replace("title_zh:", "title_zh: " + "[" * depth + "]" * depth + "\nx_title_zh:", 1)


@dataclass(frozen=True)
class Attack:
    name: str
    method: Callable[[Path], str | bytes] | None  # the method file's content (given the decoy folder)
    register: Callable[[Path, Path], str] | None = None  # the register's `file:` (methods folder, decoy)
    word: str = ""  # a word the refusal sentence must contain

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


def _symlink_outside(folder: Path, decoy: Path) -> str:
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
    Attack("register names a symlink leading outside", None, _symlink_outside, word="methods"),
]


def _decoy(root: Path) -> Path:
    """A folder outside the home the attacks aim at; holds a valid method file a symlink points to."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "keep.txt").write_text("nothing here may change\n", encoding="utf-8")
    (root / "outside_method.yml").write_text(GOOD, encoding="utf-8")
    return root


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("  ")]


BOMBS = ("alias bomb", "deep nesting", "too large")

# --- zhaoshang method check --------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_method_check_refuses_with_one_sentence(attack, tmp_path, capsys):
    if attack.name in BOMBS:
        pytest.skip("run in a memory-limited process: test_method_check_bombs_in_bounded_memory")
    folder = attack.write(tmp_path / "methods", _decoy(tmp_path / "decoy"))
    assert main(["method", "check", str(folder / attack.checked_file)]) == 2
    out, err = capsys.readouterr()
    problems = _problem_lines(err)
    assert len(problems) == 1, err
    assert attack.word in problems[0], problems[0]
    assert "Traceback" not in out + err
    assert "root:" not in out + err  # nothing of /etc/passwd or the environment is echoed


def _limit_memory() -> None:
    limit = 3 << 30  # the old code went past 4 GiB on the alias bomb
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("name", BOMBS)
def test_method_check_bombs_in_bounded_memory(name, tmp_path):
    """The bombs, in a separate process with a memory ceiling and a time limit: one sentence, exit 2."""
    attack = next(a for a in ATTACKS if a.name == name)
    folder = attack.write(tmp_path / "methods", tmp_path / "decoy")
    proc = subprocess.run(
        [str(VENV_BIN / "zhaoshang"), "method", "check", str(folder / "method.yml")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr[-3000:]
    problems = _problem_lines(proc.stderr)
    assert len(problems) == 1 and attack.word in problems[0], proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr


# --- zhaoshang build ----------------------------------------------------------------------------------


def _run_dbt(project: Path, home: Home) -> tuple[bool, str]:
    """What `zhaoshang build` runs next: a real `dbt build` of the compiled seeds on the home's warehouse."""
    env = {
        **os.environ,
        "ZHAOSHANG_WAREHOUSE": str(home.warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    proc = subprocess.run(
        [str(VENV_BIN / "dbt"), "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0, "dbt ran"


@pytest.mark.slow
def test_build_refuses_every_attack_and_changes_nothing(base_home, tmp_path, monkeypatch, capsys):  # noqa: F811
    """`zhaoshang build` on a copy of the clean home, the attacks one after another: exit 2 with the sentence,
    dbt never runs, the warehouse keeps its bytes, nothing outside the home (decoy folder, site-packages, the
    project's seeds) changes, and no file the injected SQL would have written exists."""
    from zhaoshang.commands import build

    for name in ("DAGSTER_HOME", "ZHAOSHANG_HOME", "ZHAOSHANG_WAREHOUSE"):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # `zhaoshang build` points these at the home
    home = copy_home(base_home, tmp_path / "home")
    project = tmp_path / "dbt_project"  # the seeds the attack would be compiled into, and dbt run on
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml", "*.duckdb")
    )
    decoy = _decoy(tmp_path / "decoy")
    warehouse = _file_sha(home.warehouse)
    outside = {
        "decoy": _tree(decoy),
        "seeds copy": _tree(project / "seeds"),
        "project seeds": _tree(METHOD_SEEDS_DIR),
        "project methods": _tree(METHODS_DIR),
        "site-packages": sorted(p.name for p in SITE_PACKAGES.iterdir()),
    }
    assert not PTH.exists()
    ran: list[str] = []

    def run_dbt(h: Home) -> tuple[bool, str]:
        ran.append(attack.name)
        return _run_dbt(project, h)

    monkeypatch.setattr(build, "build", run_dbt)
    try:
        for attack in ATTACKS:
            methods = attack.write(tmp_path / "attacks" / attack.name.replace(" ", "_"), decoy)
            monkeypatch.setattr(
                build, "write_seeds", lambda m=methods: write_seeds(m, project / "seeds" / "method")
            )
            code = main(["build", "--home", str(home.root)])
            out, err = capsys.readouterr()
            written = [p for p in (decoy / "pwned.csv", decoy / "passwd.csv", PTH) if p.exists()]
            assert not written, f"{attack.name}: the injected SQL wrote {written}"
            assert not ran, f"{attack.name}: dbt ran on the attack's seeds"
            assert code == 2, f"{attack.name}: {out}{err}"
            problems = _problem_lines(err)
            assert len(problems) == 1 and attack.word in problems[0], f"{attack.name}: {err}"
            assert "未构建" in err and "Traceback" not in out + err
            assert _file_sha(home.warehouse) == warehouse, attack.name
            assert {
                "decoy": _tree(decoy),
                "seeds copy": _tree(project / "seeds"),
                "project seeds": _tree(METHOD_SEEDS_DIR),
                "project methods": _tree(METHODS_DIR),
                "site-packages": sorted(p.name for p in SITE_PACKAGES.iterdir()),
            } == outside, attack.name
    finally:
        PTH.unlink(missing_ok=True)  # only ever there if the attack got through
