"""Methods A–D of METHODS.md on PostgreSQL: the same inbox and method files as tests/methods/, built once on
DuckDB (shared with those tests when they run in the same session) and once on PostgreSQL; the hand-computed
checks of each method pass on PostgreSQL, and both builds' score_totals and score_points agree row for row."""

from __future__ import annotations

import pytest

from tests.helpers.postgres_fixtures import built_on_postgres, dbt_project_copy
from tests.methods import test_method_a, test_method_b, test_method_c, test_method_d
from tests.methods.build import build
from tests.postgres.compare import differences

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# the arguments of each module's `warehouse` fixture (the same ones, so the DuckDB build is shared)
METHODS = {
    "a": (
        test_method_a,
        "year,unit_code,target_A1,target_A2",
        ["2021,P01,40,3", "2021,P02,40,3"],
        [test_method_a.test_worked_example, test_method_a.test_committee_score_only_in_its_month],
    ),
    "b": (
        test_method_b,
        "year,unit_code,target_B1_r,target_B1_f",
        ["2021,P01,100,100", "2021,P02,100,100", "2021,P03,100,100"],
        [test_method_b.test_worked_example],
    ),
    "c": (test_method_c, "year,unit_code", [], [test_method_c.test_worked_example]),
    "d": (
        test_method_d,
        "year,unit_code,target_D1,target_D2",
        ["2021,P01,5,20"],
        [test_method_d.test_worked_example, test_method_d.test_first_quarter],
    ),
}


@pytest.fixture(scope="module", params=sorted(METHODS))
def both(request, tmp_path_factory):
    """(method letter, DuckDB warehouse, the same build on PostgreSQL)."""
    module, header, targets, _ = METHODS[request.param]
    warehouse = build(
        tmp_path_factory.mktemp(f"method_{request.param}"), module.METHOD, header, targets, module.write_inbox
    )
    project = dbt_project_copy(warehouse.parent.parent)
    return request.param, warehouse, built_on_postgres(request, project, warehouse, f"method_{request.param}")


def test_hand_computed_scores_hold_on_postgres(both):
    letter, _, on_postgres = both
    for check in METHODS[letter][3]:
        check(on_postgres)


@pytest.mark.parametrize("table", ["score_totals", "score_points"])
def test_both_backends_agree_row_for_row(both, table):
    _, duckdb_warehouse, on_postgres = both
    assert differences(duckdb_warehouse, on_postgres.url, table) == []
