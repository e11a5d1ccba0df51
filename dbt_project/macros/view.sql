{#
  materialized='view' (staging and intermediate): dbt's view, except that a view whose SQL is what
  it was is left alone. Between two builds by document nothing a view's SQL depends on changes:
  the dbt project is the same (else the build fingerprint forces a full build, which replaces
  every view), and what the compiled SQL embeds (the staging folder's path, the database's name
  in refs) is compared with the rest: the digest is of the compiled SQL. It is kept as the view's
  comment. Re-creating the 21 views cost ~60 ms of node time each per build.
#}
{% materialization view, adapter='duckdb' %}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set existing = load_cached_relation(this) -%}
  {%- set digest = 'dbt sql md5 ' ~ local_md5(sql) -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if existing is not none and existing.is_view and not should_full_refresh()
         and view_comment(target_relation) == digest %}
    {% call statement('main') -%}
      select 'unchanged' as view_sql  {#- dbt needs a 'main' statement -#}
    {%- endcall %}
  {%- else %}
    {%- if existing is not none and not existing.is_view %}{{ drop_relation_if_exists(existing) }}{% endif %}
    {% call statement('main') -%}
      create or replace view {{ target_relation }} as (
        {{ sql }}
      )
    {%- endcall %}
    {% call statement('digest') -%}
      comment on view {{ target_relation }} is '{{ digest }}'
    {%- endcall %}
  {%- endif %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The comment DuckDB keeps for a view (none when it has none). -#}
{% macro view_comment(relation) -%}
  {%- set rows = run_query("select comment from duckdb_views() where database_name = '" ~ relation.database
                           ~ "' and schema_name = '" ~ relation.schema ~ "' and view_name = '" ~ relation.identifier ~ "'") -%}
  {{ return(rows.columns[0].values()[0] if rows.rows | length == 1 else none) }}
{%- endmacro %}
