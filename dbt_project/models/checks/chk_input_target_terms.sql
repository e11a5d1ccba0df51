-- Helper of the rule models (not a rule): the table values that prose claims
-- (and year-over-year comparisons) restate, one row per printed cell taking
-- part, keyed by target_key (the same key as chk_input_claims.target_key).
-- pref orders the tables a value can be read from (1 = the table the prose
-- restates; 2, 3 = fallbacks used only when the preferred table does not print
-- the value, e.g. the document has no 收支预算总表). A derived value (table 1's
-- 项目支出 = its project lines, 人员经费 = 301 + 303 of table 8) has several terms.
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    -- a summary table's line amount only: its further columns split that amount by source
    where not (table_kind in ('summary', 'fiscal_summary') and measure_group = 'source')
),

terms as (
    -- 部门决算: 总计, 财政拨款 总计, 本年收入合计, 本年支出合计 (收入支出决算总表 / 财政拨款收入支出决算总表)
    select document_id, case when table_kind = 'final_fiscal_summary' then 'final_fiscal:total'
                             else 'final_summary:' || item_key end as target_key,
           1 as pref, table_id, table_kind, source_line, amount, half_unit, item_label as term_label
    from c
    where measure_group = 'item' and (
        (table_kind = 'final_summary' and ((side = 'revenue' and item_key in ('total', 'year_revenue'))
                                           or (side = 'expenditure' and item_key = 'year_expenditure')))
        or (table_kind = 'final_fiscal_summary' and side = 'revenue' and item_key = 'total'))
    union all
    -- 部门决算: 支出决算表 合计 基本支出 / 项目支出; 一般公共预算财政拨款支出决算表 合计 and its 基本支出;
    -- 人员经费合计 / 公用经费合计 of the 基本支出决算表; 三公 预算数 / 决算数 per item
    select document_id, 'final_expenditure:' || measure, 1, table_id, table_kind, source_line, amount, half_unit,
           '合计/' || column_label
    from c where table_kind = 'final_expenditure' and row_role = 'total' and measure_group = 'kind'
             and measure in ('basic', 'project')
    union all
    select document_id, 'final_general_budget:' || measure, 1, table_id, table_kind, source_line, amount, half_unit,
           '合计/' || column_label
    from c where table_kind = 'general_budget_by_subject' and row_role = 'total' and measure_group = 'kind'
             and measure in ('total', 'basic')
             and document_id in (select document_id from {{ ref('stg_documents') }} where phase = '决算')
    union all
    select document_id, 'final_basic_part:' || case when econ_name like '人员经费%' then 'personnel' else 'public' end,
           1, table_id, table_kind, source_line, amount, half_unit, econ_name
    from c where table_kind = 'final_basic_economic' and row_role = 'total'
             and (econ_name like '人员经费%' or econ_name like '公用经费%')
    union all
    select document_id, 'final_three_public:' || measure || ':' || item_key, 1, table_id, table_kind, source_line,
           amount, half_unit, item_label || '/' || measure
    from c where table_kind = 'three_public' and measure in ('budget', 'amount')
             and document_id in (select document_id from {{ ref('stg_documents') }} where phase = '决算')

    -- 收入总计
    union all
    select document_id, 'total_revenue:total', 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'revenue' and is_last_total
    union all
    select document_id, 'total_revenue:total', 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'revenue_by_unit' and is_last_total and measure_group = 'source' and measure = 'total'
    union all
    select document_id, 'total_revenue:total', 3, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'source' and measure = 'total'

    -- 支出总计
    union all
    select document_id, 'total_expenditure:total', 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'expenditure' and is_last_total
    union all
    select document_id, 'total_expenditure:total', 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'kind' and measure = 'total'

    -- revenue by funding source
    union all
    select document_id, 'revenue_by_source:' || item_key, 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'revenue' and row_role <> 'total'
             and item_key in {{ funding_source_keys() }}
    union all
    select document_id, 'revenue_by_source:' || measure, 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'revenue_by_unit' and is_last_total and measure_group = 'source' and measure <> 'total'
    union all
    select document_id, 'revenue_by_source:' || measure, 3, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'source' and measure <> 'total'

    -- expenditure by kind
    union all
    select document_id, 'expenditure_by_kind:' || item_key, 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'expenditure' and row_role <> 'total'
             and item_key in ('basic', 'personnel', 'welfare', 'public', 'institution_subsidy')
    union all
    select document_id, 'expenditure_by_kind:project', 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'expenditure' and row_role <> 'total'
             and parent_row_key is null and item_key in {{ project_item_keys() }}
    union all
    select document_id, 'expenditure_by_kind:' || measure, 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'kind'
             and measure in ('basic', 'personnel', 'welfare', 'public', 'institution_subsidy', 'project')
    union all
    select document_id, 'expenditure_by_kind:basic', 3, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'kind'
             and measure in {{ basic_part_keys() }}

    -- 一般公共预算拨款支出 合计
    union all
    select document_id, 'general_budget_total:total', 1, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'general_budget_by_subject' and is_last_total and measure = 'total'
    union all
    select document_id, 'general_budget_total:total', 2, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'fiscal_summary' and side = 'revenue' and row_role <> 'total' and item_key = 'general_budget'
    union all
    select document_id, 'general_budget_total:total', 3, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'revenue' and row_role <> 'total' and item_key = 'general_budget'

    -- 政府性基金拨款支出 合计
    union all
    select document_id, 'gov_fund_total:total', 1, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'gov_fund_by_subject' and is_last_total and measure = 'total'
    union all
    select document_id, 'gov_fund_total:total', 2, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'fiscal_summary' and side = 'revenue' and row_role <> 'total' and item_key = 'gov_fund'
    union all
    select document_id, 'gov_fund_total:total', 3, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'revenue' and row_role <> 'total' and item_key = 'gov_fund'

    -- one functional subject (项级科目): a paragraph of the 一般公共预算 section restates
    -- table 5 (else table 6, else Σ table 3 一般公共预算拨款), a paragraph of the
    -- 政府性基金 section table 6 (else table 5, else Σ table 3 政府性基金预算拨款)
    union all
    select document_id, prefix || subject_code,
           case when (prefix = 'subject_amount:') = (table_kind = 'general_budget_by_subject') then 1 else 2 end,
           table_id, table_kind, source_line, amount, half_unit,
           subject_code || ' ' || coalesce(subject_name, '') || '/' || column_label
    from c
    cross join (values ('subject_amount:'), ('gov_fund_subject_amount:')) as p(prefix)
    where table_kind in ('general_budget_by_subject', 'gov_fund_by_subject') and row_role <> 'total'
      and subject_code is not null and measure_group = 'kind' and measure = 'total'
    union all
    select document_id, case measure when 'general_budget' then 'subject_amount:' else 'gov_fund_subject_amount:' end
               || subject_code,
           3, table_id, table_kind, source_line, amount, half_unit,
           unit_code || ' ' || subject_code || '/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_leaf and subject_code is not null
             and measure_group = 'source' and measure in ('general_budget', 'gov_fund')

    -- 财政拨款基本支出
    union all
    select document_id, 'basic_total:basic', 1, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'general_budget_by_subject' and is_last_total and measure = 'basic'
    union all
    select document_id, 'basic_total:basic', 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'basic_economic_class' and is_last_total and measure = 'total'
    union all
    select document_id, 'basic_total:basic', 3, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'fiscal_summary' and side = 'expenditure' and row_role <> 'total' and item_key = 'basic'

    -- 人员经费 (301 + 303) and 公用经费 (302, 309, … : the other 类) of table 8
    union all
    select document_id, 'basic_part:' || case when left(code, 3) in ('301', '303') then 'personnel' else 'public' end,
           1, table_id, table_kind, source_line, amount, half_unit, code || ' ' || coalesce(econ_name, '')
    from c where table_kind = 'basic_economic_class' and row_role <> 'total' and parent_row_key is null
             and code is not null and measure = 'total'
    union all
    select document_id, 'basic_part:' || case when item_key in ('personnel', 'welfare') then 'personnel' else 'public' end,
           2, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'fiscal_summary' and side = 'expenditure' and row_role <> 'total'
             and item_key in ('personnel', 'welfare', 'public')
    union all
    select document_id, 'basic_part:' || case when item_key in ('personnel', 'welfare') then 'personnel' else 'public' end,
           3, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'expenditure' and row_role <> 'total'
             and item_key in ('personnel', 'welfare', 'public')

    -- 三公 items and 合计 (current-year column)
    union all
    select document_id, 'three_public:' || item_key, 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'three_public' and row_role <> 'total' and item_key is not null
             and coalesce(measure, '') <> 'prior_year'
    union all
    select document_id, 'three_public:total', 1, table_id, table_kind, source_line, amount, half_unit, coalesce(item_label, '合计')
    from c where table_kind = 'three_public' and is_last_total and coalesce(measure, '') <> 'prior_year'

    -- 机关运行经费: printed beside the 三公 items (national template), else ≈ 公用支出
    union all
    select document_id, 'operating_funds:total', 0, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'three_public' and item_key = 'admin_operation' and coalesce(measure, '') = 'amount'
    union all
    select document_id, 'operating_funds:total', 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'expenditure' and row_role <> 'total' and item_key = 'public'
    union all
    select document_id, 'operating_funds:total', 2, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'fiscal_summary' and side = 'expenditure' and row_role <> 'total' and item_key = 'public'
    union all
    select document_id, 'operating_funds:total', 3, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'kind' and measure = 'public'

    -- 项目支出, all funding (tables 1 / 3) and 财政拨款 only (table 4; tables 5 + 6)
    union all
    select document_id, 'project_expenditure:all', 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'summary' and side = 'expenditure' and row_role <> 'total'
             and parent_row_key is null and item_key in {{ project_item_keys() }}
    union all
    select document_id, 'project_expenditure:all', 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'kind' and measure = 'project'
    union all
    select document_id, 'project_expenditure:fiscal', 1, table_id, table_kind, source_line, amount, half_unit, item_label
    from c where table_kind = 'fiscal_summary' and side = 'expenditure' and row_role <> 'total'
             and parent_row_key is null and item_key in {{ project_item_keys() }}
    union all
    select document_id, 'project_expenditure:fiscal', 2, table_id, table_kind, source_line, amount, half_unit, '合计/' || column_label
    from c where table_kind in ('general_budget_by_subject', 'gov_fund_by_subject') and is_last_total and measure = 'project'
)

select
    terms.*,
    -- the table(s) a value is read from, as a readable label
    string_agg(distinct table_id, '+' order by table_id) over (partition by document_id, target_key, pref) as pref_tables
from terms
