-- xt_unit_revenue_vs_expenditure: per budget unit (单位编码) and funding-source column printed
-- in both tables, the unit's line of table 2 (收入预算总表) = Σ of the unit's rows of table 3
-- (支出预算总表), same source column (资金来源 总计, 一般公共预算拨款, …). A unit printed in only
-- one of the two tables compares with 0.
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where table_kind in ('revenue_by_unit', 'expenditure_by_unit')
      and measure_group = 'source'
),

measures_in_both as (
    select document_id, measure
    from c
    group by document_id, measure
    having count(distinct table_kind) = 2
),

unit_cells as (
    select c.*
    from c
    join measures_in_both using (document_id, measure)
    where c.unit_code is not null and c.row_role <> 'total'
      -- table 3: leaf rows only (a unit subtotal line is not added to its own rows)
      and (c.table_kind = 'revenue_by_unit' or c.is_leaf)
),

sides as (
    select 'xt_unit_revenue_vs_expenditure' as rule_id, document_id,
           'unit ' || unit_code || ' [' || measure || ']' as location,
           case table_kind when 'revenue_by_unit' then 'L' else 'R' end as side,
           table_id, table_kind, unit_code, cast(null as varchar) as code,
           amount, half_unit, source_line,
           case table_kind
               when 'revenue_by_unit' then unit_code || ' ' || coalesce(unit_name, '') || '/' || column_label
               else 'Σ rows of unit ' || unit_code || '/' || column_label
           end as label
    from unit_cells
)

{{ dq_instances_from_terms(dq_pair_terms('sides', one_sided_rules=['xt_unit_revenue_vs_expenditure'])) }}
