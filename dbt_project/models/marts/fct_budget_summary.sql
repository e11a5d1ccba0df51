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
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }}
where table_kind in ('summary', 'fiscal_summary')
