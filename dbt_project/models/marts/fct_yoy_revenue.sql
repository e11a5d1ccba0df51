{{ config(materialized='table') }}  {#- rebuilt whole: names from dim_funding_source (chosen across documents) -#}
-- A department's years side by side, by funding source (资金来源): the 合计 row of 收入预算总表
-- (table 2, revenue_by_unit) per source column (funding_source 'total' = 总计), or, for a
-- document whose table 2 has no 合计 row, the revenue side of 收支预算总表 (table 1, summary:
-- its 一、… lines and 收入总计); source_table says which. One row per region × department × phase ×
-- year × funding_source; previous year = the same region + department + phase's document of
-- year − 1; a source only the previous year had is kept with amount 0 (in_document false). The
-- year-over-year machinery is in macros/yoy.sql.
with {{ yoy_document_pairs() }},

table2 as (
    select document_id, funding_source, sum(amount) as amount
    from {{ ref('fct_revenue') }}
    where unit_code is null and row_role = 'total' and funding_source is not null
    group by document_id, funding_source
),

table1 as (
    select document_id, item_key as funding_source, sum(amount) as amount
    from {{ ref('fct_budget_summary') }}
    where table_kind = 'summary' and side = 'revenue' and measure = 'amount' and item_key is not null
      and (item_key = 'total' or item_level = 1)
    group by document_id, item_key
),

facts as (
    select document_id, funding_source, amount, 'revenue_by_unit' as source_table from table2
    union all
    select document_id, funding_source, amount, 'summary' from table1
    where document_id not in (select document_id from table2)
),

{{ yoy_side_by_side(['funding_source'], carried_columns=['source_table']) }},

named as (
    select changes.*, sources.name as funding_source_name
    from changes
    left join {{ ref('dim_funding_source') }} as sources on sources.funding_source = changes.funding_source
)

select
    region,
    department,
    phase,
    year,
    document_id,
    funding_source,
    funding_source_name,
    source_table,
    amount,
    this_amount is not null as in_document,
    previous_year,
    previous_document_id,
    previous_amount,
    prior_amount is not null as in_previous,
    change,
    {{ yoy_change_pct() }} as change_pct
from named
