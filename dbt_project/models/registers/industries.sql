-- industries as the home's configuration gave it at this build (raw.config_industries, typed by assessment/config_load.py).
select * from {{ source('config', 'industries') }}
