"""Two homes, two configurations (issue 19): a training home and the real one with different unit registers
and different 2021 methods, built one after the other and then at the same time through the real
`zhaoshang build`, each score with their own configuration (nothing is shared through the installed program).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from basics.config import METHODS_FOLDER, REGISTERS
from basics.home import Home
from tests.cli.test_commands import zhaoshang
from tests.conftest import PROJECT_ROOT, VENV_BIN, copy_world
from tests.gate.dataset import base_reports
from tests.gate.warehouse import write_inbox

METHOD = f"{METHODS_FOLDER}/2021.yml"


def c_formula(home: Path) -> set[str]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select distinct split_part(formula_zh, ' ', 1) from marts.score_points "
            "where item_code = 'C' and line = 'item' and target > 0"
        ).fetchall()
    finally:
        con.close()
    return {r for (r,) in rows}


def units(home: Path) -> dict[str, str]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return dict(con.execute("select unit_code, name_zh from marts.dim_unit").fetchall())
    finally:
        con.close()


def set_c_points(home: Path, c: int) -> None:
    """C and F share 70 points (the groups' total stays 100)."""
    path = home / "config" / METHOD
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  C:\n")
    c_at = text.index("    points: ", start)
    f_at = text.index("    points: ", c_at + 1)
    c_end, f_end = text.index("\n", c_at), text.index("\n", f_at)
    text = text[:c_at] + f"    points: {c}" + text[c_end:f_at] + f"    points: {70 - c}" + text[f_end:]
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> tuple[Path, Path]:
    """Two homes holding the same reports (one `init` and `ingest`, then a copy: nothing of one is shared),
    the real one with its own register (P01 renamed, P08 added) and C worth 30 points instead of 40."""
    root = tmp_path_factory.mktemp("two_homes")
    home = Home(root / "training")
    assert zhaoshang("init", home=home.root).returncode == 0
    write_inbox(home.inbox, base_reports())
    proc = zhaoshang("ingest", home=home.root)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    training, real = home.root, copy_world(home.root, root / "real")
    units_file = real / "config" / REGISTERS["units"].file
    text = units_file.read_text(encoding="utf-8").replace("江津综合保税区", "综保区（正式）")
    units_file.write_text(text + "P08,新建产业园,platform,2021-01-01,\n", encoding="utf-8")
    set_c_points(real, 30)
    return training, real


@pytest.mark.slow
def test_each_home_scores_with_its_own_configuration(homes):
    training, real = homes
    for home in (training, real):  # one after the other
        proc = zhaoshang("build", home=home)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert c_formula(training) == {"40"} and c_formula(real) == {"30"}
    assert units(training)["P01"] == "江津综合保税区" and "P08" not in units(training)
    assert units(real)["P01"] == "综保区（正式）" and "P08" in units(real)
    # then both at the same time, each with a new method
    set_c_points(training, 35)
    set_c_points(real, 25)
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ZHAOSHANG_HOME", None)
    procs = [
        subprocess.Popen(
            [str(VENV_BIN / "zhaoshang"), "build", "--home", str(home)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for home in (training, real)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=1200)
        assert proc.returncode == 0, out[-3000:] + err[-3000:]
    assert c_formula(training) == {"35"} and c_formula(real) == {"25"}
    assert "P08" not in units(training) and "P08" in units(real)
