-- method_register as the home's configuration gave it at this build (raw.config_method_register, typed by assessment/config_load.py).
select * from {{ source('config', 'method_register') }}
