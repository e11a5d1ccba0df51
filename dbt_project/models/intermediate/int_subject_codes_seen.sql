{{ config(materialized='document_incremental') }}  {#- a table kept up to date by document, which dim_subject reads whole -#}
-- Functional subject codes (科目编码) seen per document, with the name printed
-- beside them and on how many rows; prose claims contribute codes without names.
with cell_rows as (
    select
        document_id,
        subject_code as code,
        subject_name as printed_name,
        count(distinct table_id || ':' || row_index) as n_rows
    from {{ ref('stg_cells') }}
    where subject_code is not null
    group by document_id, subject_code, subject_name
),

claim_codes as (
    select distinct
        document_id,
        subject_code as code,
        cast(null as varchar) as printed_name,
        0 as n_rows
    from {{ ref('stg_claims') }}
    where subject_code is not null
),

seen as (
    select * from cell_rows
    union all
    select * from claim_codes
)

select seen.document_id, documents.year, seen.code, seen.printed_name, seen.n_rows
from seen
left join {{ ref('stg_documents') }} as documents
    on documents.document_id = seen.document_id
