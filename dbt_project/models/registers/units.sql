-- units as the home's configuration gave it at this build (raw.config_units, typed by assessment/config_load.py).
select * from {{ source('config', 'units') }}
