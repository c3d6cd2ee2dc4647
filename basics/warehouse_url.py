"""Which warehouse a home uses: the DuckDB file in the home (the default) or a PostgreSQL database.

The setting comes from `$ZHAOSHANG_WAREHOUSE_URL`, else from the home's `settings.toml`
(`warehouse = "postgresql://user:password@host:5432/dbname?schema=public"`), else DuckDB. `duckdb` (or an
empty value) names the default. dbt reads the PostgreSQL connection from the environment that
`dbt_environment` gives it (profiles.yml, target `postgres`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from basics.errors import UserError

ENV = "ZHAOSHANG_WAREHOUSE_URL"
DAGSTER_SCHEMA = "dagster"  # Dagster's instance storage (runs, event logs, schedules, pools) on PostgreSQL
SETTINGS_FILE = "settings.toml"
DEFAULT_PORT = 5432
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Warehouse:
    """The parsed setting: `kind` is "duckdb" or "postgres"; the other fields are PostgreSQL's."""

    kind: str
    host: str = ""
    port: int = DEFAULT_PORT
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = "public"

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"

    def conninfo(self) -> str:
        """A libpq connection string (for psycopg); values are quoted, never spliced into SQL."""
        if not self.is_postgres:
            raise ValueError("not a PostgreSQL warehouse")
        parts = {"host": self.host, "port": str(self.port), "user": self.user, "dbname": self.dbname}
        if self.password:
            parts["password"] = self.password
        return " ".join(f"{key}='{_libpq_quote(value)}'" for key, value in parts.items())

    def describe(self) -> str:
        """For messages: never shows the password."""
        if not self.is_postgres:
            return "duckdb"
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname} (schema {self.schema})"


def _libpq_quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _bad(text: str, why_zh: str, why_en: str) -> UserError:
    shown = re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", text)  # hide a password
    return UserError(
        f"仓库设置 {shown!r} 无效：{why_zh}；应为 duckdb 或 postgresql://用户:密码@主机:端口/数据库"
        f" / the warehouse setting {shown!r} is not valid: {why_en}; expected duckdb or "
        "postgresql://user:password@host:port/dbname."
    )


def parse(text: str | None) -> Warehouse:
    """Parse a setting: empty or `duckdb` → DuckDB; `postgresql://` or `postgres://` URL → PostgreSQL."""
    value = (text or "").strip()
    if value.lower() in ("", "duckdb"):
        return Warehouse("duckdb")
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres"):
        raise _bad(value, "只支持 duckdb 与 PostgreSQL", "only duckdb and PostgreSQL are supported")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise _bad(value, "端口不是 1–65535 的整数", "the port is not an integer 1-65535") from None
    if not parts.hostname:
        raise _bad(value, "缺少主机名", "the host is missing")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise _bad(value, "缺少数据库名", "the database name is missing")
    query = parse_qs(parts.query)
    schema = query.get("schema", ["public"])[-1]
    if not _IDENTIFIER.match(schema):
        raise _bad(value, f"模式名 {schema!r} 不是合法标识符", f"the schema {schema!r} is not an identifier")
    return Warehouse(
        "postgres",
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or "") or "postgres",
        password=unquote(parts.password or ""),
        dbname=dbname,
        schema=schema,
    )


# The modules a PostgreSQL home needs: the `postgres` extra of pyproject.toml.
POSTGRES_MODULES = ("psycopg", "psycopg2", "dagster_postgres", "dbt.adapters.postgres")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        return False


def require_postgres_extra(warehouse: Warehouse) -> Warehouse:
    """A PostgreSQL setting on an installation without the `postgres` extra: one sentence, not a traceback
    from deep inside Dagster or dbt."""
    missing = [m for m in POSTGRES_MODULES if not _installed(m)] if warehouse.is_postgres else []
    if missing:
        names = ", ".join(missing)
        raise UserError(
            f"仓库设置为 PostgreSQL（{warehouse.describe()}），但本机未安装 postgres 扩展（缺 {names}）；"
            "请安装 zhaoshang[postgres] / the warehouse setting names PostgreSQL but the postgres extra is "
            f"not installed (missing {names}); install zhaoshang[postgres]."
        )
    return warehouse


def configured(home_root: Path | None = None) -> Warehouse:
    """The warehouse in force: `$ZHAOSHANG_WAREHOUSE_URL`, else the home's settings.toml, else DuckDB."""
    return require_postgres_extra(_configured(home_root))


def _configured(home_root: Path | None) -> Warehouse:
    if os.environ.get(ENV, "").strip():
        return parse(os.environ[ENV])
    if home_root is not None:
        path = Path(home_root) / SETTINGS_FILE
        if path.is_file():
            try:
                settings = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise UserError(
                    f"设置文件 {path} 无法读取：{exc} / the settings file {path} cannot be read: {exc}."
                ) from None
            value = settings.get("warehouse", "")
            if not isinstance(value, str):
                raise UserError(
                    f"设置文件 {path} 中 warehouse 应为文本 / warehouse in {path} must be a string."
                )
            return parse(value)
    return parse(None)


def dbt_environment(warehouse: Warehouse) -> dict[str, str]:
    """Environment variables that point dbt (profiles.yml) at this warehouse; empty for DuckDB."""
    if not warehouse.is_postgres:
        return {}
    return {
        "ZHAOSHANG_DBT_TARGET": "postgres",
        "ZHAOSHANG_PG_HOST": warehouse.host,
        "ZHAOSHANG_PG_PORT": str(warehouse.port),
        "ZHAOSHANG_PG_USER": warehouse.user,
        "ZHAOSHANG_PG_PASSWORD": warehouse.password,
        "ZHAOSHANG_PG_DBNAME": warehouse.dbname,
        "ZHAOSHANG_PG_SCHEMA": warehouse.schema,
    }


def dagster_storage_url(warehouse: Warehouse) -> str:
    """The SQLAlchemy URL of Dagster's instance storage on the warehouse's server: the same database, its
    tables in the schema `dagster` (apart from the marts the committee reads). The driver is named:
    dagster-postgres is written for psycopg2 (SQLAlchemy 2.1 would pick psycopg 3, whose server-side
    binding breaks its `NOTIFY`)."""
    if not warehouse.is_postgres:
        raise ValueError("not a PostgreSQL warehouse")
    auth = quote(warehouse.user, safe="") + (
        ":" + quote(warehouse.password, safe="") if warehouse.password else ""
    )
    return (
        f"postgresql+psycopg2://{auth}@{warehouse.host}:{warehouse.port}/{quote(warehouse.dbname, safe='')}"
        f"?options=-csearch_path%3D{DAGSTER_SCHEMA}"
    )
