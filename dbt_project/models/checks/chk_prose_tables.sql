-- Every amount the prose states against the table value it restates (one instance per claim):
--   pr_total_revenue         收入预算 … 万元            vs table 1 收入总计 (else table 2 / 3 合计)
--   pr_total_expenditure     支出预算 … 万元            vs table 1 支出总计 (else table 3 合计)
--   pr_revenue_by_source     其中：一般公共预算拨款 …   vs table 1 revenue line (else table 2 / 3 合计 column)
--   pr_expenditure_by_kind   人员支出 / 公用支出 / 项目支出 … vs table 1 expenditure line (项目支出 =
--                            Σ its project lines), else table 3 合计 column
--   pr_general_budget_total  一般公共预算拨款支出 …      vs table 5 合计 (else table 4 / 1 revenue line)
--   pr_gov_fund_total        政府性基金预算拨款支出 …    vs table 6 合计 (else table 4 / 1 revenue line)
--   pr_subject_amount        (2010101) 12.34 万元      vs table 5 合计 of that subject (table 6 for a
--                            paragraph of the 政府性基金 section; else the other table, else Σ table 3
--                            一般公共预算拨款 / 政府性基金预算拨款 of that subject)
--   pr_basic_total           财政拨款基本支出 …          vs table 5 合计 基本支出 (else table 8 合计, table 4)
--   pr_basic_part            人员经费 / 公用经费 …       vs table 8: 人员经费 = 类 301 + 303,
--                            公用经费 = the other 类 (302, 309, …); else table 4 (人员 + 福利 / 公用)
--   pr_three_public          三公 items and total       vs table 9, same item (本年 column)
--   pr_operating_funds       (WARN) 机关运行经费 …        ≤ table 1 公用支出 (else table 4, table 3): it is the
--                            公用经费 of the administrative units only, so only a bound
-- The table value is read from the first table in that order that prints it; a
-- value no table prints compares with 0 (not compared when a table of the document
-- is unreadable: the value may be in it).
with unreadable as (
    select distinct document_id from {{ ref('stg_tables') }} where unreadable is not null
),

claims as (
    select * from {{ ref('chk_input_claims') }} as c
    where target_key is not null and amount is not null and kind <> 'project_total'
      -- a value no table prints compares with 0, unless a table of the document could not be read (it may print it)
      and not (document_id in (select document_id from unreadable)
               and not exists (select 1 from {{ ref('chk_input_target_terms') }} as t
                               where t.document_id = c.document_id and t.target_key = c.target_key))
),

targets as (
    select * from {{ ref('chk_input_target_terms') }}
    qualify pref = min(pref) over (partition by document_id, target_key)
),

sides as (
    select 'pr_' || kind as rule_id, document_id, claim_location as location, 'L' as side,
           cast(null as varchar) as table_id, cast(null as varchar) as table_kind,
           cast(null as varchar) as unit_code, subject_code as code,
           amount, half_unit, source_line,
           'prose «' || coalesce(label, '') || '» ' || printed || ' ' || unit as label
    from claims
    union all
    select 'pr_' || claims.kind, claims.document_id, claims.claim_location, 'R',
           targets.table_id, targets.table_kind, null, claims.subject_code,
           targets.amount, targets.half_unit, targets.source_line, targets.term_label
    from claims
    join targets
        on targets.document_id = claims.document_id
       and targets.target_key = claims.target_key
)

{{ dq_instances_from_terms(dq_pair_terms('sides', one_sided_rules=[
    'pr_total_revenue', 'pr_total_expenditure', 'pr_revenue_by_source', 'pr_expenditure_by_kind',
    'pr_general_budget_total', 'pr_gov_fund_total', 'pr_subject_amount', 'pr_basic_total',
    'pr_basic_part', 'pr_three_public', 'pr_operating_funds'],
    comparison="case when s.rule_id = 'pr_operating_funds' then 'le' else 'eq' end")) }}
