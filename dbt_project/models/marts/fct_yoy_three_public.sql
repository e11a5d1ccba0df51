-- A department's years side by side, by "三公" item: 一般公共预算"三公"经费支出预算表 (table 9),
-- the 本年 column (measure amount) of every item (total, overseas, reception, vehicle,
-- vehicle_operation, vehicle_purchase). printed_prior_year is this document's own 上年 column
-- (NULL when the table has none), to set beside previous_amount, the previous year's document's
-- 本年. One row per region × department × phase × year × item_key; previous year = the same
-- region + department + phase's document of year − 1. The year-over-year machinery is in
-- macros/yoy.sql.
with {{ yoy_document_pairs() }},

facts as (
    select
        document_id,
        item_key,
        max(item_label)      filter (where measure = 'amount')     as item_label,
        max(item_level)      filter (where measure = 'amount')     as item_level,
        max(parent_item_key) filter (where measure = 'amount')     as parent_item_key,
        sum(amount)          filter (where measure = 'amount')     as amount,
        sum(amount)          filter (where measure = 'prior_year') as printed_prior_year
    from {{ ref('fct_three_public') }}
    where item_key is not null
    group by document_id, item_key
    having count(*) filter (where measure = 'amount') > 0
),

{{ yoy_side_by_side(
    ['item_key'],
    carried_columns=['item_label', 'item_level', 'parent_item_key'],
    this_year_columns=['printed_prior_year']
) }}

select
    {{ yoy_document_columns() }},
    item_key,
    item_label,
    item_level,
    parent_item_key,
    amount,
    printed_prior_year,
    {{ yoy_comparison_columns() }}
from changes
