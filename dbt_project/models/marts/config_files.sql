-- The configuration the warehouse was built with: the latest version of each file of <home>/config/ (loaded
-- into raw.config_files at every build; a new version when its checksum changed).
select
    f.file,
    f.version,
    f.sha256,
    f.bytes,
    f.loaded_at
from {{ source('config', 'files') }} as f
inner join (
    select file, max(version) as version
    from {{ source('config', 'files') }}
    group by file
) as latest
    on latest.file = f.file and latest.version = f.version
