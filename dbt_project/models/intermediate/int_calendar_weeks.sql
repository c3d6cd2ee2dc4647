-- A view, so `status` and the gate read the same live answer as the scores (issue 21).
{{ config(materialized='view') }}

-- Every ISO week whose Sunday falls in a year for which any report was received.
-- A week belongs to the year and month of its Sunday (2020-W53 ends on 3 January 2021: January 2021).
with report_years as (

    select distinct year
    from {{ ref('stg_report_files') }}

),

first_sundays as (

    select
        year,
        {{ add_days(month_start('year', 1), "(7 - cast(extract(dow from " ~ month_start('year', 1) ~ ") as integer)) % 7") }}
            as first_sunday
    from report_years

),

sundays as (

    select
        first_sundays.year,
        {{ add_days('first_sundays.first_sunday', '7 * weeks.n') }} as week_end
    from first_sundays
    cross join {{ integers(53, 'weeks', 'n') }}

)

select
    year,
    cast(extract(month from week_end) as integer) as month,
    {{ iso_week_label('week_end') }} as week_label,
    {{ add_days('week_end', -6) }} as week_start,
    week_end
from sundays
where cast(extract(year from week_end) as integer) = year
