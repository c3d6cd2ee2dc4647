"""Every `zhaoshang` command of the README, as written, in order, on a fresh home: each exits as it says.

The README's code blocks are run literally from a fresh folder holding a `.venv` link to this environment
(so `./var` is a new home). A comment `(exit N)` / `(exit N:` states a non-zero exit; otherwise 0 is expected.
Lines that are not the officer's routine (installing, the test suite, benchmarks, the long-running UI) are
listed in SKIPPED, so a new command in the README cannot go untested by accident.

The first command, `.venv/bin/zhaoshang demo`, is the session's `sample_year` (tests/conftest.py): it runs
exactly that line, the same way, in a fresh folder of its own. This test checks that run and continues on a
copy of that whole folder (`.venv` link and `./var`, file times kept), so the next commands meet the home the
demo left, as an officer's would, without a second demo.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, README_DEMO, SampleYear, copy_world, in_fresh_folder

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


def test_readme_commands_run_as_written_on_a_fresh_home(sample_year: SampleYear, tmp_path: Path):
    commands = readme_commands()
    run = [(c, code) for c, code in commands if c not in SKIPPED]
    assert all(c.startswith(".venv/bin/zhaoshang ") for c, _ in run), run
    assert run[0] == (README_DEMO, 0) and len(run) >= 10
    # the first command: the session's sample year ran it as written in a fresh folder
    demo = sample_year.demo
    assert demo.args == shlex.split(README_DEMO) and sample_year.root == sample_year.folder / "var"
    assert demo.returncode == 0, f"{README_DEMO}\n{demo.stdout[-3000:]}\n{demo.stderr[-3000:]}"
    assert "Traceback" not in demo.stderr, README_DEMO
    folder = copy_world(sample_year.folder, tmp_path / "folder")  # its `.venv` link and the home it made
    for command, expected in run[1:]:
        proc = in_fresh_folder(command, folder)
        assert proc.returncode == expected, f"{command}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        assert "Traceback" not in proc.stderr, command
    assert (folder / "var" / "submissions" / "2021-02" / "v2").is_dir()
    assert (folder / "得分_2021-06.csv").read_bytes().startswith(b"\xef\xbb\xbf")
