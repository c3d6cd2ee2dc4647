"""Resources: where the home folder is."""

from __future__ import annotations

import dagster as dg

from basics.home import Home

WAREHOUSE_POOL = "duckdb_warehouse"  # one writer at a time: every step touching the DuckDB file uses it


class HomeResource(dg.ConfigurableResource):
    """The home folder (`$ZHAOSHANG_HOME`, else `./var`) holding warehouse, inbox, archive and submissions."""

    root: str | None = None

    def paths(self) -> Home:
        return Home.resolve(self.root).ensure()
