{#
  The current rows of one record type: read_parquet() over the stem's batch
  files, kept where the manifest names the row's batch as its document's.

  The directory comes from the env var BUDGET_STAGING_DIR (absolute path).
  budget_warehouse/staging.py writes <stem>/<batch>.parquet (one file per
  record type per batch; ".<batch>.tmp" while writing, which the glob skips)
  and then names the batch in _manifest.parquet (document_id, batch). A
  changed document's old rows stay in their batch file and are not read. The
  zero-row "_empty" file of every stem keeps the glob matching and every
  column present.
#}
{% macro staging_parquet(stem) -%}
  {%- set root = staging_root() -%}
  {%- if model.name != 'document_scope' %}
  -- depends_on: {{ ref('document_scope') }} (an incremental build's scope is known before anything reads staging)
  {% endif -%}
  (select staged.* exclude (filename)
   from read_parquet('{{ root }}/{{ stem }}/[!.]*.parquet', union_by_name = true, filename = true) as staged
   semi join read_parquet('{{ root }}/_manifest.parquet') as manifest
     on manifest.document_id = staged.document_id and manifest.batch = parse_filename(staged.filename, true))
{%- endmacro %}

{#- The staging folder (env var BUDGET_STAGING_DIR, absolute), quoted for a SQL string. -#}
{% macro staging_root() -%}
  {%- set root = env_var('BUDGET_STAGING_DIR') | replace('\\', '/') -%}
  {{- root.rstrip('/') | replace("'", "''") -}}
{%- endmacro %}
