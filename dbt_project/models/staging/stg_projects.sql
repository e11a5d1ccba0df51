-- The prose list of projects with performance goals ("4、对外交流活动专项 60 万元").
select
    cast(document_id as varchar)    as document_id,
    cast(seq as integer)            as project_seq,
    cast(name as varchar)           as project_name,
    cast(printed as varchar)        as printed,
    cast(amount as decimal(20, 6))  as amount,
    cast(decimals as integer)       as decimals,
    cast(source_line as integer)    as source_line,
    cast(perf_id as varchar)        as perf_id
from {{ staging_parquet('projects') }}
