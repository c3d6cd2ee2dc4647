"""The rows behind a measure, as the engine counts them: one place for `zhaoshang explain` and the bulletin.

A projects measure counts the rows of the unit-month snapshot (`intermediate.int_unit_month_snapshots`, alias
`r`, cross-unit duplicates excluded) that match its `filter_sql` (compiled from the method file into
`seeds.method_measures`; it may use the period `p` and the stage `st`), joined as dbt's `method_source_from`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def project_rows_sql(
    filter_sql: str, columns: str, where: str = "true", periods: str = "int_method_periods"
) -> str:
    """SELECT `columns` of the snapshot rows a projects measure with `filter_sql` counts, within `where`.

    `periods`: int_method_periods (the scored unit-months) or int_method_eval_periods (also the prior year's
    months a growth measure evaluates; then `where` names p.method_code).
    """
    table = {"int_method_periods": "int_method_periods", "int_method_eval_periods": "int_method_eval_periods"}
    return f"""
        select {columns}
        from intermediate.int_unit_month_snapshots as r
        inner join intermediate.{table[periods]} as p
            on p.year = r.year and p.month = r.month and p.unit_code = r.unit_code
        left join seeds.stages as st on st.stage_code = r.stage
        where not r.is_cross_unit_duplicate and ({where}) and ({filter_sql})
    """


def counted_measures(measures: Mapping[str, Mapping[str, Any]], code: str) -> list[str]:
    """The measures whose rows make up `code`: itself, or the parts of a ratio or change."""
    measure = measures.get(code)
    if measure is None:
        return []
    if measure["aggregate"] == "ratio":
        return [
            *counted_measures(measures, measure["numerator"]),
            *counted_measures(measures, measure["denominator"]),
        ]
    if measure["aggregate"] in ("change", "growth"):
        return counted_measures(measures, measure["base_measure"])
    return [code]
