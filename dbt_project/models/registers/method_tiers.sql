-- method_tiers as the home's configuration gave it at this build (raw.config_method_tiers, typed by assessment/config_load.py).
select * from {{ source('config', 'method_tiers') }}
