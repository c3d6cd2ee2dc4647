"""The dbt models of the warehouse as Dagster assets (dbt tests become asset checks, `error` ones blocking).

dbt builds a copy of the warehouse (`basics.warehouse_access.begin_build`) and the copy replaces the live file
only when every model and test passed: a failed build changes nothing and names the input behind it
(`orchestration.build_failures`).

Before dbt runs, the home's configuration folder is checked and loaded into the copy (assessment.config_load:
raw.config_*); a bad folder builds nothing. The manifest and dbt's target/ and logs are under the home
(orchestration.dbt_manifest, `DBT_TARGET_PATH`): nothing is written into the installed dbt project.
"""

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from assessment.config_load import check_or_raise, load_folder
from assessment.method_file import MethodErrors
from basics import terms as t
from basics.config import ConfigErrors, config_dir
from basics.home import DBT_PROJECT_DIR, Home
from basics.warehouse_access import WarehouseChanged, begin_build, discard_build, finish_build
from ingestion.raw_schema import upgrade_raw_schema
from orchestration.build_failures import explain_failure
from orchestration.dbt_manifest import dbt_executable, ensure_manifest
from orchestration.progress import progress_bar
from orchestration.resources import WAREHOUSE_POOL, HomeResource

BUILD_TARGET_ENV = "ZHAOSHANG_BUILD_WAREHOUSE"  # the copy dbt builds (profiles.yml), else the live file
_HOME = Home.resolve()
DBT_TARGET = Path(os.environ.get("DBT_TARGET_PATH") or _HOME.dbt_target)
os.environ.setdefault("DBT_TARGET_PATH", str(DBT_TARGET))  # dagster-dbt's run folders, under the home too
os.environ.setdefault("DBT_LOG_PATH", str(_HOME.dbt_logs))
ensure_manifest(DBT_TARGET, _HOME.dbt_logs)
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=DBT_TARGET)


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups dbt models by layer (staging / intermediate / marts / seeds)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props["resource_type"] == "seed" or fqn[1:2] == ["registers"]:
            return "registers"
        return dbt_resource_props.get("config", {}).get("schema") or "warehouse"


def build_warehouse_assets() -> dg.AssetsDefinition:
    """The `@dbt_assets` over the whole project (called when the definitions load)."""
    translator = WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=True, enable_duplicate_source_asset_keys=True
        )
    )

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=translator,
        pool=WAREHOUSE_POOL,
        name="warehouse_models",
    )
    def warehouse_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, home: HomeResource
    ) -> Iterator[Any]:
        paths = home.paths()
        warehouse = paths.warehouse
        os.environ["ZHAOSHANG_WAREHOUSE"] = str(warehouse)
        config = config_dir(paths)
        try:  # the configuration folder is checked first; a bad file builds nothing
            check_or_raise(config)
        except (ConfigErrors, MethodErrors) as err:
            raise dg.Failure(description="\n".join(p.sentence() for p in err.problems)) from None
        # dbt builds a copy; it replaces the live file only when every model and test passed
        upgrade_raw_schema(warehouse, say=context.log.info)  # a home an older release made: migrate first
        build = begin_build(warehouse, say=context.log.info)
        os.environ[BUILD_TARGET_ENV] = str(build.building)
        try:
            con = duckdb.connect(str(build.building))
            try:  # the configuration as data: raw.config_* of the copy, read by models/registers/
                load_folder(con, config)
            except (ConfigErrors, MethodErrors) as err:
                raise dg.Failure(description="\n".join(p.sentence() for p in err.problems)) from None
            finally:
                con.close()
            # the formulas' dbt unit tests run in development and CI (tests/, plain dbt build), not weekly
            invocation = dbt.cli(
                ["build", "--exclude-resource-type", "unit_test"], context=context, raise_on_error=False
            )
            total = len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
            with progress_bar(f"{t.BUILD} dbt build", unit="node") as progress:
                for done, event in enumerate(invocation.stream(), start=1):
                    progress(min(done, total), total)
                    yield event
            if not invocation.is_successful():
                raise dg.Failure(
                    description=explain_failure(invocation.target_path, build.building, warehouse),
                    allow_retries=False,
                )
            try:
                finish_build(build)
            except WarehouseChanged as changed:
                raise dg.Failure(description=str(changed), allow_retries=False) from None
            publish_if_postgres(paths, context.log.info)
        finally:
            os.environ.pop(BUILD_TARGET_ENV, None)
            discard_build(build)

    return warehouse_models


def publish_if_postgres(home: Home, say: Callable[[str], None]) -> None:
    """When the home's warehouse setting names PostgreSQL (issue #23), build the same models there from the
    raw tables just built and switch them in whole (`basics.postgres_warehouse.publish`): every build does,
    the CLI's, the schedule's and the UI's. A failure fails the run; the DuckDB file keeps the new build and
    the live marts on PostgreSQL the previous one."""
    from basics.postgres_warehouse import publish
    from basics.warehouse_url import configured

    warehouse = configured(home.root)
    if not warehouse.is_postgres:
        return
    done = publish(home.warehouse, warehouse, DBT_PROJECT_DIR, home.root / "dbt-postgres")
    if done.returncode != 0:
        tail = "\n".join(line for line in done.stdout.splitlines()[-12:] if line.strip())
        raise dg.Failure(
            description=f"PostgreSQL 仓库构建失败，原有结果保持不变 / the build on PostgreSQL failed, the"
            f" previous one stays: {warehouse.describe()}\n{tail}",
            allow_retries=False,
        )
    say(f"PostgreSQL 仓库已更新 / the PostgreSQL warehouse was updated: {warehouse.describe()}")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
