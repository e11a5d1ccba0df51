-- One value of one indicator row of a 绩效目标表 (long form).
select
    cast(document_id as varchar)    as document_id,
    cast(perf_id as varchar)        as perf_id,
    cast(row_index as integer)      as row_index,
    cast(source_line as integer)    as source_line,
    cast(level1 as varchar)         as level1,
    cast(level2 as varchar)         as level2,
    cast(level3 as varchar)         as level3,
    cast(content as varchar)        as content,
    cast(value_column as varchar)   as value_column,
    cast(printed as varchar)        as printed,
    cast(number as decimal(20, 6))  as number,
    cast(number_unit as varchar)    as number_unit,
    cast(value_index as integer)    as value_index
from {{ staging_parquet('indicators') }}
