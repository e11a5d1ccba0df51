{{ config(materialized='document_incremental') }}
-- fct_yoy_revenue without the names it takes from dim_funding_source (macros/yoy.sql), kept by document.
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

{{ yoy_side_by_side(['funding_source'], carried_columns=['source_table']) }}

select
    {{ yoy_document_columns() }},
    funding_source,
    source_table,
    amount,
    {{ yoy_comparison_columns() }}
from changes
