-- The classification dimensions are keyed by code × year: every code a fact
-- carries is in the dimension for its document's year (not just some year).
with fact_codes as (
    select document_id, 'subject' as dimension, subject_code as code from {{ ref('fct_expenditure') }}
    union all
    select document_id, 'subject', subject_code from {{ ref('fct_subject_budget') }}
    union all
    select document_id, 'subject', subject_code from {{ ref('fct_prose_claim') }}
    union all
    select document_id, 'economic', econ_code from {{ ref('fct_economic_budget') }}
),

dimension_keys as (
    select 'subject' as dimension, subject_code as code, year from {{ ref('dim_subject') }}
    union all
    select 'economic', econ_code, year from {{ ref('dim_economic_class') }}
)

select distinct fact_codes.document_id, fact_codes.dimension, fact_codes.code, documents.year
from fact_codes
join {{ ref('dim_document') }} as documents
    on documents.document_id = fact_codes.document_id
where fact_codes.code is not null
  and not exists (
    select 1
    from dimension_keys
    where dimension_keys.dimension = fact_codes.dimension
      and dimension_keys.code = fact_codes.code
      and dimension_keys.year is not distinct from documents.year
  )
