{{ config(materialized='document_incremental') }}
-- fct_yoy_economic without the names it takes from dim_economic_class (macros/yoy.sql), kept by document.
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

{{ yoy_side_by_side(['table_kind', 'econ_code'], carried_columns=['level', 'printed_name', 'amount_basis']) }}

select
    {{ yoy_document_columns() }},
    table_kind,
    level,
    econ_code,
    printed_name,
    amount_basis,
    amount,
    {{ yoy_comparison_columns() }}
from changes
