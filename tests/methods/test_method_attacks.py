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
import os
import re
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from assessment.fields import unsafe_fragment
from assessment.method_file import MethodErrors, load_method
from assessment.register import METHODS_DIR
from basics.config import METHODS_FOLDER, REGISTERS, write_defaults
from basics.home import DEFAULTS_DIR
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.gate.fixtures import base_home  # noqa: F401 - the shared clean warehouse (one dbt build a session)
from tests.gate.warehouse import copy_home
from tests.helpers.hostile_methods import ATTACKS, GOOD, PTH, SITE_PACKAGES, decoy_folder
from zhaoshang.cli import main


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
    if attack.targets is not None:
        pytest.skip("targets.csv is checked by `zhaoshang build` (the build test)")
    folder = attack.write(tmp_path / "methods", decoy_folder(tmp_path / "decoy"))
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


@pytest.mark.slow
def test_build_refuses_every_attack_and_changes_nothing(base_home, tmp_path, monkeypatch, capsys):  # noqa: F811
    """`zhaoshang build` on a copy of the clean home, the attacks written into its configuration folder one
    after another: exit 2 with the sentence, dbt never runs, the warehouse keeps its bytes, nothing outside
    the home (decoy folder, site-packages, the installed package's defaults) changes, and no file the injected
    SQL would have written exists."""
    from zhaoshang.commands import build

    for name in ("DAGSTER_HOME", "ZHAOSHANG_HOME", "ZHAOSHANG_WAREHOUSE", "DBT_TARGET_PATH", "DBT_LOG_PATH"):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # `zhaoshang build` points these at the home
    home = copy_home(base_home, tmp_path / "home")
    write_defaults(home)
    methods_folder = home.config / METHODS_FOLDER
    targets = home.config / REGISTERS["targets"].file
    good_targets = targets.read_text(encoding="utf-8")
    decoy = decoy_folder(tmp_path / "decoy")
    warehouse = _file_sha(home.warehouse)
    outside = {
        "decoy": _tree(decoy),
        "bundled defaults": _tree(DEFAULTS_DIR),
        "site-packages": sorted(p.name for p in SITE_PACKAGES.iterdir()),
    }
    assert not PTH.exists()
    ran: list[str] = []
    monkeypatch.setattr(build, "build", lambda h: ran.append(attack.name) or (False, "dbt ran"))
    try:
        for attack in ATTACKS:
            shutil.rmtree(methods_folder)
            attack.write(methods_folder, decoy)
            if attack.targets is not None:
                rows = good_targets.split("\n", 1)[1]
                targets.write_text(attack.targets(decoy) + "\n" + rows, encoding="utf-8")
            code = main(["build", "--home", str(home.root)])
            out, err = capsys.readouterr()
            targets.write_text(good_targets, encoding="utf-8")
            written = [p for p in (decoy / "pwned.csv", decoy / "passwd.csv", PTH) if p.exists()]
            assert not written, f"{attack.name}: the injected SQL wrote {written}"
            assert not ran, f"{attack.name}: dbt ran on the attack's configuration"
            assert code == 2, f"{attack.name}: {out}{err}"
            problems = _problem_lines(err)
            assert len(problems) == 1 and attack.word in problems[0], f"{attack.name}: {err}"
            assert "未构建" in err and "Traceback" not in out + err
            assert _file_sha(home.warehouse) == warehouse, attack.name
            assert {
                "decoy": _tree(decoy),
                "bundled defaults": _tree(DEFAULTS_DIR),
                "site-packages": sorted(p.name for p in SITE_PACKAGES.iterdir()),
            } == outside, attack.name
    finally:
        PTH.unlink(missing_ok=True)  # only ever there if the attack got through


# --- every value, names, the compiled SQL ------------------------------------------------------------

HOSTILE = ["[a]", "{a: 1}", ".nan", '"x\'); --"', "-.inf", "true", "2021-02-30", "99999999999999999999999"]
EXAMPLES = [METHODS_DIR / "2021.yml", METHODS_DIR / "examples" / "method_d.yml"]


def test_any_value_replaced_by_a_hostile_one_is_refused_with_sentences(tmp_path):
    """Each `key: value` line of 2021.yml and method D gets a hostile value (in turn): load_method either
    accepts it or raises MethodErrors whose sentences are one line each; never another exception."""
    path = tmp_path / "m.yml"
    cases = 0
    for source in EXAMPLES:
        lines = source.read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines):
            key = re.match(r"(\s*(?:- )?[A-Za-z_0-9]+:)\s*\S", line)
            if key is None:
                continue
            hostile = HOSTILE[number % len(HOSTILE)]
            path.write_text("\n".join([*lines[:number], f"{key.group(1)} {hostile}", *lines[number + 1 :]]))
            cases += 1
            try:
                load_method(path, "m.yml")
            except MethodErrors as err:
                assert all("\n" not in p.sentence() for p in err.problems), (source.name, number + 1, hostile)
    assert cases > 150


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('code: "2021"', 'code: "2021\\n"', "code"),
        ("  signed:\n", '  "signed\\n":\n', "measures.signed\\n"),
        ("  C:\n", '  "C\\u202e":\n', "indicators.C\\u202e"),
        ("rounding: 2 ", "rounding: true ", "rounding"),
        ("when_zero: 0 ", "when_zero: .inf ", "measures.landing_rate.when_zero"),
        ("feedback_later_than_days: 7", "feedback_later_than_days: 7.5", "feedback_later_than_days"),
        ("contract_amount: {at_least: 50}", "contract_amount: {at_least: 0.0000001}", "at_least"),
        ("investor_type: [世界500强,", 'investor_type: ["世界500强\'--",', "investor_type"),
        ("label_zh: 线索反馈超时", 'label_zh: "线索\\x1b[2J超时"', "deductions.late_feedback.label_zh"),
    ],
)
def test_names_numbers_and_labels_are_strict(tmp_path, old, new, key):
    """No trailing newline or control character in a name, booleans and fractions where whole numbers are
    due, at most 6 decimals, no quote in an enumeration value, no escape sequence in a label."""
    assert GOOD.count(old) == 1, old
    path = tmp_path / "2021.yml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(MethodErrors) as caught:
        load_method(path, "methods/2021.yml")
    problems = caught.value.problems
    assert key in problems[0].key, problems[0].sentence()  # (a renamed measure also leaves its users unknown)
    assert len(problems) == 1 or key.startswith("measures."), [p.sentence() for p in problems]
    assert all("\n" not in p.sentence() and "\x1b" not in p.sentence() for p in problems)


def test_an_entry_code_is_a_name(tmp_path):
    """Method A counts entries `entry: A3`; an entry code with a quote or a space is refused."""
    text = (METHODS_DIR / "examples" / "method_a.yml").read_text(encoding="utf-8")
    assert text.count("entry: A3") == 1
    path = tmp_path / "a.yml"
    path.write_text(text.replace("entry: A3", "entry: \"A3' or true or '\""), encoding="utf-8")
    with pytest.raises(MethodErrors) as caught:
        load_method(path, "a.yml")
    assert [p.key.rsplit(".", 1)[-1] for p in caught.value.problems] == ["entry"]


def test_every_compiled_fragment_is_whitelisted():
    """The SQL the dbt models splice in (filter, expression, ref) of every shipped method passes the check,
    and the check refuses what an injection needs."""
    methods = [load_method(p) for p in sorted(METHODS_DIR.glob("**/*.yml")) if p.name != "register.yml"]
    fragments = [
        row[column]
        for method in methods
        for row in method.rows["method_measures"]
        for column in ("filter_sql", "expression_sql", "ref_sql")
        if row[column] is not None
    ]
    assert len(fragments) > 50
    assert [f for f in fragments if unsafe_fragment(f)] == []
    for payload in (
        "coalesce(r.x > 0, false)); copy (select 1) to '/tmp/x'; select (1",
        "(select count(*) from read_text('/etc/passwd')) > 0",
        "r.a > 1 -- the rest",
        "r.a > 1) or (true",
        "r.a > 1e308",
        "r.a > nan",
        "r.stage in ('a''b')",
        "r.unit_code = 'P01\n'",
    ):
        assert unsafe_fragment(payload), payload


def test_register_years_and_keys(tmp_path, capsys):
    folder = tmp_path / "methods"
    folder.mkdir()
    (folder / "2021.yml").write_text(GOOD, encoding="utf-8")
    for entry, word in (
        ("from_year: true", "年份"),
        ("from_year: 1.0e+308", "年份"),
        ("from_year: 2000\n    query: x", "query"),
        ("from_year: 2000\n    to_year: .nan", "年份"),
    ):
        (folder / "register.yml").write_text(f"methods:\n  - file: 2021.yml\n    {entry}\n", encoding="utf-8")
        assert main(["method", "check", str(folder / "register.yml")]) == 2
        problems = _problem_lines(capsys.readouterr().err)
        assert len(problems) == 1 and word in problems[0], problems
