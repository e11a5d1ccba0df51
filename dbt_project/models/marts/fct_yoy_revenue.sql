{{ config(materialized='view') }}  {#- names from dim_funding_source (chosen across documents) at query time -#}
-- A department's years side by side, by funding source (资金来源): the 合计 row of 收入预算总表
-- (table 2, revenue_by_unit) per source column (funding_source 'total' = 总计), or, for a
-- document whose table 2 has no 合计 row, the revenue side of 收支预算总表 (table 1, summary:
-- its 一、… lines and 收入总计); source_table says which. One row per region × department × phase ×
-- year × funding_source; previous year = the same region + department + phase's document of
-- year − 1; a source only the previous year had is kept with amount 0 (in_document false). The
-- year-over-year machinery is in macros/yoy.sql.
-- The amounts are int_yoy_revenue's (kept up to date by document).
with changes as (
    select * from {{ ref('int_yoy_revenue') }}
),

named as (
    select changes.*, sources.name as funding_source_name
    from changes
    left join {{ ref('dim_funding_source') }} as sources on sources.funding_source = changes.funding_source
)

select
    {{ yoy_document_columns() }},
    funding_source,
    funding_source_name,
    source_table,
    amount,
    {{ yoy_comparison_columns(computed=false) }}
from named
