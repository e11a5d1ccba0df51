{{ config(materialized='view') }}  {#- names from dim_subject (chosen across documents) at query time -#}
-- A department's years side by side, by functional subject (支出功能分类科目): the expenditure of
-- 支出预算总表 (table 3, all funding: the 总计 column of every unit × subject detail row) summed
-- per 项 (7-digit code) and rolled up to its 款 (5 digits) and 类 (3 digits). One row per region ×
-- department × phase × year × subject_code; the previous year is the same region + department +
-- phase's document of year − 1. A subject the previous year printed and this year does not is
-- kept with amount 0 (in_document false), so the changes of the 项 add up to the change of the 款.
-- The year-over-year machinery is in macros/yoy.sql.
-- The amounts are int_yoy_subject's (kept up to date by document).
with coded as (
    select * from {{ ref('int_yoy_subject') }}
),

subject_names as (
    select subject_code as code, year, name from {{ ref('dim_subject') }}
),

class_names as (
    select class_code as code, year, max(class_name) as name
    from {{ ref('dim_subject') }}
    where class_code is not null
    group by class_code, year
),

section_names as (
    select section_code as code, year, max(section_name) as name
    from {{ ref('dim_subject') }}
    where section_code is not null
    group by section_code, year
),

named as (
    select
        coded.*,
        coalesce(
            own_this.name, own_prior.name,
            case coded.level
                when '类' then coalesce(class_this.name, class_prior.name)
                when '款' then coalesce(section_this.name, section_prior.name)
            end
        )                                                        as subject_name,
        coalesce(class_this.name, class_prior.name)              as class_name,
        coalesce(section_this.name, section_prior.name)          as section_name
    from coded
    left join subject_names as own_this
        on own_this.code = coded.subject_code and own_this.year = coded.year
    left join subject_names as own_prior
        on own_prior.code = coded.subject_code and own_prior.year = coded.previous_year
    left join class_names as class_this
        on class_this.code = coded.class_code and class_this.year = coded.year
    left join class_names as class_prior
        on class_prior.code = coded.class_code and class_prior.year = coded.previous_year
    left join section_names as section_this
        on section_this.code = coded.section_code and section_this.year = coded.year
    left join section_names as section_prior
        on section_prior.code = coded.section_code and section_prior.year = coded.previous_year
)

select
    {{ yoy_document_columns() }},
    level,
    subject_code,
    subject_name,
    class_code,
    class_name,
    section_code,
    section_name,
    amount,
    {{ yoy_comparison_columns(computed=false) }}
from named
