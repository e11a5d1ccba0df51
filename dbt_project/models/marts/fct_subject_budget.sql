-- The tables keyed by functional subject alone: 一般公共预算拨款支出预算表 (general_budget_by_subject),
-- 政府性基金拨款支出预算表 (gov_fund_by_subject), and the national template's 收入预算总表 /
-- 支出预算总表 / 国有资本经营预算支出功能分类预算表 (revenue_by_subject, expenditure_by_subject,
-- state_capital_by_subject): one fact per subject × column (total, basic, project, or funding source).
select
    document_id,
    table_id,
    table_kind,
    subject_code,
    subject_name,
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }}
where table_kind in (
    'general_budget_by_subject', 'gov_fund_by_subject',
    'revenue_by_subject', 'expenditure_by_subject', 'state_capital_by_subject'
)
