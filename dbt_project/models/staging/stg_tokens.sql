-- Coverage account: every numeric token of the text and whether a record holds it.
select
    cast(document_id as varchar)  as document_id,
    cast(source_line as integer)  as source_line,
    cast(token as varchar)        as token,
    cast(accounted as boolean)    as accounted,
    cast(record as varchar)       as record,
    cast(reason as varchar)       as reason
from {{ staging_parquet('tokens') }}
