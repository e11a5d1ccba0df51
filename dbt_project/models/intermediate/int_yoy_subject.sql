{{ config(materialized='document_incremental') }}
-- fct_yoy_subject without the names it takes from dim_subject (macros/yoy.sql), kept by document.
with {{ yoy_document_pairs() }},

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

{{ yoy_side_by_side(['level', 'subject_code']) }},

coded as (
    select
        changes.*,
        left(subject_code, 3)                                              as class_code,
        case when length(subject_code) >= 5 then left(subject_code, 5) end as section_code
    from changes
)

select
    {{ yoy_document_columns() }},
    level,
    subject_code,
    class_code,
    section_code,
    amount,
    {{ yoy_comparison_columns() }}
from coded
