-- 部门决算: every valued cell of the 决算 documents' standard tables, long form. The 决算 measures
-- are keyed: item_key / measure year_revenue (本年收入), year_expenditure (本年支出), opening_balance
-- (年初结转和结余), closing_balance (年末结转和结余); on the 三公 table measure amount (决算数) vs
-- budget (预算数); functional subjects and economic classes as in the 预算 marts.
select
    cells.document_id,
    cells.table_id,
    cells.table_kind,
    cells.side,
    cells.item_key,
    cells.item_label,
    cells.subject_code,
    cells.subject_name,
    cells.econ_code,
    cells.econ_name,
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }} as cells
join {{ ref('stg_documents') }} as documents
    on documents.document_id = cells.document_id
where documents.phase = '决算' and cells.table_kind <> 'unrecognised'
