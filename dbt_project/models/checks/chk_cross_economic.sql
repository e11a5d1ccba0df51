-- The economic-classification tables (7, 8) against table 5 and the 三公 table (9):
--   xt_subject_total_vs_econ_total   table 5 合计 = table 7 合计 (both: 一般公共预算拨款支出)
--   xt_basic_econ_vs_subject_basic   table 8 合计 = table 5 合计 row 基本支出
--   xt_econ_class_ge_basic_econ      (WARN) per economic 类: table 7 ≥ table 8 (table 7 holds basic
--                                    and project spending, table 8 basic only); a 类 is its printed
--                                    类 line, or Σ of its 款 when the 类 line is not printed; a 类
--                                    missing from a table is 0
--   xt_three_public_vs_econ          三公 items = the matching 款 of table 8: 因公出国（境）费用 = 30212,
--                                    公务接待费 = 30217, 公务用车运行费 = 30231 (a 款 not printed = 0);
--                                    公务用车购置费 = 款 31013 of table 7 when table 7 prints 款 lines
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
),

tables as (
    select document_id, table_kind, min(table_id) as table_id
    from {{ ref('stg_tables') }}
    group by document_id, table_kind
),

econ_classes as (
    -- top-level lines of tables 7, 8 (类 lines; 款 lines whose 类 is not printed), 预算数 column
    select document_id, table_id, table_kind, left(code, 3) as class_code,
           amount, half_unit, source_line, code || ' ' || coalesce(econ_name, '') as label
    from c
    where table_kind in ('economic_class', 'basic_economic_class')
      and row_role <> 'total' and parent_row_key is null and code is not null
      and measure = 'total'
),

three_public_items as (
    select document_id, table_id, table_kind, item_key, amount, half_unit, source_line, item_label
    from c
    where table_kind = 'three_public' and row_role <> 'total'
      and item_key in ('overseas', 'reception', 'vehicle_operation')
      and coalesce(measure, '') <> 'prior_year'
),

-- 公务用车购置费 vs 款 31013 (公务用车购置, a capital 款 of table 7) when table 7 prints 款 lines
vehicle_purchase as (
    select document_id, table_id, table_kind, item_key, amount, half_unit, source_line, item_label
    from c
    where table_kind = 'three_public' and row_role <> 'total' and item_key = 'vehicle_purchase'
      and coalesce(measure, '') <> 'prior_year'
      and document_id in (select document_id from c
                          where table_kind = 'economic_class' and length(code) = 5)
),

econ7_sections as (
    select document_id, min(table_id) as table_id, any_value(table_kind) as table_kind
    from c
    where table_kind = 'economic_class' and length(code) = 5
    group by document_id
),

sides as (
    select 'xt_subject_total_vs_econ_total' as rule_id, document_id, '合计' as location, 'L' as side,
           table_id, table_kind, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           amount, half_unit, source_line, '合计/' || column_label as label
    from c where table_kind = 'general_budget_by_subject' and is_last_total and measure = 'total'
    union all
    select 'xt_subject_total_vs_econ_total', document_id, '合计', 'R', table_id, table_kind, null, null,
           amount, half_unit, source_line, '合计/' || column_label
    from c where table_kind = 'economic_class' and is_last_total and measure = 'total'

    union all
    select 'xt_basic_econ_vs_subject_basic', document_id, '合计 基本支出', 'L', table_id, table_kind, null, null,
           amount, half_unit, source_line, '合计/' || column_label
    from c where table_kind = 'basic_economic_class' and is_last_total and measure = 'total'
    union all
    select 'xt_basic_econ_vs_subject_basic', document_id, '合计 基本支出', 'R', table_id, table_kind, null, null,
           amount, half_unit, source_line, '合计/' || column_label
    from c where table_kind = 'general_budget_by_subject' and is_last_total and measure = 'basic'

    union all
    select 'xt_econ_class_ge_basic_econ', e.document_id, '类 ' || e.class_code,
           case e.table_kind when 'economic_class' then 'L' else 'R' end,
           e.table_id, e.table_kind, null, e.class_code, e.amount, e.half_unit, e.source_line, e.label
    from econ_classes as e
    -- only documents that print both tables
    where exists (select 1 from tables as t where t.document_id = e.document_id and t.table_kind = 'economic_class')
      and exists (select 1 from tables as t where t.document_id = e.document_id and t.table_kind = 'basic_economic_class')

    union all
    select 'xt_three_public_vs_econ', document_id, '三公 ' || item_key, 'L', table_id, table_kind, null,
           {{ three_public_econ_code('item_key') }}, amount, half_unit, source_line, item_label
    from three_public_items
    where document_id in (select document_id from tables where table_kind = 'basic_economic_class')
    union all
    select 'xt_three_public_vs_econ', p.document_id, '三公 ' || p.item_key, 'R', e.table_id, e.table_kind, null,
           e.code, e.amount, e.half_unit, e.source_line, e.code || ' ' || coalesce(e.econ_name, '')
    from three_public_items as p
    join c as e
        on e.document_id = p.document_id
       and e.table_kind = 'basic_economic_class'
       and e.code = {{ three_public_econ_code('p.item_key') }}
       and e.measure = 'total'
    union all
    -- placeholder: the matching 款 is not printed in table 8 → 0
    select 'xt_three_public_vs_econ', p.document_id, '三公 ' || p.item_key, 'R', t.table_id, t.table_kind, null,
           {{ three_public_econ_code('p.item_key') }}, null, null, null,
           {{ three_public_econ_code('p.item_key') }} || ' (not printed)'
    from three_public_items as p
    join tables as t on t.document_id = p.document_id and t.table_kind = 'basic_economic_class'
    where not exists (
        select 1 from c as e
        where e.document_id = p.document_id and e.table_kind = 'basic_economic_class'
          and e.code = {{ three_public_econ_code('p.item_key') }} and e.measure = 'total'
    )
),

union_vehicle as (
    select * from sides
    union all
    select 'xt_three_public_vs_econ', document_id, '三公 ' || item_key, 'L', table_id, table_kind, null,
           '31013', amount, half_unit, source_line, item_label
    from vehicle_purchase
    union all
    select 'xt_three_public_vs_econ', e.document_id, '三公 vehicle_purchase', 'R', e.table_id, e.table_kind, null,
           e.code, e.amount, e.half_unit, e.source_line, e.code || ' ' || coalesce(e.econ_name, '')
    from c as e
    where e.table_kind = 'economic_class' and e.code = '31013' and e.measure = 'total'
      and e.document_id in (select document_id from vehicle_purchase)
    union all
    select 'xt_three_public_vs_econ', p.document_id, '三公 vehicle_purchase', 'R', t.table_id, t.table_kind, null,
           '31013', null, null, null, '31013 (not printed)'
    from vehicle_purchase as p
    join econ7_sections as t using (document_id)
    where not exists (select 1 from c as e where e.document_id = p.document_id
                        and e.table_kind = 'economic_class' and e.code = '31013' and e.measure = 'total')
)

{{ dq_instances_from_terms(dq_pair_terms('union_vehicle',
    one_sided_rules=['xt_econ_class_ge_basic_econ'],
    comparison="case when s.rule_id = 'xt_econ_class_ge_basic_econ' then 'ge' else 'eq' end")) }}
