{{ config(materialized='document_incremental') }}
-- Valued cells of every table (blank cells, amount NULL, are not facts), read
-- from the Parquet files once and reused by every cell-based fact table.
-- is_total: a printed total row (row_role 'total') or a total column (measure 'total').
select
    document_id,
    table_id,
    table_kind,
    source_line,
    row_index,
    row_role,
    column_index,
    column_label,
    measure_group,
    measure,
    printed,
    amount,
    decimals,
    unit_code,
    unit_name,
    subject_code,
    subject_name,
    econ_code,
    econ_name,
    side,
    item_label,
    item_key,
    item_level,
    parent_item_key,
    page,
    x0,
    top,
    x1,
    bottom,
    coalesce(row_role = 'total', false) or coalesce(measure = 'total', false) as is_total
from {{ ref('stg_cells') }}
where amount is not null
