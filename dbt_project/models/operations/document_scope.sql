{{ config(materialized='table') }}
-- The documents an incremental build recomputes (macros/document_incremental.sql): those whose
-- staged batch differs from the one the warehouse loaded (new, changed, removed), plus their
-- year-over-year neighbours, old and new: the same region + department + phase's document of the
-- next year, whose comparisons read this one (macros/yoy.sql pairs year − 1 with year). Built
-- first: every staging view depends on it (macros/staging_parquet.sql). Without a record of what
-- was loaded (loaded_documents), every document, staged or loaded, is in scope. Each one's previous
-- year is listed too, to be read (recompute = false) by the comparisons.
{%- set loaded = adapter.get_relation(this.database, this.schema, 'loaded_documents') %}
{%- set old_documents = adapter.get_relation(this.database, this.schema, 'dim_document') %}
with staged as (
    select document_id, batch from read_parquet('{{ staging_root() }}/_manifest.parquet')
),

old_documents as (
    {%- if old_documents %}
    select document_id, region, department, phase, year from {{ old_documents }}
    {%- else %}
    select null::varchar as document_id, null::varchar as region, null::varchar as department,
           null::varchar as phase, null::integer as year
    where false
    {%- endif %}
),

loaded as (
    {%- if loaded %}
    select document_id, batch from {{ loaded }}
    {%- else %}
    select document_id, null::varchar as batch from old_documents
    {%- endif %}
),

changed as (
    select coalesce(staged.document_id, loaded.document_id) as document_id
    from staged
    full join loaded on loaded.document_id = staged.document_id
    where staged.batch is distinct from loaded.batch
),

new_documents as (
    select document_id, region, department, phase, year from {{ staging_parquet('documents') }}
),

next_year as (
    select distinct region, department, phase, year + 1 as year
    from (select * from new_documents union all select * from old_documents) as both_states
    where document_id in (select document_id from changed)
),

scope as (
    select document_id from changed
    union
    select new_documents.document_id
    from new_documents
    join next_year
        on next_year.region is not distinct from new_documents.region
       and next_year.department = new_documents.department
       and next_year.phase = new_documents.phase
       and next_year.year = new_documents.year
)

-- recompute: the document's rows are deleted and computed again; otherwise the document is only
-- read, as the previous year of one that is (its year-over-year comparisons need it).
select document_id, true as recompute from scope
union all
select prior.document_id, false
from new_documents as this
join new_documents as prior
    on prior.region is not distinct from this.region
   and prior.department = this.department
   and prior.phase = this.phase
   and prior.year = this.year - 1
where this.document_id in (select document_id from scope)
  and prior.document_id not in (select document_id from scope)
