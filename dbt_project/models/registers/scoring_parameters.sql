-- scoring_parameters as the home's configuration gave it at this build (raw.config_scoring_parameters, typed by assessment/config_load.py).
select * from {{ source('config', 'scoring_parameters') }}
