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
-- A department's years side by side, by functional subject (支出功能分类科目): the expenditure of
-- 支出预算总表 (table 3, all funding: the 总计 column of every unit × subject detail row) summed
-- per 项 (7-digit code) and rolled up to its 款 (5 digits) and 类 (3 digits). One row per region ×
-- department × phase × year × subject_code; the previous year is the same region + department +
-- phase's document of year − 1. A subject the previous year printed and this year does not is
-- kept with amount 0 (in_document false), so the changes of the 项 add up to the change of the 款.
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

table_rows as (
    -- one amount per printed unit × subject row: the 总计 by kind, else the 总计 by source
    select
        document_id,
        unit_code,
        subject_code,
        coalesce(
            max(amount) filter (where measure_group = 'kind'),
            max(amount) filter (where measure_group = 'source'),
            max(amount)
        ) as amount
    from {{ ref('fct_expenditure') }}
    where measure = 'total' and row_role = 'detail' and subject_code is not null
    group by document_id, table_id, row_index, unit_code, subject_code
),

levels as (
    select document_id, '项' as level, subject_code, amount from table_rows where length(subject_code) = 7
    union all
    select document_id, '款', left(subject_code, 5), amount from table_rows where length(subject_code) >= 5
    union all
    select document_id, '类', left(subject_code, 3), amount from table_rows where length(subject_code) >= 3
),

facts as (
    select document_id, level, subject_code, sum(amount) as amount
    from levels
    group by document_id, level, subject_code
),

keys as (
    select document_id, level, subject_code from facts
    union
    select pairs.document_id, facts.level, facts.subject_code
    from pairs
    join facts on facts.document_id = pairs.previous_document_id
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

joined as (
    select
        pairs.region,
        pairs.department,
        pairs.phase,
        pairs.year,
        pairs.document_id,
        keys.level,
        keys.subject_code,
        left(keys.subject_code, 3)                                              as class_code,
        case when length(keys.subject_code) >= 5 then left(keys.subject_code, 5) end as section_code,
        this_fact.amount                                                        as this_amount,
        prior_fact.amount                                                       as prior_amount,
        pairs.previous_year,
        pairs.previous_document_id
    from keys
    join pairs on pairs.document_id = keys.document_id
    left join facts as this_fact
        on this_fact.document_id = keys.document_id
       and this_fact.level = keys.level
       and this_fact.subject_code = keys.subject_code
    left join facts as prior_fact
        on prior_fact.document_id = pairs.previous_document_id
       and prior_fact.level = keys.level
       and prior_fact.subject_code = keys.subject_code
),

compared as (
    select
        joined.*,
        cast(coalesce(this_amount, 0) as decimal(20, 6))                            as amount,
        cast(case when previous_document_id is not null then coalesce(prior_amount, 0) end as decimal(20, 6))
                                                                                    as previous_amount
    from joined
),

named as (
    select
        compared.*,
        coalesce(
            own_this.name, own_prior.name,
            case compared.level
                when '类' then coalesce(class_this.name, class_prior.name)
                when '款' then coalesce(section_this.name, section_prior.name)
            end
        )                                                        as subject_name,
        coalesce(class_this.name, class_prior.name)              as class_name,
        coalesce(section_this.name, section_prior.name)          as section_name
    from compared
    left join subject_names as own_this
        on own_this.code = compared.subject_code and own_this.year = compared.year
    left join subject_names as own_prior
        on own_prior.code = compared.subject_code and own_prior.year = compared.previous_year
    left join class_names as class_this
        on class_this.code = compared.class_code and class_this.year = compared.year
    left join class_names as class_prior
        on class_prior.code = compared.class_code and class_prior.year = compared.previous_year
    left join section_names as section_this
        on section_this.code = compared.section_code and section_this.year = compared.year
    left join section_names as section_prior
        on section_prior.code = compared.section_code and section_prior.year = compared.previous_year
),

changes as (
    select named.*, cast(amount - previous_amount as decimal(20, 6)) as change
    from named
)

select
    region,
    department,
    phase,
    year,
    document_id,
    level,
    subject_code,
    subject_name,
    class_code,
    class_name,
    section_code,
    section_name,
    amount,
    this_amount is not null                                      as in_document,
    previous_year,
    previous_document_id,
    previous_amount,
    prior_amount is not null                                     as in_previous,
    change,
    {{ change_pct }}                                             as change_pct
from changes
