-- Files the pipeline refused, one row per file (the latest refusal): why, and where.
-- The pipeline writes one Parquet row per quarantined file under
-- <staging>/_quarantine/ (see budget_warehouse/pipeline.py) and removes it when
-- the file later loads.
{%- set root = env_var('BUDGET_STAGING_DIR') | replace('\\', '/') | replace("'", "''") %}
select
    cast(source_name as varchar)     as source_name,
    cast(source_path as varchar)     as source_path,
    cast(content_sha256 as varchar)  as content_sha256,
    cast(reason as varchar)          as reason,
    cast(message as varchar)         as message,
    cast(line as integer)            as line,
    cast(table_kind as varchar)      as table_kind,
    quarantined_at
from read_parquet('{{ root.rstrip("/") }}/_quarantine/*.parquet', union_by_name = true)
