-- The 三公 table (9), column by column (本年 and, where printed, 上年):
--   wt_three_public_total    合计 = 因公出国（境）费用 + 公务接待费 + 公务用车购置及运行费 (top-level lines)
--   wt_three_public_vehicle  公务用车购置及运行费 = 公务用车运行费 + 公务用车购置费 (any parent line = Σ its children)
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where table_kind = 'three_public'
),

lefts as (
    select c.*, 'wt_three_public_total' as rule_id,
           'printed ' || row_label || ', column ' || coalesce(column_label, measure)            as left_label,
           'Σ top-level lines (因公出国（境）+ 公务接待 + 公务用车购置及运行), column '
               || coalesce(column_label, measure)                                               as right_label
    from c where row_role = 'total'
    union all
    select c.*, 'wt_three_public_vehicle',
           'printed ' || row_label || ', column ' || coalesce(column_label, measure),
           'Σ its child lines (运行费 + 购置费), column ' || coalesce(column_label, measure)
    from c where child_count > 0 and row_role <> 'total'
),

instance as (
    select lefts.*,
           table_id || ' ' || row_label || ' (r' || row_index || ') [c' || column_index || ' ' || coalesce(column_label, measure) || ']' as location
    from lefts
),

terms as (
    select rule_id, document_id, table_kind, table_id, location, null as unit_code, null as code,
           left_label, right_label, 'eq' as comparison, null as note,
           'L' as side, amount, half_unit, source_line
    from instance
    union all
    select i.rule_id, i.document_id, i.table_kind, i.table_id, i.location, null, null,
           i.left_label, i.right_label, 'eq', null,
           'R', r.amount, r.half_unit, r.source_line
    from instance as i
    join c as r
        on r.document_id = i.document_id
       and r.table_id = i.table_id
       and r.column_index = i.column_index
       and r.row_role <> 'total'
       and case i.rule_id
               when 'wt_three_public_total' then r.parent_row_key is null
               else r.parent_row_key = i.row_key
           end
)

{{ dq_instances_from_terms('terms') }}
