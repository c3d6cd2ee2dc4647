"""The dbt manifest the Dagster assets are defined from, kept under the home (`<home>/dbt/target/`).

The dbt project ships inside the package and is never written at run time. Its manifest is parsed into the
home's target folder when that holds none for the project as it is now (a checksum of the project's files,
`project.sha256` beside the manifest); a manifest already parsed for the same project in the development
checkout's `dbt_project/target/` (`.ci/install`, the test session) is copied instead of parsed again.
`python -m orchestration.dbt_manifest` parses that development manifest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from basics.home import DBT_PROJECT_DIR

STAMP = "project.sha256"
NOT_INPUTS = {"target", "logs", "dbt_packages", "__pycache__"}


def project_checksum() -> str:
    """A checksum of every file of the dbt project (contents, not times)."""
    digest = hashlib.sha256()
    for path in sorted(DBT_PROJECT_DIR.rglob("*")):
        relative = path.relative_to(DBT_PROJECT_DIR)
        if NOT_INPUTS & set(relative.parts) or not path.is_file() or path.suffix in (".duckdb", ".pyc"):
            continue
        if path.name == ".user.yml":
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _fresh(target: Path, checksum: str) -> bool:
    stamp = target / STAMP
    return (
        (target / "manifest.json").exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8").strip() == checksum
    )


def dbt_executable() -> str:
    """The `dbt` beside the running Python (the project's virtual environment)."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def parse(target: Path, logs: Path) -> None:
    """`dbt parse` of the packaged project into `target` (stamped with the project's checksum)."""
    checksum = project_checksum()
    target.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(logs),
    }
    done = subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(logs),
        ],
        env=env,
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}")
    (target / STAMP).write_text(checksum, encoding="utf-8")


def ensure_manifest(target: Path, logs: Path) -> Path:
    """A manifest in `target` for the project as it is now: kept, copied from development, or parsed."""
    checksum = project_checksum()
    if not _fresh(target, checksum):
        development = DBT_PROJECT_DIR / "target"
        target.mkdir(parents=True, exist_ok=True)
        if _fresh(development, checksum):
            partial = target / "manifest.json.tmp"
            shutil.copyfile(development / "manifest.json", partial)
            os.replace(partial, target / "manifest.json")
            (target / STAMP).write_text(checksum, encoding="utf-8")
        else:
            parse(target, logs)
    return target / "manifest.json"


def ensure_development_manifest() -> None:
    """The development checkout's manifest (`.ci/install`, the tests), parsed when the project changed."""
    target = DBT_PROJECT_DIR / "target"
    if not _fresh(target, project_checksum()):
        parse(target, DBT_PROJECT_DIR / "logs")


if __name__ == "__main__":  # development set-up: the manifest every home of this checkout copies
    ensure_development_manifest()
