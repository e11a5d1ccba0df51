-- One fact per entry of the prose project list ("4、对外交流活动专项 60 万元").
-- Prose has no table (table_id NULL) and no total rows (is_total false).
select
    document_id,
    project_seq,
    project_name,
    perf_id,
    cast(null as varchar)   as table_id,
    source_line,
    amount,
    printed,
    decimals,
    false                   as is_total
from {{ ref('stg_projects') }}
