{#- Custom schemas are used as they are (staging, intermediate, marts, seeds), not prefixed by the target schema.
    A build on PostgreSQL writes fresh schemas (`marts__next` ...: $ZHAOSHANG_SCHEMA_SUFFIX) that are switched in
    whole at its end (basics/postgres_warehouse.py), so readers never see a half-built warehouse. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}{{ env_var('ZHAOSHANG_SCHEMA_SUFFIX', '') }}
    {%- endif -%}
{%- endmacro %}
