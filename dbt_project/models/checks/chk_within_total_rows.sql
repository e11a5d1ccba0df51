-- wt_total_row_vs_details: every 合计/总计 row of a table with detail rows
-- (tables 2, 3, 5, 6, 7, 8, 10) equals, column by column, the sum of the
-- table's leaf rows (chk_input_rows.is_leaf: 类/款 subtotal lines and unit
-- subtotal lines are left out, so nothing is counted twice). The summary
-- tables (1, 4) and the 三公 table (9) have their own rules.
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where table_kind in ('revenue_by_unit', 'expenditure_by_unit', 'general_budget_by_subject',
                         'gov_fund_by_subject', 'economic_class', 'basic_economic_class', 'special_funds')
),

total_cells as (
    select * from c where row_role = 'total'
),

leaf_counts as (
    select document_id, table_id, count(distinct row_key) as n_leaves
    from c where is_leaf
    group by document_id, table_id
),

instance as (
    select
        total_cells.*,
        'wt_total_row_vs_details'                                               as rule_id,
        total_cells.table_id || ' ' || total_cells.row_label || ' (r' || total_cells.row_index || ') [c' || total_cells.column_index || ' '
            || coalesce(total_cells.column_label, total_cells.measure) || ']'   as location,
        'printed ' || total_cells.row_label || ' row, column ' || coalesce(total_cells.column_label, total_cells.measure)
                                                                                as left_label,
        'Σ of the ' || coalesce(leaf_counts.n_leaves, 0) || ' detail rows, column '
            || coalesce(total_cells.column_label, total_cells.measure)           as right_label
    from total_cells
    left join leaf_counts
        on leaf_counts.document_id = total_cells.document_id
       and leaf_counts.table_id = total_cells.table_id
),

terms as (
    select rule_id, document_id, table_kind, table_id, location, null as unit_code, null as code,
           left_label, right_label, 'eq' as comparison, null as note,
           'L' as side, amount, half_unit, source_line
    from instance
    union all
    select i.rule_id, i.document_id, i.table_kind, i.table_id, i.location, null, null,
           i.left_label, i.right_label, 'eq', null,
           'R', leaf.amount, leaf.half_unit, leaf.source_line
    from instance as i
    join c as leaf
        on leaf.document_id = i.document_id
       and leaf.table_id = i.table_id
       and leaf.column_index = i.column_index
       and leaf.is_leaf
)

{{ dq_instances_from_terms('terms') }}
