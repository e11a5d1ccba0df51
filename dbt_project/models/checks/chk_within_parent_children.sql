-- Parent lines of the code and unit tables, column by column:
--   wt_econ_class_vs_sections    tables 7, 8: an economic 类 (301 工资福利支出) = Σ its 款 (30101 …)
--   wt_subject_parent_children   tables 2, 3, 5, 6, 10: a 类/款 subject line = Σ its child codes
--                                (within the same unit in table 3), and a unit line printed
--                                without a code = Σ that unit's rows
-- (chk_input_rows decides which rows are children of which: nearest printed prefix.)
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where table_kind in ('revenue_by_unit', 'expenditure_by_unit', 'general_budget_by_subject',
                         'gov_fund_by_subject', 'economic_class', 'basic_economic_class', 'special_funds')
),

parents as (
    select
        c.*,
        case when table_kind in ('economic_class', 'basic_economic_class')
             then 'wt_econ_class_vs_sections' else 'wt_subject_parent_children' end   as rule_id,
        table_id || ' ' || row_label || ' (r' || row_index || ') [c' || column_index || ' ' || coalesce(column_label, measure) || ']' as location,
        child_count                                                                  as n_children
    from c
    where child_count > 0 and row_role <> 'total'
),

terms as (
    select rule_id, document_id, table_kind, table_id, location, unit_code, code,
           'printed ' || row_label || ', column ' || coalesce(column_label, measure)        as left_label,
           'Σ its ' || n_children || ' child lines, column ' || coalesce(column_label, measure) as right_label,
           'eq' as comparison,
           cast(null as varchar) as note,
           'L' as side, amount, half_unit, source_line
    from parents
    union all
    select p.rule_id, p.document_id, p.table_kind, p.table_id, p.location, p.unit_code, p.code,
           null, null, 'eq', null,
           'R', ch.amount, ch.half_unit, ch.source_line
    from parents as p
    join c as ch
        on ch.document_id = p.document_id
       and ch.table_id = p.table_id
       and ch.parent_row_key = p.row_key
       and ch.column_index = p.column_index
)

{{ dq_instances_from_terms('terms') }}
