"""Installed, not edited (issue 19): the wheel, installed (not editable) into a fresh virtual environment,
runs `zhaoshang demo --home DIR` and `zhaoshang weekly` from an unrelated working folder, and nothing is
written into the source tree or the installed package.

The fresh environment takes the project's dependencies from `.venv` through a .pth line (offline and fast);
its own site-packages, holding only the wheel, come first, and `.venv`'s editable finder is not run (a .pth
line names a folder; that folder's own .pth files are not processed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, VENV_BIN


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _tree(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.slow
def test_the_wheel_runs_demo_and_weekly_from_anywhere(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHAOSHANG_", "DBT_", "DAGSTER_"))}
    env.pop("PYTHONPATH", None)
    uv = [str(VENV_BIN / "python"), "-m", "uv"]
    status = _git_status()
    # the wheel, built from a copy of the tracked files (the build writes build/ beside its sources)
    source = tmp_path / "source"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.split()
    for name in files:
        if (PROJECT_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((PROJECT_ROOT / name).read_bytes())
    built = _run([*uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist")], source, env, 600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("zhaoshang-*.whl")
    venv = tmp_path / "venv"
    made = _run([*uv, "venv", "--python", sys.executable, str(venv)], tmp_path, env, 300)
    assert made.returncode == 0, made.stderr
    (site,) = (venv / "lib").glob("python3.*/site-packages")
    (site / "project_dependencies.pth").write_text(
        str(next((VENV_BIN.parent / "lib").glob("python3.*/site-packages"))) + "\n", encoding="utf-8"
    )
    installed = _run(
        [*uv, "pip", "install", "--no-deps", "-p", str(venv / "bin" / "python"), str(wheel)], tmp_path, env
    )
    assert installed.returncode == 0, installed.stderr
    package = _tree(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # dbt's own entry point stays the project's (its command line names the packaged project)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    where = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import basics, dbt_project, zhaoshang; print(dbt_project.__file__)",
        ],
        elsewhere,
        env,
    )
    assert where.stdout.strip().startswith(str(site)), where.stdout + where.stderr
    home = tmp_path / "home"
    zhaoshang = str(venv / "bin" / "zhaoshang")
    demo = _run([zhaoshang, "demo", "--home", str(home)], elsewhere, env)
    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr[-4000:]
    assert (home / "config" / "单位名册.csv").exists() and (
        home / "dbt" / "target" / "manifest.json"
    ).exists()
    weekly = _run([zhaoshang, "weekly", "--home", str(home)], elsewhere, env)
    assert weekly.returncode == 0, weekly.stdout[-4000:] + weekly.stderr[-4000:]
    assert list(elsewhere.iterdir()) == []  # nothing in the working folder
    assert _tree(site) == package  # nothing written into the installed package
    assert _git_status() == status  # nor into the source tree
