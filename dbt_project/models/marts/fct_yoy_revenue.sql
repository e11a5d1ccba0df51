{#- change_pct: change ÷ previous_amount × 100, rounded half away from zero to 6 decimals, in exact
    integer arithmetic on the amounts in millionths (DuckDB divides DECIMALs as DOUBLE); NULL when there
    is no previous year or its amount is 0. -#}
{%- set change_pct -%}
case when previous_amount <> 0 then cast(
    cast(
        sign(change) * sign(previous_amount)
        * ((abs(cast(change * 1000000 as hugeint)) * 200000000 + abs(cast(previous_amount * 1000000 as hugeint)))
           // (2 * abs(cast(previous_amount * 1000000 as hugeint))))
    as decimal(38, 0)) * 0.000001
as decimal(20, 6)) end
{%- endset %}
-- A department's years side by side, by funding source (资金来源): the 合计 row of 收入预算总表
-- (table 2, revenue_by_unit) per source column (funding_source 'total' = 总计), or, for a
-- document whose table 2 has no 合计 row, the revenue side of 收支预算总表 (table 1, summary:
-- its 一、… lines and 收入总计); source_table says which. One row per region × department × phase ×
-- year × funding_source; previous year = the same region + department + phase's document of
-- year − 1; a source only the previous year had is kept with amount 0 (in_document false).
with documents as (
    select document_id, region, department, phase, year
    from {{ ref('dim_document') }}
    where department is not null and year is not null
),

pairs as (
    select this.*, prior.year as previous_year, prior.document_id as previous_document_id
    from documents as this
    left join documents as prior
        on prior.region is not distinct from this.region
       and prior.department = this.department
       and prior.phase = this.phase
       and prior.year = this.year - 1
),

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

keys as (
    select document_id, funding_source from facts
    union
    select pairs.document_id, facts.funding_source
    from pairs
    join facts on facts.document_id = pairs.previous_document_id
),

joined as (
    select
        pairs.region,
        pairs.department,
        pairs.phase,
        pairs.year,
        pairs.document_id,
        keys.funding_source,
        coalesce(this_fact.source_table, prior_fact.source_table) as source_table,
        this_fact.amount  as this_amount,
        prior_fact.amount as prior_amount,
        pairs.previous_year,
        pairs.previous_document_id
    from keys
    join pairs on pairs.document_id = keys.document_id
    left join facts as this_fact
        on this_fact.document_id = keys.document_id
       and this_fact.funding_source = keys.funding_source
    left join facts as prior_fact
        on prior_fact.document_id = pairs.previous_document_id
       and prior_fact.funding_source = keys.funding_source
),

compared as (
    select
        joined.*,
        cast(coalesce(this_amount, 0) as decimal(20, 6)) as amount,
        cast(case when previous_document_id is not null then coalesce(prior_amount, 0) end as decimal(20, 6))
                                                         as previous_amount
    from joined
),

changes as (
    select compared.*, cast(amount - previous_amount as decimal(20, 6)) as change
    from compared
)
,
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
    {{ change_pct }} as change_pct
from named
