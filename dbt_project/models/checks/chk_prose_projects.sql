-- The prose project list ("4、对外交流活动专项 60 万元"), its stated total ("共涉及财政拨款资金
-- N 万元"), its count, the 绩效目标表 and the tables' 项目支出:
--   pr_project_total_vs_tables  stated total vs the tables' 项目支出: table 4's (财政拨款) 项目支出
--                               when the sentence says 财政拨款 (else tables 5 + 6 合计 项目支出),
--                               otherwise table 1's 项目支出 lines (else table 3 合计 项目支出)
--   pr_project_total_vs_list    stated total vs Σ listed projects
--   pr_project_list_vs_tables   Σ listed projects vs table 1 项目支出 (Σ its project lines; else
--                               table 3 合计 项目支出), all funding sources
--   pr_project_list_vs_fiscal   Σ listed projects vs table 4 项目支出 (财政拨款), when the prose
--                               presents the list as 财政拨款 (its stated total says 财政拨款)
--   pr_project_amount_vs_perf   each listed project's amount vs its 绩效目标表's 当年度 资金总额
--                               (实施期 资金总额 when the table prints no 当年度 column)
--   pr_project_count            stated number of projects (共设置 13 个项目绩效目标) vs the number listed
with claims as (
    select * from {{ ref('chk_input_claims') }}
),

projects as (
    select
        p.*,
        {{ half_unit('p.amount', 'p.decimals', 'cast(1 as decimal(10, 4))') }} as half_unit
    from {{ ref('stg_projects') }} as p
),

project_documents as (
    select document_id, count(*) as n_projects, min(source_line) as first_line, max(source_line) as last_line
    from projects
    group by document_id
),

targets as (
    select * from {{ ref('chk_input_target_terms') }}
    qualify pref = min(pref) over (partition by document_id, target_key)
),

project_totals as (
    select * from claims where kind = 'project_total' and amount is not null
),

fiscal_list_documents as (
    select distinct document_id from project_totals where sentence like '%财政拨款%'
),

perf_funding as (
    select
        f.*,
        {{ half_unit('f.amount', 'f.decimals', 'cast(1 as decimal(10, 4))') }} as half_unit,
        -- 当年度 first; 实施期 only when the table has no 当年度 资金总额 line
        min(case f.period when 'current_year' then 1 else 2 end)
            over (partition by f.document_id, f.perf_id)                        as best_period
    from {{ ref('stg_perf_funding') }} as f
    where f.source = 'total'
),

list_terms as (
    select document_id, 'L' as side, cast(null as varchar) as table_id, cast(null as varchar) as table_kind,
           amount, half_unit, source_line, 'Σ listed projects' as label
    from projects
),

sides as (
    -- stated total vs tables
    select 'pr_project_total_vs_tables' as rule_id, document_id, claim_location as location, 'L' as side,
           cast(null as varchar) as table_id, cast(null as varchar) as table_kind,
           cast(null as varchar) as unit_code, cast(null as varchar) as code,
           amount, half_unit, source_line,
           'prose «' || coalesce(label, '') || '» ' || printed || ' ' || unit as label
    from project_totals
    union all
    select 'pr_project_total_vs_tables', c.document_id, c.claim_location, 'R', t.table_id, t.table_kind, null, null,
           t.amount, t.half_unit, t.source_line, t.term_label
    from project_totals as c
    join targets as t on t.document_id = c.document_id and t.target_key = c.target_key

    -- stated total vs the list
    union all
    select 'pr_project_total_vs_list', document_id, claim_location, 'L', null, null, null, null,
           amount, half_unit, source_line,
           'prose «' || coalesce(label, '') || '» ' || printed || ' ' || unit
    from project_totals
    where document_id in (select document_id from project_documents)
    union all
    select 'pr_project_total_vs_list', c.document_id, c.claim_location, 'R', null, null, null, null,
           p.amount, p.half_unit, p.source_line, 'Σ listed projects'
    from project_totals as c
    join projects as p on p.document_id = c.document_id

    -- the list vs the tables (all funding)
    union all
    select 'pr_project_list_vs_tables', document_id, 'listed projects vs 项目支出', side, table_id, table_kind, null, null,
           amount, half_unit, source_line, label
    from list_terms
    union all
    select 'pr_project_list_vs_tables', t.document_id, 'listed projects vs 项目支出', 'R', t.table_id, t.table_kind,
           null, null, t.amount, t.half_unit, t.source_line, t.term_label
    from targets as t
    where t.target_key = 'project_expenditure:all'
      and t.document_id in (select document_id from project_documents)

    -- the list vs table 4 (财政拨款), when the prose calls the list 财政拨款
    union all
    select 'pr_project_list_vs_fiscal', document_id, 'listed projects vs 财政拨款 项目支出', side, table_id, table_kind,
           null, null, amount, half_unit, source_line, label
    from list_terms
    where document_id in (select document_id from fiscal_list_documents)
    union all
    select 'pr_project_list_vs_fiscal', t.document_id, 'listed projects vs 财政拨款 项目支出', 'R', t.table_id,
           t.table_kind, null, null, t.amount, t.half_unit, t.source_line, t.term_label
    from targets as t
    where t.target_key = 'project_expenditure:fiscal'
      and t.document_id in (select document_id from project_documents)
      and t.document_id in (select document_id from fiscal_list_documents)

    -- each project vs its 绩效目标表
    union all
    select 'pr_project_amount_vs_perf', document_id, 'project ' || project_seq || ' ' || project_name, 'L',
           null, null, null, null, amount, half_unit, source_line,
           'listed «' || project_name || '» ' || printed || ' 万元'
    from projects
    where perf_id is not null
    union all
    select 'pr_project_amount_vs_perf', p.document_id, 'project ' || p.project_seq || ' ' || p.project_name, 'R',
           p.perf_id, 'performance_table', null, null, f.amount, f.half_unit, f.source_line,
           case f.period when 'current_year' then '当年度' else '实施期' end || ' ' || f.label
    from projects as p
    join perf_funding as f
        on f.document_id = p.document_id
       and f.perf_id = p.perf_id
       and case f.period when 'current_year' then 1 else 2 end = f.best_period
)

select * from ({{ dq_instances_from_terms(dq_pair_terms('sides', one_sided_rules=[
    'pr_project_total_vs_tables', 'pr_project_list_vs_tables', 'pr_project_list_vs_fiscal'])) }})

union all

-- pr_project_count: a count, compared exactly
{%- set counts -%}
(
    select
        'pr_project_count'                                                   as rule_id,
        c.document_id,
        'claims'                                                             as table_kind,
        cast(null as varchar)                                                as table_id,
        c.claim_location                                                     as location,
        cast(null as varchar)                                                as unit_code,
        cast(null as varchar)                                                as code,
        [c.source_line, d.first_line, d.last_line]                           as source_lines,
        'prose «' || coalesce(c.label, '') || '» ' || c.printed || ' 个'      as left_label,
        cast(c.value as decimal(20, 6))                                      as left_value,
        'number of listed projects'                                          as right_label,
        cast(d.n_projects as decimal(20, 6))                                 as right_value,
        cast(0 as decimal(24, 10))                                           as tolerance,
        'eq'                                                                 as comparison,
        cast(null as varchar)                                                as base_note
    from claims as c
    join project_documents as d on d.document_id = c.document_id
    where c.kind = 'project_count'
) as counts
{%- endset %}
{{ dq_finish(counts) }}
