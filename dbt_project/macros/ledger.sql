{#- The typed columns of a raw ledger row (alias `a`): one definition for stg_ledger_rows and the snapshots. -#}
{% macro ledger_row_columns(a) -%}
    {{ a }}.sheet,
    cast({{ a }}.row_number as integer) as row_number,
    nullif(trim({{ a }}.project_code), '') as project_code,
    nullif(trim({{ a }}.project_name), '') as project_name,
    nullif(trim({{ a }}.investor), '') as investor,
    nullif(trim({{ a }}.name_key), '') as name_key,
    nullif(trim({{ a }}.investor_type), '') as investor_type,
    nullif(trim({{ a }}.industry), '') as industry,
    nullif(trim({{ a }}.origin), '') as origin,
    cast({{ a }}.is_sci_tech as boolean) as is_sci_tech,
    nullif(trim({{ a }}.stage), '') as stage,
    cast({{ a }}.contract_amount as {{ double() }}) as contract_amount,
    cast({{ a }}.funds_ytd as {{ double() }}) as funds_ytd,
    cast({{ a }}.land_mu as {{ double() }}) as land_mu,
    cast({{ a }}.signed_on as date) as signed_on,
    cast({{ a }}.landed_on as date) as landed_on,
    cast({{ a }}.started_on as date) as started_on,
    cast({{ a }}.producing_on as date) as producing_on,
    nullif(trim({{ a }}.lead_id), '') as lead_id,
    cast({{ a }}.feedback_on as date) as feedback_on
{%- endmacro %}
