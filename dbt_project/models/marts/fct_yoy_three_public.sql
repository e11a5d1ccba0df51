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
-- A department's years side by side, by "三公" item: 一般公共预算"三公"经费支出预算表 (table 9),
-- the 本年 column (measure amount) of every item (total, overseas, reception, vehicle,
-- vehicle_operation, vehicle_purchase). printed_prior_year is this document's own 上年 column
-- (NULL when the table has none), to set beside previous_amount, the previous year's document's
-- 本年. One row per region × department × phase × year × item_key; previous year = the same
-- region + department + phase's document of year − 1.
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

keys as (
    select document_id, item_key from facts
    union
    select pairs.document_id, facts.item_key
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
        keys.item_key,
        coalesce(this_fact.item_label, prior_fact.item_label) as item_label,
        coalesce(this_fact.item_level, prior_fact.item_level) as item_level,
        coalesce(this_fact.parent_item_key, prior_fact.parent_item_key) as parent_item_key,
        this_fact.printed_prior_year as printed_prior_year,
        this_fact.amount  as this_amount,
        prior_fact.amount as prior_amount,
        pairs.previous_year,
        pairs.previous_document_id
    from keys
    join pairs on pairs.document_id = keys.document_id
    left join facts as this_fact
        on this_fact.document_id = keys.document_id
       and this_fact.item_key = keys.item_key
    left join facts as prior_fact
        on prior_fact.document_id = pairs.previous_document_id
       and prior_fact.item_key = keys.item_key
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

select
    region,
    department,
    phase,
    year,
    document_id,
    item_key,
    item_label,
    item_level,
    parent_item_key,
    amount,
    printed_prior_year,
    this_amount is not null as in_document,
    previous_year,
    previous_document_id,
    previous_amount,
    prior_amount is not null as in_previous,
    change,
    {{ change_pct }} as change_pct
from changes
