"""The gate's scope for one month: a DuckDB connection with temp views over the staged data of the month."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from basics.warehouse_access import open_warehouse
from basics.weeks import month_end, week_end, weeks_ending_in

if TYPE_CHECKING:
    import pandas as pd

    from expectations.gx_runner import GxRunner, Outcome

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SCOPE_SQL = HERE / "scope.sql"
SQL_CHECKS_DIR = HERE / "sql_checks"
SUITES_DIR = HERE / "suites"

# district indicators beyond district_targets.csv (SPEC 6); plus contract_amount_<industry>, projects_<stage>
EXTRA_DISTRICT_INDICATORS = (
    "contract_amount_out_of_city",
    "share_out_of_city",
    "contract_amount_sci_tech",
    "share_sci_tech",
)

FRAME_VIEWS = {"ledger": "gate_ledger", "district": "gate_district"}


class GateSetupError(RuntimeError):
    """The warehouse lacks what a check needs (not built yet, a model missing...)."""


def month_weeks(year: int, month: int) -> list[tuple[str, date]]:
    """ISO weeks whose Sunday falls in the month: [(label, sunday)], in order."""
    return [(label, week_end(label)) for label in weeks_ending_in(year, month)]


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only; fall back to the process's existing read-write configuration."""
    if not Path(warehouse).exists():
        raise FileNotFoundError(f"warehouse not found: {warehouse} (run ingest and build first)")
    try:
        return open_warehouse(Path(warehouse), read_only=True)
    except duckdb.ConnectionException:
        return open_warehouse(Path(warehouse))


class GateScope:
    """Month scope shared by every check: temp tables gate_month/gate_weeks and the views of scope.sql."""

    def __init__(
        self,
        warehouse: Path,
        year: int,
        month: int,
        docs_dir: Path | None = None,
        gx_cache_dir: Path | None = None,
    ) -> None:
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1..12, got {month}")
        self.warehouse = Path(warehouse)
        self.year, self.month = year, month
        self.month_start = date(year, month, 1)
        self.month_end = month_end(year, month)
        self.weeks = month_weeks(year, month)
        self.docs_dir = docs_dir
        self.con = connect(self.warehouse)
        self.view_errors: dict[str, str] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._gx: GxRunner | None = None
        self.gx_cache_dir = gx_cache_dir  # the month's stored GX outcomes (gx_cache.py); None: always run GX
        self._gx_key: str | None = None
        self._gx_suites: set[str] = set()
        self._reused: dict[str, list[Outcome]] | None = None
        self._fresh: dict[str, list[Outcome]] = {}
        self._setup()

    def _setup(self) -> None:
        self.con.execute(
            "create or replace temp table gate_month (year integer, month integer, "
            "month_start date, month_end date)"
        )
        self.con.execute(
            "insert into gate_month values (?, ?, ?, ?)",
            [self.year, self.month, self.month_start, self.month_end],
        )
        self.con.execute("create or replace temp table gate_weeks (week_label varchar, week_end date)")
        if self.weeks:
            self.con.executemany("insert into gate_weeks values (?, ?)", [list(w) for w in self.weeks])
        for statement in _statements(SCOPE_SQL.read_text(encoding="utf-8")):
            name = re.search(r"temp view (\w+)", statement)
            try:
                self.con.execute(statement)
            except duckdb.Error as exc:  # a missing model: the checks using this view will fail with it
                self.view_errors[name[1] if name else statement[:40]] = str(exc).splitlines()[0]

    # --- data -------------------------------------------------------------------------------------------
    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run SQL on the scoped connection; names of missing scope views become a GateSetupError."""
        for view, error in self.view_errors.items():
            if re.search(rf"\b{view}\b", sql):
                raise GateSetupError(f"{view}: {error}")
        used = set(re.findall(r"\$(\w+)", sql))
        try:
            return self.con.execute(sql, {k: v for k, v in (params or {}).items() if k in used}).df()
        except duckdb.CatalogException as exc:
            raise GateSetupError(str(exc).splitlines()[0]) from exc

    def frame(self, name: str) -> pd.DataFrame:
        """The rows a GX suite validates (`ledger`, `district`), with a `_rid` row id."""
        if name not in self._frames:
            # in one order every time (a join's order may vary): the same rows give the same `_rid`s, so an
            # unchanged month's frame hashes alike and its stored GX outcomes can be reused (gx_cache.py)
            df = self.query(f"select * from {FRAME_VIEWS[name]} order by all")
            df.insert(0, "_rid", range(len(df)))
            self._frames[name] = df
        return self._frames[name]

    def parameters(self, required: tuple[str, ...] = ()) -> dict[str, float]:
        """Thresholds from marts.thresholds; a missing required one is a setup error."""
        rows = self.query("select parameter, value from marts.thresholds")
        params = dict(zip(rows["parameter"], rows["value"].astype(float), strict=True))
        missing = [p for p in required if p not in params]
        if missing:
            raise GateSetupError(f"marts.thresholds (seed scoring_parameters) lacks {', '.join(missing)}")
        return params

    def unit_codes(self) -> set[str]:
        """The unit register the warehouse was built with (marts.dim_unit)."""
        try:
            return set(self.query("select unit_code from marts.dim_unit")["unit_code"].astype(str))
        except GateSetupError:
            from basics.registers import units

            return set(units())

    def gx_parameters(self) -> dict[str, Any]:
        """Expectation parameters ($PARAMETER) of the suites: indicators and thresholds from the marts."""

        def codes(sql: str) -> list[str]:
            return [str(v) for v in self.query(sql).iloc[:, 0].tolist()]

        industries = codes("select industry_code from marts.dim_industry order by sort_order")
        stages = codes("select stage_code from marts.dim_stage order by stage_order")
        required = codes(f"select indicator from marts.district_year_targets where year = {int(self.year)}")
        required += list(EXTRA_DISTRICT_INDICATORS)
        required += [f"contract_amount_{c}" for c in industries] + [f"projects_{c}" for c in stages]
        return {
            "required_indicators": sorted(set(required)),
            **self.parameters(),
        }

    @property
    def gx(self) -> GxRunner:
        """The GX context of this run, created on first use (importing GX takes seconds)."""
        if self._gx is None:
            from expectations.gx_runner import GxRunner

            self._gx = GxRunner(self.docs_dir)
        return self._gx

    def reuse_gx(self, suites: list[tuple[str, str]]) -> None:
        """Before the checks: find the month's stored outcomes of these (suite, frame) pairs, keyed by the
        suites, the frames' content and the parameters (gx_cache.py); the GX checks then read them instead
        of importing and running GX. Nothing is reused when a key cannot be made (that check reports why)."""
        if self.gx_cache_dir is None or self.docs_dir is None or not suites:
            return
        from expectations import gx_cache
        from expectations.gx_runner import used_parameters

        try:
            parameters = self.gx_parameters()
            keys = {
                suite: gx_cache.suite_key(suite, self.frame(frame), used_parameters(suite, parameters))
                for suite, frame in suites
            }
        except Exception as exc:  # noqa: BLE001  (a missing view or threshold: the check itself says so)
            log.info("GX outcomes not reused: %s", exc)
            return
        self._gx_key, self._gx_suites = gx_cache.gate_key(keys), set(keys)
        entry = self.gx_cache_dir / self._gx_key
        found = gx_cache.load(entry) if entry.is_dir() else None
        self._reused = found if found is not None and set(found) == self._gx_suites else None

    @property
    def gx_reused_from(self) -> str | None:
        """'<time> (<run>)' of the gate whose GX outcomes this one reused, else None."""
        if self._reused is None or self._gx_key is None or self.gx_cache_dir is None:
            return None
        from expectations.gx_cache import entry_info

        info = entry_info(self.gx_cache_dir / self._gx_key)
        return f"{info.get('created_at') or '?'} ({info.get('run') or '?'})"

    def gx_outcomes(self, suite: str, frame: pd.DataFrame) -> list[Outcome]:
        """The suite's outcomes on `frame`: reused when `reuse_gx` found them, else GX runs."""
        if self._reused is not None and suite in self._reused:
            return self._reused[suite]
        outcomes = self.gx.validate(suite, frame, self.gx_parameters())
        self._fresh[suite] = outcomes
        return outcomes

    def build_docs(self, created_at: str = "") -> str | None:
        """The run's Data Docs: built by GX (then its outcomes stored for the next gate of the month), or
        the reused outcomes' copy."""
        from expectations import gx_cache

        if self._reused is not None and self._gx is None and self.docs_dir is not None:
            assert self.gx_cache_dir is not None and self._gx_key is not None
            return gx_cache.copy_docs(self.gx_cache_dir / self._gx_key, self.docs_dir)
        if self._gx is None:
            return None
        index = self._gx.build_docs()
        if (
            index
            and self._gx_key
            and self.gx_cache_dir is not None
            and self.docs_dir is not None
            and set(self._fresh) == self._gx_suites
        ):
            gx_cache.store(
                self.gx_cache_dir,
                self._gx_key,
                self._fresh,
                self.docs_dir,
                created_at,
                self.docs_dir.parent.name,
            )
        return index

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> GateScope:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
