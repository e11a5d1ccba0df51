-- Every valued cell of a standard table lands in exactly one fact mart: per
-- document and table kind, the valued cells staged = the rows of the mart that
-- holds that kind. (special_funds and unrecognised tables have no mart; the 决算
-- tables of their own kinds, final_*, are in fct_final_account, which also repeats
-- a 决算's tables of the 预算 kinds for convenience.)
with staged as (
    select document_id, table_kind, count(*) as n_cells
    from {{ ref('stg_cells') }}
    where amount is not null
      and table_kind not in ('special_funds', 'unrecognised')
    group by document_id, table_kind
),

loaded as (
    select document_id, table_kind, count(*) as n_facts from {{ ref('fct_budget_summary') }} group by all
    union all
    select document_id, 'revenue_by_unit', count(*) from {{ ref('fct_revenue') }} group by all
    union all
    select document_id, 'expenditure_by_unit', count(*) from {{ ref('fct_expenditure') }} group by all
    union all
    select document_id, table_kind, count(*) from {{ ref('fct_subject_budget') }} group by all
    union all
    select document_id, table_kind, count(*) from {{ ref('fct_economic_budget') }} group by all
    union all
    select document_id, 'three_public', count(*) from {{ ref('fct_three_public') }} group by all
    union all
    select document_id, table_kind, count(*) from {{ ref('fct_final_account') }} where table_kind like 'final\_%' escape '\' group by all
)

select
    coalesce(staged.document_id, loaded.document_id) as document_id,
    coalesce(staged.table_kind, loaded.table_kind)   as table_kind,
    staged.n_cells,
    loaded.n_facts
from staged
full outer join loaded
    on loaded.document_id = staged.document_id
   and loaded.table_kind = staged.table_kind
where staged.n_cells is distinct from loaded.n_facts
