{{ config(materialized='table') }}  {#- rebuilt whole: names from dim_economic_class (chosen across documents) -#}
-- A department's years side by side, by economic class (部门预算支出经济分类): 一般公共预算支出
-- 经济分类情况表 (table 7, economic_class) by 类, and 一般公共预算基本支出经济分类情况表 (table 8,
-- basic_economic_class) by 类 and 款; the 预算数 (measure total) column. A 类 is its printed line, or
-- the sum of its printed 款 when the table prints no line for the 类 (amount_basis). One row per
-- region × department × phase × year × table_kind × econ_code; previous year = the same region +
-- department + phase's document of year − 1; a code only the previous year printed is kept with
-- amount 0 (in_document false). The year-over-year machinery is in macros/yoy.sql.
with {{ yoy_document_pairs() }},

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
    select document_id, table_kind, econ_code, level, econ_name as printed_name, amount, 'printed' as amount_basis
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

{{ yoy_side_by_side(['table_kind', 'econ_code'], carried_columns=['level', 'printed_name', 'amount_basis']) }},

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
    {{ yoy_change_pct() }} as change_pct
from named
