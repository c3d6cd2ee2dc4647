{#- Generic tests (no dbt packages are available offline, so the few we need live here). -#}

{#- The combination of the given columns is unique. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- None of the given columns is NULL: one scan for many columns (the model may be a view over the ledger). -#}
{% test not_null_columns(model, column_names) %}
select *
from {{ model }}
where {% for column in column_names %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}

{#- Every row satisfies a boolean SQL expression (rows where it is false or NULL fail, unless allow_null). -#}
{% test expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% if where_clause %}  and ({{ where_clause }}){% endif %}
{% endtest %}

{#- The column lies within [min_value, max_value] (either bound optional); NULLs pass. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
      false
      {% if min_value is not none %} or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}{% endif %}
      {% if max_value is not none %} or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}{% endif %}
  )
{% endtest %}

{#- Exactly one row (e.g. a pivoted parameter table). -#}
{% test exactly_one_row(model) %}
select n_rows from (select count(*) as n_rows from {{ model }}) as counted
where n_rows <> 1
{% endtest %}

{#- Every target_* column (whatever items the method files name) is NULL or >= 0. -#}
{% test targets_not_negative(model) %}
{%- set columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- if column.name.lower().startswith('target_') %}{% do columns.append(column.name) %}{% endif -%}
    {%- endfor -%}
{%- endif %}
select *
from {{ model }}
where false
{%- for column in columns %}
   or {{ adapter.quote(column) }} < 0
{%- endfor %}
{% endtest %}
