-- The tables the 目录 lists (ContentsEntry), with the body line printing that title.
select
    cast(document_id as varchar)  as document_id,
    cast(seq as integer)          as seq,
    cast(source_line as integer)  as source_line,
    cast(title as varchar)        as title,
    cast(body_line as integer)    as body_line,
    cast(body_title as varchar)   as body_title,
    cast(match as varchar)        as match
from {{ staging_parquet('contents') }}
