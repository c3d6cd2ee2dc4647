-- origins as the home's configuration gave it at this build (raw.config_origins, typed by assessment/config_load.py).
select * from {{ source('config', 'origins') }}
