-- One row per 绩效目标表 (performance target table) with its header fields.
select
    cast(document_id as varchar)   as document_id,
    cast(perf_id as varchar)       as perf_id,
    cast(heading as varchar)       as heading,
    cast(title as varchar)         as title,
    cast(first_line as integer)    as first_line,
    cast(last_line as integer)     as last_line,
    cast(filled_by as varchar)     as filled_by,
    cast(project_name as varchar)  as project_name,
    cast(owner as varchar)         as owner,
    cast(phone as varchar)         as phone,
    cast(period as varchar)        as period,
    cast(overall_goal as varchar)  as overall_goal,
    cast(period_months as integer) as period_months
from {{ staging_parquet('perf_tables') }}
