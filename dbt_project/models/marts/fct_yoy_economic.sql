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
-- A department's years side by side, by economic class (部门预算支出经济分类): 一般公共预算支出
-- 经济分类情况表 (table 7, economic_class) by 类, and 一般公共预算基本支出经济分类情况表 (table 8,
-- basic_economic_class) by 类 and 款; the 预算数 (measure total) column. A 类 is its printed line, or
-- the sum of its printed 款 when the table prints no line for the 类 (amount_basis). One row per
-- region × department × phase × year × table_kind × econ_code; previous year = the same region +
-- department + phase's document of year − 1; a code only the previous year printed is kept with
-- amount 0 (in_document false).
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

printed as (
    select
        document_id,
        table_kind,
        econ_code,
        case length(econ_code) when 3 then '类' when 5 then '款' end as level,
        max(econ_name)  as econ_name,
        sum(amount)     as amount
    from {{ ref('fct_economic_budget') }}
    where measure = 'total'
      and econ_code is not null
      and row_role <> 'total'
      and (length(econ_code) = 3 or (length(econ_code) = 5 and table_kind = 'basic_economic_class'))
    group by document_id, table_kind, econ_code
),

summed_classes as (
    select document_id, table_kind, left(econ_code, 3) as econ_code, sum(amount) as amount
    from {{ ref('fct_economic_budget') }}
    where measure = 'total' and econ_code is not null and length(econ_code) = 5 and row_role <> 'total'
    group by document_id, table_kind, left(econ_code, 3)
),

facts as (
    select document_id, table_kind, econ_code, level, econ_name, amount, 'printed' as amount_basis
    from printed
    union all
    select summed.document_id, summed.table_kind, summed.econ_code, '类', cast(null as varchar), summed.amount, 'sum of 款'
    from summed_classes as summed
    where not exists (
        select 1 from printed
        where printed.document_id = summed.document_id
          and printed.table_kind = summed.table_kind
          and printed.econ_code = summed.econ_code
    )
),

keys as (
    select document_id, table_kind, econ_code from facts
    union
    select pairs.document_id, facts.table_kind, facts.econ_code
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
        keys.table_kind,
        keys.econ_code,
        coalesce(this_fact.level, prior_fact.level) as level,
        coalesce(this_fact.econ_name, prior_fact.econ_name) as printed_name,
        coalesce(this_fact.amount_basis, prior_fact.amount_basis) as amount_basis,
        this_fact.amount  as this_amount,
        prior_fact.amount as prior_amount,
        pairs.previous_year,
        pairs.previous_document_id
    from keys
    join pairs on pairs.document_id = keys.document_id
    left join facts as this_fact
        on this_fact.document_id = keys.document_id
       and this_fact.table_kind = keys.table_kind
       and this_fact.econ_code = keys.econ_code
    left join facts as prior_fact
        on prior_fact.document_id = pairs.previous_document_id
       and prior_fact.table_kind = keys.table_kind
       and prior_fact.econ_code = keys.econ_code
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
classes as (
    select econ_code as code, year, name, class_code, class_name from {{ ref('dim_economic_class') }}
),

class_names as (
    select class_code as code, year, max(class_name) as name
    from {{ ref('dim_economic_class') }}
    where class_code is not null
    group by class_code, year
),

named as (
    select
        changes.*,
        left(changes.econ_code, 3)                                              as class_code,
        coalesce(changes.printed_name, own_this.name, own_prior.name,
                 case when changes.level = '类' then coalesce(class_this.name, class_prior.name) end) as econ_name,
        coalesce(class_this.name, class_prior.name)                             as class_name
    from changes
    left join classes as own_this on own_this.code = changes.econ_code and own_this.year = changes.year
    left join classes as own_prior on own_prior.code = changes.econ_code and own_prior.year = changes.previous_year
    left join class_names as class_this on class_this.code = left(changes.econ_code, 3) and class_this.year = changes.year
    left join class_names as class_prior on class_prior.code = left(changes.econ_code, 3) and class_prior.year = changes.previous_year
)

select
    region,
    department,
    phase,
    year,
    document_id,
    table_kind,
    level,
    econ_code,
    econ_name,
    class_code,
    class_name,
    amount_basis,
    amount,
    this_amount is not null as in_document,
    previous_year,
    previous_document_id,
    previous_amount,
    prior_amount is not null as in_previous,
    change,
    {{ change_pct }} as change_pct
from named
