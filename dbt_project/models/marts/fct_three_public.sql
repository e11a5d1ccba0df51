-- 一般公共预算"三公"经费支出预算表: one fact per item (total, overseas, reception,
-- vehicle, vehicle_operation, vehicle_purchase) × column (amount 本年 | prior_year 上年).
select
    document_id,
    table_id,
    item_key,
    item_label,
    item_level,
    parent_item_key,
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }}
where table_kind = 'three_public'
