-- The summary tables (1 收支预算总表, 4 财政拨款收支预算总表), side by side revenue | expenditure:
--   wt_summary_revenue_total      收入总计 = Σ level-1 revenue lines (一、二、…) above it; a second
--                                 total row (收入总计 after 本年收入合计) = the first + the lines between
--   wt_summary_expenditure_total  支出总计 = Σ level-1 expenditure lines, the same way
--   wt_summary_balance            收入总计 = 支出总计
--   wt_summary_parent_children    every parent line = Σ its child lines (一、基本支出 = 1、…4、)
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where table_kind in ('summary', 'fiscal_summary') and side in ('revenue', 'expenditure')
      and measure_group = 'item'  -- the line's amount; further columns split it by source
),

totals as (
    select
        c.*,
        lag(row_index) over (partition by document_id, table_id, side order by row_index) as prev_total_index
    from c
    where row_role = 'total'
),

total_instance as (
    select
        totals.*,
        case side when 'revenue' then 'wt_summary_revenue_total' else 'wt_summary_expenditure_total' end as rule_id,
        table_id || ' ' || side || ' ' || row_label || ' (r' || row_index || ')'         as location,
        'printed ' || row_label                                                            as left_label,
        case when prev_total_index is null
             then 'Σ level-1 ' || side || ' lines above it'
             else 'previous total row + Σ level-1 ' || side || ' lines between' end        as right_label
    from totals
),

total_terms as (
    select rule_id, document_id, table_kind, table_id, location, null as unit_code, null as code,
           left_label, right_label, 'eq' as comparison, null as note,
           'L' as side, amount, half_unit, source_line
    from total_instance
    union all
    select i.rule_id, i.document_id, i.table_kind, i.table_id, i.location, null, null,
           i.left_label, i.right_label, 'eq', null,
           'R', r.amount, r.half_unit, r.source_line
    from total_instance as i
    join c as r
        on r.document_id = i.document_id
       and r.table_id = i.table_id
       and r.side = i.side
       and r.row_index < i.row_index
       and (
            -- level-1 lines after the previous total row
            (r.row_role <> 'total' and r.parent_row_key is null
             and r.row_index > coalesce(i.prev_total_index, -1))
            -- the previous total row itself
            or (r.row_role = 'total' and r.row_index = i.prev_total_index)
       )
),

two_sided as (
    select document_id, table_id
    from c
    where is_last_total
    group by document_id, table_id
    having count(distinct side) = 2
),

balance_terms as (
    select 'wt_summary_balance' as rule_id, c.document_id, c.table_kind, c.table_id,
           c.table_id || ' 收入总计 = 支出总计'                                      as location,
           null as unit_code, null as code,
           'printed revenue grand total (收入总计)' as left_label,
           'printed expenditure grand total (支出总计)' as right_label,
           'eq' as comparison, null as note,
           case c.side when 'revenue' then 'L' else 'R' end as side,
           c.amount, c.half_unit, c.source_line
    from c
    join two_sided using (document_id, table_id)
    where c.is_last_total
),

parents as (
    select * from c where child_count > 0 and row_role <> 'total'
),

parent_terms as (
    select 'wt_summary_parent_children' as rule_id, document_id, table_kind, table_id,
           table_id || ' ' || side || ' ' || row_label || ' (r' || row_index || ')'  as location,
           null as unit_code, null as code,
           'printed ' || row_label                                                       as left_label,
           'Σ its child lines'                                                           as right_label,
           'eq' as comparison,
           null as note,
           'L' as side, amount, half_unit, source_line
    from parents
    union all
    select 'wt_summary_parent_children', p.document_id, p.table_kind, p.table_id,
           p.table_id || ' ' || p.side || ' ' || p.row_label || ' (r' || p.row_index || ')',
           null, null, 'printed ' || p.row_label, 'Σ its child lines', 'eq', null,
           'R', ch.amount, ch.half_unit, ch.source_line
    from parents as p
    join c as ch
        on ch.document_id = p.document_id
       and ch.table_id = p.table_id
       and ch.parent_row_key = p.row_key
       and ch.column_index = p.column_index
),

terms as (
    select * from total_terms
    union all
    select * from balance_terms
    union all
    select * from parent_terms
)

{{ dq_instances_from_terms('terms') }}
