"""`zhaoshang backup --out FILE`: the home in one .tar.gz a person can copy to another disk.

It holds a checkpointed copy of the warehouse (taken while holding the warehouse, so no writer runs meanwhile
and it agrees with the journal), the configuration folder, the journal, the archive, the inbox, the
quarantine, the submissions and the units' receipts, templates, bulletins and gate reports. Paths inside
are relative to the home; restoring is `mkdir NEWDIR && tar -xzf FILE -C NEWDIR` (README), after which
every command works on NEWDIR as it did here.
The Dagster run history (`dagster/`) and logs are not included: a restored home starts a new one.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.warehouse_access import check_readable, fsync_path, open_warehouse
from zhaoshang.warehouse import require_home

FOLDERS = (
    "config",  # the bureau's own registers, targets and methods
    "journal",
    "archive",
    "inbox",
    "quarantine",
    "submissions",
    "receipts",
    "templates",
    "reports",
    "gate",
)


def run(home: Home, out: Path) -> int:
    require_home(home)
    if not home.warehouse.exists():
        raise UserError(
            f"{home.root} 中还没有{t.WAREHOUSE} / there is no warehouse in {home.root}.",
            "请先运行 `zhaoshang ingest`（或 `zhaoshang rebuild`）"
            " / run `zhaoshang ingest` (or `zhaoshang rebuild`) first.",
        )
    out = out.expanduser().resolve()
    if not out.parent.is_dir():
        raise UserError(
            f"{t.BACKUP}文件的文件夹 {out.parent} 不存在 / the folder {out.parent} does not exist.",
            "请先建立它或换一个 --out / create it first or choose another --out.",
        )
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    con = open_warehouse(home.warehouse)  # writers wait until the copy is complete
    try:
        check_readable(con, home.warehouse)  # never back up a damaged file
        con.execute("checkpoint")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(home.warehouse, arcname=home.warehouse.name)
            for name in FOLDERS:
                folder = home.root / name
                if folder.exists():
                    tar.add(folder, arcname=name, filter=lambda info: _skip(info, out, partial))
        fsync_path(partial)
        os.replace(partial, out)
    finally:
        con.close()
        partial.unlink(missing_ok=True)
    size = out.stat().st_size / 1e6
    print(
        f"已{t.BACKUP}到 {out}（{size:.1f} MB）；{t.RESTORE}：mkdir 新目录 && tar -xzf {out.name} -C 新目录"
        f" / backed up to {out} ({size:.1f} MB); to restore: mkdir NEWDIR && tar -xzf {out.name} -C NEWDIR"
    )
    return 0


def _skip(info: tarfile.TarInfo, *own: Path) -> tarfile.TarInfo | None:
    """Leave out the backup file itself (when written into the home) and temporary files."""
    name = Path(info.name).name
    if name.endswith((".tmp", ".partial")) or any(name == p.name for p in own):
        return None
    return info
