-- 部门决算 identities (the national_final_9 template; item and column keys from vocabulary.FINAL_ITEMS):
--   fa_summary_carryover      in 收入支出决算总表 and 财政拨款收入支出决算总表: 年初结转和结余 + 本年收入合计
--                             (+ 使用非财政拨款结余) = 本年支出合计 + 年末结转和结余 (+ 结余分配)
--   fa_summary_grand_total    each side's 总计 = its 本年合计 + the lines printed after it
--   fa_row_carryover          each row of 政府性基金 / 国有资本经营 决算表: 年初结转和结余 + 本年收入
--                             = 本年支出 + 年末结转和结余
--   fa_cross_revenue          收入支出决算总表 本年收入合计 = 收入决算表 合计 本年收入合计
--   fa_cross_expenditure      收入支出决算总表 本年支出合计 = 支出决算表 合计 本年支出合计
--   fa_cross_fiscal           财政拨款收入支出决算总表 本年支出合计 = 一般公共预算财政拨款支出决算表 合计
--                             + 政府性基金 and 国有资本经营 决算表 合计 本年支出 (when printed)
--   fa_three_public_budget    (WARN) each 三公 item: 决算数 does not exceed its 预算数
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where document_id in (select document_id from {{ ref('stg_documents') }} where phase = '决算')
),

summary_lines as (
    select * from c
    where table_kind in ('final_summary', 'final_fiscal_summary') and measure_group = 'item' and amount is not null
),

carryover as (
    select 'fa_summary_carryover' as rule_id, document_id, table_kind, table_id,
           table_id || ' 年初结转和结余 + 本年收入合计 = 本年支出合计 + 年末结转和结余' as location,
           null as unit_code, null as code,
           '年初结转和结余 + 本年收入合计 (+ 使用非财政拨款结余)' as left_label,
           '本年支出合计 + 年末结转和结余 (+ 结余分配)' as right_label,
           'eq' as comparison, null as note,
           case when side = 'revenue' then 'L' else 'R' end as side, amount, half_unit, source_line
    from summary_lines
    where (side = 'revenue' and item_key in ('year_revenue', 'opening_balance', 'non_fiscal_balance_used'))
       or (side = 'expenditure' and item_key in ('year_expenditure', 'closing_balance', 'balance_distribution'))
),

grand_total as (
    select 'fa_summary_grand_total', document_id, table_kind, table_id,
           table_id || ' ' || side || ' 总计', null, null,
           'printed 总计', '本年合计 + 年初/年末结转和结余 (+ 使用非财政拨款结余 / 结余分配)',
           'eq', null,
           case when item_key = 'total' then 'L' else 'R' end, amount, half_unit, source_line
    from summary_lines
    where item_key in ('total', 'year_revenue', 'opening_balance', 'non_fiscal_balance_used',
                       'year_expenditure', 'closing_balance', 'balance_distribution')
),

row_carryover as (
    select 'fa_row_carryover', document_id, table_kind, table_id,
           table_id || ' ' || row_label || ' (r' || row_index || ')', null, code,
           '年初结转和结余 + 本年收入', '本年支出 + 年末结转和结余', 'eq', null,
           case when measure in ('opening_balance', 'year_revenue') then 'L' else 'R' end,
           amount, half_unit, source_line
    from c
    where table_kind in ('final_gov_fund', 'final_state_capital') and measure_group = 'final'
      and measure in ('opening_balance', 'year_revenue', 'year_expenditure', 'closing_balance')
      and (document_id, table_id, row_index) in (
          select (document_id, table_id, row_index) from c
          where table_kind in ('final_gov_fund', 'final_state_capital') and amount is not null)
),

-- one value per (document, key) for the cross-table rules
keyed as (
    select document_id, table_kind, table_id, 'summary:' || item_key as key, amount, half_unit, source_line
    from summary_lines where table_kind = 'final_summary' and item_key in ('year_revenue', 'year_expenditure')
    union all
    select document_id, table_kind, table_id, 'fiscal:year_expenditure', amount, half_unit, source_line
    from summary_lines where table_kind = 'final_fiscal_summary' and side = 'expenditure' and item_key = 'year_expenditure'
    union all
    select document_id, table_kind, table_id, table_kind || ':' || measure, amount, half_unit, source_line
    from c
    where row_role = 'total' and measure_group = 'final' and amount is not null
      and table_kind in ('final_revenue', 'final_expenditure', 'final_gov_fund', 'final_state_capital')
    union all
    select document_id, table_kind, table_id, 'general_budget:total', amount, half_unit, source_line
    from c
    where table_kind = 'general_budget_by_subject' and row_role = 'total' and measure_group = 'kind' and measure = 'total'
      and amount is not null
),

crosses as (
    select * from (values
        ('fa_cross_revenue', 'summary:year_revenue', 'final_revenue:year_revenue', '收入支出决算总表 本年收入合计', '收入决算表 合计'),
        ('fa_cross_expenditure', 'summary:year_expenditure', 'final_expenditure:year_expenditure', '收入支出决算总表 本年支出合计', '支出决算表 合计'),
        ('fa_cross_fiscal', 'fiscal:year_expenditure', 'general_budget:total', '财政拨款收入支出决算总表 本年支出合计', '一般公共预算财政拨款支出决算表 合计 + 政府性基金 + 国有资本经营 本年支出'),
        ('fa_cross_fiscal', 'fiscal:year_expenditure', 'final_gov_fund:year_expenditure', '财政拨款收入支出决算总表 本年支出合计', '一般公共预算财政拨款支出决算表 合计 + 政府性基金 + 国有资本经营 本年支出'),
        ('fa_cross_fiscal', 'fiscal:year_expenditure', 'final_state_capital:year_expenditure', '财政拨款收入支出决算总表 本年支出合计', '一般公共预算财政拨款支出决算表 合计 + 政府性基金 + 国有资本经营 本年支出')
    ) as x(rule_id, left_key, right_key, left_label, right_label)
),

cross_terms as (
    select distinct x.rule_id, l.document_id, l.table_kind, l.table_id, x.rule_id || ' ' || x.left_key as location,
           null, null, x.left_label, x.right_label, 'eq', null, 'L', l.amount, l.half_unit, l.source_line
    from crosses as x join keyed as l on l.key = x.left_key
    -- only where the other side is printed at all
    where exists (select 1 from keyed as r where r.document_id = l.document_id and r.key in (
        select right_key from crosses where rule_id = x.rule_id))
    union all
    select x.rule_id, r.document_id, r.table_kind, r.table_id, x.rule_id || ' ' || x.left_key,
           null, null, x.left_label, x.right_label, 'eq', null, 'R', r.amount, r.half_unit, r.source_line
    from crosses as x join keyed as r on r.key = x.right_key
    where exists (select 1 from keyed as l where l.document_id = r.document_id and l.key = x.left_key)
),

three_public as (
    select 'fa_three_public_budget', document_id, table_kind, table_id,
           table_id || ' 三公 ' || row_label, null, null,
           '预算数', '决算数', 'ge', null,
           case when measure = 'budget' then 'L' else 'R' end, amount, half_unit, source_line
    from c
    where table_kind = 'three_public' and measure in ('budget', 'amount')
      and (document_id, table_id, row_index) in (
          select (document_id, table_id, row_index) from c
          where table_kind = 'three_public' and measure = 'budget' and amount is not null)
),

terms as (
    select * from carryover
    union all select * from grand_total
    union all select * from row_carryover
    union all select * from cross_terms
    union all select * from three_public
)

{{ dq_instances_from_terms('terms') }}
