-- Every component of every item of the year's method for every scored unit-month: the measure's value, the
-- target (targets seed column target_<ref>, a constant, another measure or an entered target), the ratio and the
-- component's score (the ratio capped at the component's cap, or the efficacy coefficient among the group), the
-- unit's place in its group by the value (rank_points) and how many components the item has (item_components).
-- depends_on: {{ ref('targets') }}
{%- set target_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(ref('targets')) %}
        {%- if column.name.lower().startswith('target_') %}
            {#- the header of targets.csv is a file a person edits: a column name is spliced only as a code -#}
            {%- if not modules.re.fullmatch('target_[A-Za-z][A-Za-z0-9_]{0,62}', column.name) %}
                {{ exceptions.raise_compiler_error(
                    "targets.csv: the column name " ~ (column.name | tojson)
                    ~ " must be target_ followed by letters, digits and underscores") }}
            {%- endif %}
            {%- do target_columns.append(column.name) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}
with periods as (

    select * from {{ ref('int_method_periods') }}

),

measure_values as (

    select * from {{ ref('int_method_measure_values') }}

),

targets_long as (

    {%- for column in target_columns %}
    select year, unit_code, '{{ column[7:] | lower }}' as target_ref, cast({{ adapter.quote(column) }} as {{ double() }}) as target
    from {{ ref('targets') }}
    union all
    {%- endfor %}
    select
        cast(null as integer) as year,
        cast(null as varchar) as unit_code,
        cast(null as varchar) as target_ref,
        cast(null as {{ double() }}) as target
    where 1 = 0

),

entry_targets as (

    select year, month, unit_code, entry_code, sum(target) as target
    from {{ ref('stg_entry_rows') }}
    group by year, month, unit_code, entry_code

),

-- how many components each item has (score_points aggregates only the items of several)
item_sizes as (

    select method_code, item_code, count(*) as item_components
    from {{ ref('method_components') }}
    group by method_code, item_code

),

joined as (

    select
        periods.year,
        periods.month,
        periods.unit_code,
        periods.method_code,
        periods.group_code,
        items.item_code,
        components.component,
        components.measure_code,
        components.weight,
        components.scale,
        components.cap as component_cap,
        item_sizes.item_components,
        measure_values.value,
        case components.target_source
            when 'targets' then targets_long.target
            when 'value' then components.target_value
            when 'measure' then target_values.value
            when 'entry' then entry_targets.target
        end as target
    from periods
    inner join {{ ref('method_items') }} as items
        on items.method_code = periods.method_code
        and (
            items.group_code is null
            or ',' || items.group_code || ',' like '%,' || periods.group_code || ',%'
        )
    inner join {{ ref('method_components') }} as components
        on components.method_code = items.method_code
        and components.item_code = items.item_code
    inner join item_sizes
        on item_sizes.method_code = components.method_code
        and item_sizes.item_code = components.item_code
    left join measure_values
        on measure_values.year = periods.year
        and measure_values.month = periods.month
        and measure_values.unit_code = periods.unit_code
        and measure_values.method_code = periods.method_code
        and measure_values.measure_code = components.measure_code
    left join targets_long
        on components.target_source = 'targets'
        and targets_long.year = periods.year
        and targets_long.unit_code = periods.unit_code
        and targets_long.target_ref = lower(components.target_ref)
    left join measure_values as target_values
        on components.target_source = 'measure'
        and target_values.year = periods.year
        and target_values.month = periods.month
        and target_values.unit_code = periods.unit_code
        and target_values.method_code = periods.method_code
        and target_values.measure_code = components.target_ref
    left join entry_targets
        on components.target_source = 'entry'
        and entry_targets.year = periods.year
        and entry_targets.month = periods.month
        and entry_targets.unit_code = periods.unit_code
        and entry_targets.entry_code = components.target_ref

),

-- efficacy coefficient (功效系数) among the group: largest value 1 (100 %), smallest 0.6, linear between;
-- every unit 1 when all values are equal
ranged as (

    select
        joined.*,
        case when target > 0 then value / target end as ratio,
        min(value) over (partition by year, month, method_code, group_code, item_code, component) as group_min,
        max(value) over (partition by year, month, method_code, group_code, item_code, component) as group_max,
        -- place within the group by value, largest first; equal values share a place (rank_points)
        rank() over (
            partition by year, month, method_code, group_code, item_code, component
            order by {{ compare_key('value') }} desc nulls last
        ) as place,
        count(*) over (partition by year, month, method_code, group_code, item_code, component) as group_units
    from joined

)

select
    ranged.*,
    case
        when scale = 'efficacy' then
            case
                when group_max = group_min then 1.0
                else (60 + 40 * (value - group_min) / (group_max - group_min)) / 100
            end
    end as coefficient,
    case
        when scale = 'efficacy' then
            case
                when group_max = group_min then 1.0
                else (60 + 40 * (value - group_min) / (group_max - group_min)) / 100
            end
        when component_cap is not null and ratio > component_cap then component_cap
        else ratio
    end as component_score
from ranged
