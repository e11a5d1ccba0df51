{#
  materialized='document_incremental': a table of per-document rows, kept up to date by document.

  Every model whose rows belong to one document (a document_id column, and rows that depend only
  on that document and, at most, its year-over-year neighbours) uses it; dbt_project.yml sets it
  for models/checks/ and models/marts/, so a new model there needs nothing more. A model that
  joins documents otherwise (dimensions, year-over-year marts) sets materialized='table' in its
  own file (tests/test_incremental.py lists them).

  Full build (dbt --full-refresh, or the table does not exist yet): the table is created from
  the model's query. Incremental build: the rows of the documents in document_scope (the run's
  new, changed and removed documents and their year-over-year neighbours) are deleted, and the
  model's rows for those documents inserted. The ids are written into the query as literals so
  that DuckDB pushes the filter down to the staging scans instead of computing every document.
#}
{% materialization document_incremental, adapter='duckdb' %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing = load_cached_relation(this) -%}
  {%- set full = should_full_refresh() or existing is none or not existing.is_table -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if full %}
    {%- if existing is not none and not existing.is_table %}{{ drop_relation_if_exists(existing) }}{% endif %}
    {% call statement('main') -%}
      create or replace table {{ target_relation }} as (
        {{ sql }}
      )
    {%- endcall %}
  {%- else %}
    {%- set ids = document_scope_ids() -%}
    {% call statement('delete_scope') -%}
      delete from {{ target_relation }}
      where document_id in (select document_id from {{ this.schema }}.document_scope)
    {%- endcall %}
    {% call statement('main') -%}
      insert into {{ target_relation }} by name
      select * from (
        {{ sql }}
      ) as scoped
      where {% if ids %}document_id in ({% for id in ids %}'{{ id | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %}){% else %}false{% endif %}
    {%- endcall %}
  {%- endif %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The ids of document_scope, read when a model runs (not at parse time: no re-parse per run). -#}
{% macro document_scope_ids() -%}
  {%- if not execute %}{{ return([]) }}{% endif -%}
  {%- set rows = run_query('select document_id from ' ~ this.schema ~ '.document_scope order by 1') -%}
  {{ return(rows.columns[0].values() | list) }}
{%- endmacro %}
