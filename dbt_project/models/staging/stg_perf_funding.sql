-- The funding lines (资金总额 / 一般公共预算拨款 / …) of each 绩效目标表.
select
    cast(document_id as varchar)    as document_id,
    cast(perf_id as varchar)        as perf_id,
    cast(period as varchar)         as period,
    cast(source as varchar)         as source,
    cast(label as varchar)          as label,
    cast(printed as varchar)        as printed,
    cast(amount as decimal(20, 6))  as amount,
    cast(decimals as integer)       as decimals,
    cast(source_line as integer)    as source_line
from {{ staging_parquet('perf_funding') }}
