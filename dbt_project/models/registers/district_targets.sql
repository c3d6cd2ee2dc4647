-- district_targets as the home's configuration gave it at this build (raw.config_district_targets, typed by assessment/config_load.py).
select * from {{ source('config', 'district_targets') }}
