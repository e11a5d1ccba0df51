{{ config(materialized='document_incremental') }}  {#- a table kept up to date by document, which dim_economic_class reads whole -#}
-- Economic class codes (部门预算支出经济分类) seen per document, with the name
-- printed beside them and on how many rows.
with cell_rows as (
    select
        document_id,
        econ_code as code,
        econ_name as printed_name,
        count(distinct table_id || ':' || row_index) as n_rows
    from {{ ref('stg_cells') }}
    where econ_code is not null
    group by document_id, econ_code, econ_name
)

select cell_rows.document_id, documents.year, cell_rows.code, cell_rows.printed_name, cell_rows.n_rows
from cell_rows
left join {{ ref('stg_documents') }} as documents
    on documents.document_id = cell_rows.document_id
