-- The documents' non-blank source lines: the text that evidence points at.
select
    cast(document_id as varchar)  as document_id,
    cast(source_line as integer)  as source_line,
    cast(text as varchar)         as text,
    cast(page as integer)         as page
from {{ staging_parquet('lines') }}
