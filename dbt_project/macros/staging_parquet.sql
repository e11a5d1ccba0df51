{#
  read_parquet() over every document folder of the staging directory.

  The directory comes from the env var BUDGET_STAGING_DIR (absolute path). The
  glob skips folders whose name starts with a dot: staging.write_document
  writes into ".tmp-*" and moves the replaced version to ".old-*" before
  renaming, and those must never be read. The "_schema" folder holds zero-row
  files of every stem, so the glob always matches and every column exists.
#}
{% macro staging_parquet(stem) -%}
  {%- set root = env_var('BUDGET_STAGING_DIR') | replace('\\', '/') -%}
  {%- set root = root.rstrip('/') | replace("'", "''") -%}
  read_parquet('{{ root }}/[!.]*/{{ stem }}.parquet', union_by_name = true)
{%- endmacro %}
