-- 收支预算总表 (summary) and 财政拨款收支预算总表 (fiscal_summary): one fact per
-- printed line item and side (revenue | expenditure).
select
    document_id,
    table_id,
    table_kind,
    side,
    item_key,
    item_label,
    item_level,
    parent_item_key,
    measure_group,
    measure,
    column_label,
    source_line,
    row_index,
    row_role,
    amount,
    printed,
    decimals,
    is_total
from {{ ref('int_cell_facts') }}
where table_kind in ('summary', 'fiscal_summary')
