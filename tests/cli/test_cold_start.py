"""The officer's read-only commands start in about a second: they never import Dagster, GX, dbt or pandas.

Each command runs in a fresh interpreter (as `zhaoshang ...` does) on a small home; the modules it imported
are listed afterwards. Timings are in benchmarks/RESULTS.md, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from basics.home import Home
from tests.conftest import PROJECT_ROOT
from tests.gate.dataset import MONTH, YEAR
from tests.gate.warehouse import copy_home

HEAVY = ("dagster", "great_expectations", "dbt", "dagster_dbt")
# what a read-only command does not need either: the warehouse is read with DuckDB alone
DATA_FRAMES = ("pandas", "numpy", "pyarrow")
PROBE = f"""
import json, sys
HEAVY = {HEAVY + DATA_FRAMES!r}
from zhaoshang.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({{"code": code, "heavy": sorted({{m.split(".")[0] for m in sys.modules}} & set(HEAVY))}}))
"""


def imported(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["status"],
        ["verify"],
        ["scores", "--month", "2021-02"],
        ["explain", "--unit", "P01", "--month", "2021-02"],
    ],
    ids=lambda a: a[0],
)
def test_read_only_commands_import_neither_dagster_nor_gx(args, base_home: Home):
    out = imported(*args, *([] if args == ["--help"] else ["--home", str(base_home.root)]))
    assert out["code"] == 0
    assert out["heavy"] == []  # nor dbt, dagster-dbt, pandas


@pytest.mark.slow  # a real Dagster run
def test_a_command_that_runs_a_job_still_imports_dagster(tmp_path):
    """The probe can fail: `ingest` on an empty inbox runs the Dagster job (and imports it)."""
    home = Home(tmp_path / "home").ensure()
    out = imported("ingest", "--home", str(home.root))
    assert out["code"] == 0
    assert "dagster" in out["heavy"]


@pytest.mark.slow  # a real Dagster run of the gate
def test_check_runs_the_gate_in_dagster_without_loading_dbt(base_home: Home, tmp_path):
    """`check` reads the last build: its Dagster run of the gate (GX suites included) never imports dbt or
    dagster-dbt, which only a build needs (seconds of start-up); a second `check` of the unchanged month
    does not import GX either."""
    home = copy_home(base_home, tmp_path / "home")
    out = imported("check", "--month", f"{YEAR}-{MONTH:02d}", "--home", str(home.root))
    assert out["code"] in (0, 4)  # passed or failed, but the gate ran
    assert (home.gate_reports / f"{YEAR}-{MONTH:02d}" / "latest" / "checks.json").exists()
    assert set(out["heavy"]) - set(DATA_FRAMES) == {"dagster", "great_expectations"}
    # the same month again, nothing changed: the gate's SQL checks run, the GX suites' outcomes are reused
    again = imported("check", "--month", f"{YEAR}-{MONTH:02d}", "--home", str(home.root))
    assert again["code"] == out["code"] and set(again["heavy"]) - set(DATA_FRAMES) == {"dagster"}
    latest = json.loads((home.gate_reports / f"{YEAR}-{MONTH:02d}" / "latest" / "checks.json").read_text())
    assert latest["gx_reused_from"] and len(latest["checks"]) == 14
