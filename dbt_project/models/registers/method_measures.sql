-- method_measures as the home's configuration gave it at this build (raw.config_method_measures, typed by assessment/config_load.py).
select * from {{ source('config', 'method_measures') }}
