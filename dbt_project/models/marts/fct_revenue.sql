-- 收入预算总表: one fact per unit (NULL = the 合计 row) × funding source column
-- (funding_source 'total' = the 总计 column).
select
    document_id,
    table_id,
    unit_code,
    unit_name,
    measure            as funding_source,
    measure_group,
    column_label,
    source_line,
    row_index,
    row_role,
    amount,
    printed,
    decimals,
    is_total
from {{ ref('int_cell_facts') }}
where table_kind = 'revenue_by_unit'
