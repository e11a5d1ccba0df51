-- 一般公共预算拨款支出预算表 (general_budget_by_subject) and 政府性基金拨款支出
-- 预算表 (gov_fund_by_subject): one fact per subject × column (total, basic, project).
select
    document_id,
    table_id,
    table_kind,
    subject_code,
    subject_name,
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }}
where table_kind in ('general_budget_by_subject', 'gov_fund_by_subject')
