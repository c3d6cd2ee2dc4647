{#-
  Portable calendar helpers (DuckDB and Postgres).
  A week is an ISO week (Monday..Sunday); it belongs to the year and month of its Sunday,
  so 2020-W53 (ends Sunday 3 January 2021) belongs to January 2021.
-#}

{#- A derived table `(values (0), (1), ..., (n-1)) as <alias>(<column>)`. -#}
{% macro integers(n, alias='integers', column='n') -%}
    (values {% for i in range(n) %}({{ i }}){% if not loop.last %}, {% endif %}{% endfor %}) as {{ alias }}({{ column }})
{%- endmacro %}

{#- The ISO year of a date: the calendar year of the Thursday of its ISO week. -#}
{% macro iso_year(date_expr) -%}
    cast(extract(isoyear from {{ date_expr }}) as integer)
{%- endmacro %}

{#- The ISO week number of a date (1..53). -#}
{% macro iso_week(date_expr) -%}
    cast(extract(week from {{ date_expr }}) as integer)
{%- endmacro %}

{#- The ISO week label of a date, e.g. 2021-W05. -#}
{% macro iso_week_label(date_expr) -%}
    (cast({{ iso_year(date_expr) }} as varchar) || '-W' || lpad(cast({{ iso_week(date_expr) }} as varchar), 2, '0'))
{%- endmacro %}

{#- A date plus a whole number of days (the number may come from a seed stored as a double). -#}
{% macro add_days(date_expr, days_expr) -%}
    cast({{ date_expr }} + cast({{ days_expr }} as integer) as date)
{%- endmacro %}

{#- The last day of the month of (year, month). -#}
{% macro month_end(year_expr, month_expr) -%}
    cast(make_date(cast({{ year_expr }} as integer), cast({{ month_expr }} as integer), 1) + interval '1 month' - interval '1 day' as date)
{%- endmacro %}

{#- The first day of (year, month). -#}
{% macro month_start(year_expr, month_expr) -%}
    make_date(cast({{ year_expr }} as integer), cast({{ month_expr }} as integer), 1)
{%- endmacro %}

{#- The double-precision type name, portable (dbt's type_float is single precision on DuckDB). -#}
{% macro double() -%}double precision{%- endmacro %}

{#- A key for comparing computed scores so floating-point noise does not break ties (ranking only). -#}
{% macro compare_key(expr) -%}
    cast({{ expr }} as decimal(20, 6))
{%- endmacro %}
