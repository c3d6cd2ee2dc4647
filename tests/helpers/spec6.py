"""The SPEC §6 export: the committee's C/F/Q/M/R pivot of the scores (docs/ARCHITECTURE.md, "Marts").

No command reads it (every surface renders from `marts.score_points` / `score_totals`); it stays as SPEC §6
defines it for the methods with the indicators C, F, Q, M and R. This is the one place outside dbt_project/
that names it: the tests of the pivot itself (its value_c … rank_in_type columns, its build, its asset, both
backends) and the benchmarks' hand-written floor (benchmarks/floor.py) import it from here.
"""

from __future__ import annotations

SPEC6_MODEL = "unit_month_scores"  # the dbt model (docs/SPEC.md §6)
SPEC6_EXPORT = f"marts.{SPEC6_MODEL}"  # the warehouse table the committee's scripts read
SPEC6_ASSET = f"marts/{SPEC6_MODEL}"  # its Dagster asset key
