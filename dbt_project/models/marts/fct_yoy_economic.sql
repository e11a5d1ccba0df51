{{ config(materialized='view') }}  {#- names from dim_economic_class (chosen across documents) at query time -#}
-- A department's years side by side, by economic class (部门预算支出经济分类): 一般公共预算支出
-- 经济分类情况表 (table 7, economic_class) by 类, and 一般公共预算基本支出经济分类情况表 (table 8,
-- basic_economic_class) by 类 and 款; the 预算数 (measure total) column. A 类 is its printed line, or
-- the sum of its printed 款 when the table prints no line for the 类 (amount_basis). One row per
-- region × department × phase × year × table_kind × econ_code; previous year = the same region +
-- department + phase's document of year − 1; a code only the previous year printed is kept with
-- amount 0 (in_document false). The year-over-year machinery is in macros/yoy.sql.
-- The amounts are int_yoy_economic's (kept up to date by document).
with changes as (
    select * from {{ ref('int_yoy_economic') }}
),

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
    {{ yoy_document_columns() }},
    table_kind,
    level,
    econ_code,
    econ_name,
    class_code,
    class_name,
    amount_basis,
    amount,
    {{ yoy_comparison_columns(computed=false) }}
from named
