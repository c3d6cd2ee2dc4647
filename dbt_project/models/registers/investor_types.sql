-- investor_types as the home's configuration gave it at this build (raw.config_investor_types, typed by assessment/config_load.py).
select * from {{ source('config', 'investor_types') }}
