-- One row per staged document (documents.parquet of every document folder).
select
    cast(document_id as varchar)   as document_id,
    cast(content_hash as varchar)  as content_hash,
    cast(source_name as varchar)   as source_name,
    cast(region as varchar)        as region,
    cast(department as varchar)    as department,
    cast(year as integer)          as year,
    cast(phase as varchar)         as phase,
    cast(title as varchar)         as title,
    cast(encoding as varchar)      as encoding,
    cast(line_count as integer)    as line_count,
    cast(scope as varchar)         as scope,
    cast(template as varchar)      as template
from {{ staging_parquet('documents') }}
