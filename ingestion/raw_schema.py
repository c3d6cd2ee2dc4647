"""The raw tables that ingestion writes and dbt reads (schema `raw`), as versioned steps.

`RAW_STEPS` is the one definition of the raw schema (`basics.warehouse_schema`): step 1 is the DDL below, the
tables as the first versioned release made them. A release that changes them appends a step (e.g.
`Step(2, "ledger_rows.x", add_column("raw.ledger_rows", "x", "varchar"))`) and never edits step 1: a new
warehouse runs every step, an older one is upgraded by the steps it lacks when a command opens it. Other
tables the project writes itself can be added the same way, as further steps.

Every ledger/lead row carries its lineage: the file's sha256, the sheet and the 1-based row number in that
sheet (the header is row 1, so the first data row is row 2, as a spreadsheet user counts).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from basics.warehouse_schema import Step, ensure_schema, latest, upgrade

RAW_DDL = """
create schema if not exists raw;

-- one row per accepted file version; superseded versions stay (stg keeps the highest version per unit-week)
create table if not exists raw.report_files (
    file_sha256     varchar not null,
    source_path     varchar not null,   -- path relative to the inbox, e.g. 2021-W05/P01.xlsx
    archive_path    varchar not null,   -- path relative to the home folder
    unit_code       varchar not null,
    iso_year        integer not null,
    iso_week        integer not null,
    week_label      varchar not null,   -- 2021-W05
    week_start      date not null,      -- Monday
    week_end        date not null,      -- Sunday
    file_format     varchar not null,   -- xlsx | csv
    version         integer not null,   -- 1, 2, ... per (unit_code, week_label) in arrival order
    received_at     timestamp not null,
    ledger_rows     integer not null,
    lead_rows       integer not null,
    warnings        varchar,            -- JSON list of file-level warnings (unknown columns, ...)
    primary key (unit_code, week_label, version)
);

create table if not exists raw.ledger_rows (
    file_sha256     varchar not null,
    unit_code       varchar not null,
    week_label      varchar not null,
    version         integer not null,
    sheet           varchar not null,
    row_number      integer not null,
    project_code    varchar,
    project_name    varchar,
    investor        varchar,
    name_key        varchar,            -- normalised project name + investor, for cross-unit duplicates
    investor_type   varchar,            -- English code, NULL when missing/invalid (then a row issue exists)
    industry        varchar,
    origin          varchar,
    is_sci_tech     boolean,
    stage           varchar,
    contract_amount double,             -- 亿元 (万元 columns are divided by 10,000)
    funds_ytd       double,             -- 亿元
    land_mu         double,
    signed_on       date,
    landed_on       date,
    started_on      date,
    producing_on    date,
    lead_id         varchar,
    feedback_on     date,
    note            varchar,
    primary key (unit_code, week_label, version, row_number)
);

create table if not exists raw.lead_rows (
    file_sha256     varchar not null,
    unit_code       varchar not null,   -- the sharer
    week_label      varchar not null,
    version         integer not null,
    sheet           varchar not null,
    row_number      integer not null,
    lead_id         varchar,
    project_name    varchar,
    investor        varchar,
    to_unit         varchar,
    shared_on       date,
    primary key (unit_code, week_label, version, sheet, row_number)
);

-- row-level rule violations of SPEC 2.1/2.2: the row is loaded, the issue blocks the gate
create table if not exists raw.row_issues (
    file_sha256     varchar not null,
    unit_code       varchar not null,
    week_label      varchar not null,
    version         integer not null,
    sheet           varchar not null,
    row_number      integer not null,
    project_code    varchar,
    column_name     varchar not null,   -- the Chinese header as the unit sees it
    value           varchar,
    rule            varchar not null,   -- machine code: required, enum, not_negative, date, unique, ...
    expected_zh     varchar not null,
    expected_en     varchar not null
);

-- committee entries and outside figures (考核录入): one row per unit and entered item of an entries workbook
-- <inbox>/entries/<YYYY-MM>/<name>.xlsx; the newest version of a (month, file) supersedes the earlier ones
create table if not exists raw.entry_rows (
    file_sha256     varchar not null,
    source_path     varchar not null,   -- entries/2021-12/委员会评分.xlsx
    archive_path    varchar not null,
    version         integer not null,   -- 1, 2, ... per source_path in arrival order
    received_at     timestamp not null,
    year            integer not null,
    month           integer not null,
    sheet           varchar not null,
    row_number      integer not null,
    unit_code       varchar not null,
    entry_code      varchar not null,   -- the item the method names (entry: CODE)
    value           double,
    target          double,
    entered_by      varchar,
    reason          varchar,
    primary key (source_path, version, sheet, row_number)
);

-- files rejected whole (SPEC 2.5); the file itself is moved to quarantine/
create table if not exists raw.rejected_files (
    file_sha256     varchar,            -- NULL when the file could not be read at all
    source_path     varchar not null,
    quarantine_path varchar not null,
    rejected_at     timestamp not null,
    sheet           varchar,
    row_number      integer,
    column_name     varchar,
    value           varchar,
    reason_code     varchar not null,   -- unreadable, empty, missing_column, unknown_unit, unit_mismatch, ...
    reason_zh       varchar not null,
    reason_en       varchar not null
);

-- every inbox file already ingested (accepted, or unchanged): size and mtime as last seen and the checksum
-- of the report it belongs to (a CSV pair's files share theirs), so an unchanged file is not read again
create table if not exists raw.inbox_files (
    inbox           varchar not null,   -- the inbox folder (absolute)
    source_path     varchar not null,   -- relative to the inbox: 2021-W05/P01.xlsx, 2021-W05/P01.leads.csv
    size            bigint not null,
    mtime_ns        bigint not null,
    file_sha256     varchar not null,   -- the checksum of its report (raw.report_files) or entries file
    seen_at         timestamp not null,
    primary key (inbox, source_path)
);
"""


RAW_STEPS: list[Step] = [
    # `if not exists`: a warehouse from before versioning (version 0) gains the tables its release lacked
    Step(
        1,
        "raw tables: report_files, ledger_rows, lead_rows, row_issues, entry_rows, rejected_files, "
        "inbox_files",
        RAW_DDL,
    ),
]


def raw_version() -> int:
    """The raw schema version this release writes."""
    return latest(RAW_STEPS)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables on a new warehouse (every step); nothing on a current one; an older one must
    have been upgraded first (`upgrade_raw_schema`), a newer one is refused (both a UserError)."""
    ensure_schema(con, RAW_STEPS)


def upgrade_raw_schema(warehouse: Path, say: Callable[[str], None] | None = None) -> tuple[int, int] | None:
    """Migrate a warehouse made by an older release (a copy, switched in when every step passed); (old, new)
    when it did. Run before anything else opens the warehouse."""
    return upgrade(warehouse, RAW_STEPS, say)
