-- Helper of the rule models (not a rule): every cell of every standard table
-- (blank cells included, amount NULL) with its row's place in the hierarchy
-- (chk_input_rows), the table's unit of account and the cell's tolerance share
-- half_unit = ½·10^(−decimals) converted to 万元 (0 for a blank cell).
-- The rule models read it in a CTE hinted by the macro inlined_in_full_build()
-- (macros/document_incremental.sql).
with tables as (
    select document_id, table_id, amount_unit, is_empty
    from {{ ref('stg_tables') }}
)

select
    cells.document_id,
    cells.table_id,
    cells.table_kind,
    cells.source_line,
    cells.row_index,
    cells.side,
    rows.row_key,
    rows.row_role,
    rows.row_label,
    rows.parent_row_key,
    rows.is_parent,
    rows.child_count,
    rows.is_leaf,
    rows.is_last_total,
    rows.code,
    cells.column_index,
    cells.column_label,
    cells.measure_group,
    cells.measure,
    cells.printed,
    cells.amount,
    cells.decimals,
    coalesce(tables.amount_unit, '万元')                                as amount_unit,
    {{ half_unit('cells.amount', 'cells.decimals', amount_scale("coalesce(tables.amount_unit, '万元')")) }} as half_unit,
    cells.unit_code,
    cells.unit_name,
    cells.subject_code,
    cells.subject_name,
    cells.econ_code,
    cells.econ_name,
    cells.item_label,
    cells.item_key,
    cells.item_level,
    cells.parent_item_key,
    -- "t03 r5 101001 2010101 行政运行 [c9 项目支出]": stable, no amounts in it
    cells.table_id || ' r' || cells.row_index || coalesce('/' || cells.side, '') || ' ' || rows.row_label
        || ' [c' || cells.column_index || ' ' || coalesce(cells.column_label, cells.measure, '') || ']' as cell_location
from {{ ref('stg_cells') }} as cells
join {{ ref('chk_input_rows') }} as rows
    on rows.document_id = cells.document_id
   and rows.table_id = cells.table_id
   and rows.row_index = cells.row_index
   and rows.side is not distinct from cells.side
left join tables
    on tables.document_id = cells.document_id
   and tables.table_id = cells.table_id
