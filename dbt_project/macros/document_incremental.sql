{#
  materialized='document_incremental': a table of per-document rows, kept up to date by document.

  Every model whose rows belong to one document (a document_id column, and rows that depend only
  on that document and, at most, its previous year's) uses it; dbt_project.yml sets it for
  models/checks/ and models/marts/, so a new model there needs nothing more. A model that joins
  documents otherwise (dimensions named across documents, the marts that read them) sets
  materialized='table' in its own file (tests/test_incremental.py lists them).

  Full build (dbt --full-refresh, or the table does not exist yet): the table is created from
  the model's query. Incremental build: the rows of the documents document_scope marks
  `recompute` (new, changed and removed documents and the next year of each) are deleted, and
  the model's rows for them inserted. While such a model runs incrementally, ref() reads only
  the documents of document_scope (those and their previous years: see ref below), so its
  queries compute a few documents, not the warehouse; and the schema tests of such a model check
  the recomputed documents' rows (get_where_subquery below), the others having passed before.
#}
{% materialization document_incremental, adapter='duckdb' %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing = load_cached_relation(this) -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if not document_build_is_incremental() %}
    {%- if existing is not none and not existing.is_table %}{{ drop_relation_if_exists(existing) }}{% endif %}
    {% call statement('main') -%}
      create or replace table {{ target_relation }} as (
        {{ sql }}
      )
    {%- endcall %}
  {%- else %}
    {% call statement('delete_scope') -%}
      delete from {{ target_relation }}
      where document_id in (select document_id from {{ this.schema }}.document_scope where recompute)
    {%- endcall %}
    {% call statement('main') -%}
      insert into {{ target_relation }} by name
      select * from (
        {{ sql }}
      ) as scoped
      where document_id in {{ document_scope_ids(recompute_only=true) }}
    {%- endcall %}
  {%- endif %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- True while a document_incremental model runs by document: its table exists and no full refresh. -#}
{% macro document_build_is_incremental() -%}
  {%- set existing = adapter.get_relation(this.database, this.schema, this.identifier) -%}
  {{ return(execute and model.config.materialized == 'document_incremental' and not should_full_refresh()
            and existing is not none and existing.is_table) }}
{%- endmacro %}

{#- The hint for a CTE that reads a large per-document table more than once (`with c as {{ inlined_in_full_build() }}
    (select * from chk_input_cells)`). In a full build, `not materialized`: each read scans only the columns it
    uses, where DuckDB would materialize all 35 of ~5 M rows at 10,000 documents and spill them (chk_cross_totals:
    15.4 → 8.9 s). In a build by document, nothing: the CTE holds a few documents' rows, and scanning the
    table again for each read would cost more (~1 s over the rule models at 10,000 documents). -#}
{% macro inlined_in_full_build() -%}
  {{- '' if document_build_is_incremental() else 'not materialized' -}}
{%- endmacro %}

{#- document_scope's ids as a SQL list of literals (DuckDB pushes a literal list down to the scans),
    read when a model runs, not at parse time (no re-parse per run). -#}
{% macro document_scope_ids(recompute_only=false, schema=none) -%}
  {%- set rows = run_query('select document_id from ' ~ (schema or this.schema) ~ '.document_scope'
                           ~ (' where recompute' if recompute_only else '') ~ ' order by 1') -%}
  {%- set ids = rows.columns[0].values() | list -%}
  {%- if not ids %}{{ return('(null)') }}{% endif -%}
  {%- set quoted = [] -%}
  {%- for id in ids %}{% do quoted.append("'" ~ (id | replace("'", "''")) ~ "'") %}{% endfor -%}
  {{ return('(' ~ quoted | join(', ') ~ ')') }}
{%- endmacro %}

{#- ref(): unchanged, except in a build by document for a per-document input (a staging or
    intermediate view, a document_incremental table): a document_incremental model reads it for
    document_scope's documents only, and a singular test (tests/*.sql) for the recomputed ones, the
    others having passed before (get_where_subquery below does that for the schema tests). Seeds
    and whole-rebuilt tables are read whole. -#}
{% macro ref() -%}
  {%- set relation = builtins.ref(*varargs, **kwargs) -%}
  {%- if not execute or document_model_kind(relation) not in ('view', 'document_incremental') -%}
    {{ return(relation) }}
  {%- endif -%}
  {%- if model.resource_type == 'model' and document_build_is_incremental() -%}
    {{ return('(select * from ' ~ relation ~ ' where document_id in ' ~ document_scope_ids() ~ ')') }}
  {%- endif -%}
  {%- if model.resource_type == 'test' and not model.get('test_metadata') and not should_full_refresh()
         and adapter.get_relation(relation.database, relation.schema, 'document_scope') is not none -%}
    {%- set ids = document_scope_ids(recompute_only=true, schema=relation.schema) -%}
    {{ return('(select * from ' ~ relation ~ ' where document_id in ' ~ ids ~ ')') }}
  {%- endif -%}
  {{ return(relation) }}
{%- endmacro %}

{#- dbt's get_where_subquery (the relation a schema test reads), plus: in a build by document, a
    per-document relation (document_incremental table, staging or intermediate view) is tested on
    the rows of the documents recomputed; the others passed when they were built. -#}
{% macro get_where_subquery(relation) -%}
  {%- set conditions = ['(' ~ config.get('where') ~ ')'] if config.get('where') else [] -%}
  {%- if execute and not should_full_refresh() -%}
    {%- if document_model_kind(relation) in ('view', 'document_incremental')
           and adapter.get_relation(relation.database, relation.schema, 'document_scope') is not none -%}
      {%- do conditions.append('document_id in ' ~ document_scope_ids(recompute_only=true, schema=relation.schema)) -%}
    {%- endif -%}
  {%- endif -%}
  {%- if not conditions %}{{ return(relation) }}{% endif -%}
  {{ return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ')') }}  {#- no alias: the project's tests add their own ("{{ model }} as child") -#}
{%- endmacro %}

{#- The materialization of this project's model behind a relation (none for seeds and others). -#}
{% macro document_model_kind(relation) -%}
  {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ relation.identifier) -%}
  {{ return(node.config.materialized if node else none) }}
{%- endmacro %}
