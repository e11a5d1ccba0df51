-- Helper of the rule models (not a rule): the prose claims with their tolerance
-- share (half a unit of the printed last decimal, in 万元 for amounts, in
-- percentage points for percentages, 0 for counts), the key of the table value
-- they restate (target_key, see chk_input_target_terms) and a stable location.
with documents as (
    select document_id, phase from {{ ref('stg_documents') }}
),

-- The prose of a 部门决算 restates 决算 tables (决算数 against 预算数). Mapped: its totals (收入支出总计,
-- 财政拨款收入支出总计, 本年收入合计, 本年支出合计), 基本支出, 一般公共预算财政拨款支出 and its
-- 基本支出, 人员经费 / 公用经费, the 三公 amounts stated as 年初预算为 X / 决算为 Y, and each
-- per-subject paragraph's 支出决算为 Y (its 年初预算 is printed in no table); its other
-- sentences are not compared (reading them as 预算 claims would only raise false alarms).
final_keys as (
    select claims.document_id, claims.claim_id,
        case
            when claims.kind = 'total_expenditure' and claims.label like '%财政拨款收入支出总计' then 'final_fiscal:total'
            when claims.kind = 'total_expenditure' and claims.label like '%收入支出总计' then 'final_summary:total'
            when claims.kind = 'total_revenue' and claims.label = '本年收入合计' then 'final_summary:year_revenue'
            when claims.kind = 'total_expenditure' and claims.label = '本年支出合计' then 'final_summary:year_expenditure'
            when claims.kind = 'expenditure_by_kind' and claims.measure in ('basic', 'project') then 'final_expenditure:' || claims.measure
            when claims.kind = 'general_budget_total' and claims.label = '一般公共预算财政拨款支出' then 'final_general_budget:total'
            when claims.kind = 'basic_total' then 'final_general_budget:basic'
            -- a per-subject paragraph's 支出决算为 Y (its subject read from its 类/款/项 names)
            when claims.kind = 'subject_amount' and claims.subject_code is not null
                then 'subject_amount:' || claims.subject_code
            when claims.kind = 'basic_part' then 'final_basic_part:' || claims.measure
            when claims.kind = 'three_public' and claims.label like '%年初预算为' then 'final_three_public:budget:' || claims.measure
            when claims.kind = 'three_public' and claims.label like '%决算为' and claims.label not like '%维护费%'
                then 'final_three_public:amount:' || claims.measure
        end as target_key
    from {{ ref('stg_claims') }} as claims
    join documents using (document_id)
    where documents.phase = '决算'
)

select
    claims.*,
    case
        when claims.amount is not null
            then {{ half_unit('claims.amount', 'claims.decimals', amount_scale('claims.unit')) }}
        when claims.unit = '%'
            then {{ half_unit('claims.value', 'claims.decimals', 'cast(1 as decimal(10, 4))') }}
        else cast(0 as decimal(24, 10))
    end                                                                 as half_unit,
    case when documents.phase = '决算' then final_keys.target_key else
    case claims.kind
        when 'total_revenue' then 'total_revenue:total'
        when 'total_expenditure' then 'total_expenditure:total'
        when 'revenue_by_source' then 'revenue_by_source:' || claims.measure
        when 'expenditure_by_kind' then 'expenditure_by_kind:' || claims.measure
        when 'general_budget_total' then 'general_budget_total:total'
        when 'gov_fund_total' then 'gov_fund_total:total'
        when 'subject_amount' then
            case when claims.section like '%政府性基金%' then 'gov_fund_subject_amount:' else 'subject_amount:' end
            || claims.subject_code
        when 'basic_total' then 'basic_total:basic'
        when 'basic_part' then 'basic_part:' || claims.measure
        when 'three_public' then 'three_public:' || claims.measure
        when 'operating_funds' then 'operating_funds:total'
        when 'project_total' then
            case when claims.sentence like '%财政拨款%' then 'project_expenditure:fiscal'
                 else 'project_expenditure:all' end
    end end                                                             as target_key,
    -- "line 393 «某部门收入预算为» (c008)": stable, no amounts in it
    'line ' || claims.source_line || ' «' || coalesce(nullif(trim(claims.label), ''), claims.kind) || '» ('
        || claims.claim_id || ')'                                       as claim_location
from {{ ref('stg_claims') }} as claims
join documents using (document_id)
left join final_keys using (document_id, claim_id)
where documents.phase = '预算' or final_keys.target_key is not null
