"""The committee's monthly bulletin (月度考核通报): HTML, PDF and workbook under
<home>/reports/YYYY-MM/v<N>/."""

import dagster as dg

from orchestration.partitions import monthly_partitions, year_month
from orchestration.resources import WAREHOUSE_POOL, HomeResource

BULLETIN_INPUTS = [
    dg.AssetKey(["marts", name])
    for name in (
        "score_points",
        "score_totals",
        "score_columns",
        "district_month_indicators",
        "fct_unit_month_projects",
        "dim_unit",
    )
]


@dg.asset(
    key="monthly_bulletin",
    partitions_def=monthly_partitions,
    deps=BULLETIN_INPUTS,
    pool=WAREHOUSE_POOL,
    group_name="reports",
    kinds={"html", "pdf", "excel"},
    description="The assessment committee's monthly bulletin: ranking, charts, a page per unit explaining "
    "every point, and the lists to act on; one self-contained HTML file, its PDF and a workbook under "
    "<home>/reports/YYYY-MM/v<N>/ (a new version each time, never overwritten).",
)
def monthly_bulletin(context: dg.AssetExecutionContext, home: HomeResource) -> dg.MaterializeResult:
    from bulletin import write_bulletin

    year, month = year_month(context.partition_key)
    try:
        files = write_bulletin(home.paths(), year, month)
    except LookupError as err:
        raise dg.Failure(f"{year}年{month}月没有考核得分，无法生成通报 / {err}") from err
    if files.note:
        context.log.warning(files.note)
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(files.folder)),
            "html": dg.MetadataValue.path(str(files.html)),
            "pdf": dg.MetadataValue.path(str(files.pdf)) if files.pdf else "not printed",
            "xlsx": dg.MetadataValue.path(str(files.xlsx)),
            "units": files.units,
            "version": files.version,
        }
    )
