-- One row per recognised or unrecognised table of a document.
select
    cast(document_id as varchar)         as document_id,
    cast(table_id as varchar)            as table_id,
    cast(kind as varchar)                as table_kind,
    cast(title as varchar)               as title,
    cast(title_line as integer)          as title_line,
    cast(first_line as integer)          as first_line,
    cast(last_line as integer)           as last_line,
    cast(amount_unit as varchar)         as amount_unit,
    cast(layout as varchar)              as layout,
    cast(is_empty as boolean)            as is_empty,
    cast("columns" as varchar[])         as column_labels,
    cast(row_count as integer)           as row_count,
    cast(duplicate_lines[1] as integer)  as duplicate_first_line,
    cast(duplicate_lines[2] as integer)  as duplicate_last_line,
    cast(unreadable as varchar)          as unreadable,
    cast(header_by_position as boolean)  as header_by_position,
    cast(unit_from_template as boolean)  as unit_from_template
from {{ staging_parquet('tables') }}
