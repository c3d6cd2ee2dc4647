"""Every `zhaoshang` command of the README, as written, in order, on a fresh home: each exits as it says.

The README's code blocks are run literally from a fresh folder holding a `.venv` link to this environment
(so `./var` is a new home). A comment `(exit N)` / `(exit N:` states a non-zero exit; otherwise 0 is expected.
Lines that are not the officer's routine (installing, the test suite, benchmarks, the long-running UI) are
listed in SKIPPED, so a new command in the README cannot go untested by accident.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, VENV_BIN

pytestmark = pytest.mark.slow  # minutes: the fast loop skips it

SKIPPED = {
    "bash .ci/install",
    ".venv/bin/python -m pytest",
    ".venv/bin/python -m benchmarks.run --size tiny",
    ".venv/bin/python -m benchmarks.run --size M",
    ".venv/bin/zhaoshang ui",
}
EXPECTED_EXIT = re.compile(r"\(exit (\d)[:)]")


def readme_commands() -> list[tuple[str, int]]:
    """(command, expected exit code) of every line of the README's ```bash blocks, in order."""
    text = (PROJECT_ROOT / "README.md").read_text("utf-8")
    out: list[tuple[str, int]] = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if not line.strip():
                continue
            code, _, comment = line.partition("  #")
            expected = EXPECTED_EXIT.search(comment)
            for part in code.split("&&"):
                out.append((part.strip(), int(expected[1]) if expected else 0))
    return out


def test_readme_commands_run_as_written_on_a_fresh_home(tmp_path: Path):
    commands = readme_commands()
    run = [(c, code) for c, code in commands if c not in SKIPPED]
    assert all(c.startswith(".venv/bin/zhaoshang ") for c, _ in run), run
    assert run[0][0] == ".venv/bin/zhaoshang demo" and len(run) >= 10
    (tmp_path / ".venv").symlink_to(VENV_BIN.parent)
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ZHAOSHANG_HOME", None)
    for command, expected in run:
        proc = subprocess.run(
            shlex.split(command), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
        )
        assert proc.returncode == expected, f"{command}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        assert "Traceback" not in proc.stderr, command
    assert (tmp_path / "var" / "submissions" / "2021-02" / "v2").is_dir()
    assert (tmp_path / "得分_2021-06.csv").read_bytes().startswith(b"\xef\xbb\xbf")
