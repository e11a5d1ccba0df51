-- Notes printed under tables (TableNote: 注：…本表无数据。) with the table title above them.
select
    cast(document_id as varchar)  as document_id,
    cast(source_line as integer)  as source_line,
    cast(text as varchar)         as text,
    cast(title as varchar)        as title,
    cast(title_line as integer)   as title_line,
    cast(table_empty as boolean)  as table_empty
from {{ staging_parquet('table_notes') }}
