-- The targets of a 绩效目标表 (performance target table) against its own header (WARN):
--   wt_perf_cost_vs_funding   Σ 成本目标 indicators stated in 万元 (项目经费 40万, 投资额（万） 1155.5 …)
--                             = 资金总额: the 实施期 column (绩效目标值 / 实施期目标值) against 实施期,
--                             全年目标值 against 当年度
--   wt_perf_period_months     a 时效目标 in months, 实施期 column = the months of 项目起止时间
--                             ("2018年11月-2019年6月" → 8; stg_perf_tables.period_months)
--   wt_perf_detail_items      Σ the amounts of 细化项目目标 sub-items ("1、…65万；2、…20万") = 资金总额
--                             (columns as for the cost targets)
--   wt_perf_document_count    "…、…等N份文件": N = the documents listed before it (separated by 、)
-- Only instantiated where both sides are printed.
with indicators as (
    select
        i.*,
        case when i.value_column in ('绩效目标值', '实施期目标值') or i.value_column like '%实施期%' then 'implementation'
             when i.value_column like '%全年%' then 'current_year' end                        as period,
        {{ half_unit('i.number', "length(coalesce(regexp_extract(i.printed, '\\.(\\d+)', 1), ''))",
                     'cast(1 as decimal(10, 4))') }}                                           as half_unit
    from {{ ref('stg_indicators') }} as i
),

funding as (
    select
        document_id, perf_id, period, amount, source_line,
        {{ half_unit('amount', 'decimals', 'cast(1 as decimal(10, 4))') }} as half_unit
    from {{ ref('stg_perf_funding') }}
    where source = 'total' and amount is not null
    qualify row_number() over (partition by document_id, perf_id, period order by source_line) = 1
),

period_names as (
    select * from (values ('implementation', '实施期'), ('current_year', '当年度')) as t(period, period_name)
),

-- cost targets in 万元 ---------------------------------------------------------------
costs as (
    select * from indicators
    where period is not null and number is not null
      and level2 like '%成本%'
      and not regexp_matches(coalesce(content, ''), '率|比例|增长|节约|降低')
      and (number_unit in ('万', '万元')
           or (number_unit is null and regexp_matches(coalesce(content, ''), '[(（]\s*万元?\s*[)）]')))
),

cost_terms as (
    select 'wt_perf_cost_vs_funding' as rule_id, c.document_id, 'performance_table' as table_kind, c.perf_id as table_id,
           c.perf_id || ' ' || n.period_name || ' 成本目标' as location,
           cast(null as varchar) as unit_code, cast(null as varchar) as code,
           'Σ 成本目标 [' || c.value_column || ']' as left_label, '资金总额 (' || n.period_name || ')' as right_label,
           'eq' as comparison, cast(null as varchar) as note,
           'L' as side, c.number as amount, c.half_unit, c.source_line
    from costs as c
    join period_names as n using (period)
    where exists (select 1 from funding as f
                  where f.document_id = c.document_id and f.perf_id = c.perf_id and f.period = c.period)
    union all
    select 'wt_perf_cost_vs_funding', f.document_id, 'performance_table', f.perf_id,
           f.perf_id || ' ' || n.period_name || ' 成本目标', null, null,
           null, null, 'eq', null, 'R', f.amount, f.half_unit, f.source_line
    from funding as f
    join period_names as n using (period)
    where exists (select 1 from costs as c
                  where c.document_id = f.document_id and c.perf_id = f.perf_id and c.period = f.period)
),

-- sub-items of 细化项目目标 ------------------------------------------------------------
details as (
    select *, regexp_extract_all(printed, '(\d+(?:\.\d+)?)\s*万', 1) as items
    from indicators
    where period is not null
      and content like '%细化%'
      -- an enumeration of at least two items, each with an amount in 万元
      and len(regexp_extract_all(printed, '(?:^|[；;，,。\s])\s*\d+\s*[、.．]')) >= 2
      and len(regexp_extract_all(printed, '(\d+(?:\.\d+)?)\s*万', 1)) >= 2
),

detail_terms as (
    select 'wt_perf_detail_items' as rule_id, d.document_id, 'performance_table' as table_kind, d.perf_id as table_id,
           d.perf_id || ' row ' || d.row_index || ' «' || coalesce(d.content, '') || '» [' || d.value_column || ']' as location,
           cast(null as varchar) as unit_code, cast(null as varchar) as code,
           'Σ ' || len(d.items) || ' sub-items [' || d.value_column || ']' as left_label,
           '资金总额 (' || n.period_name || ')' as right_label,
           'eq' as comparison, cast(null as varchar) as note,
           'L' as side, cast(item as decimal(20, 6)) as amount,
           {{ half_unit('cast(item as decimal(20, 6))', "length(coalesce(regexp_extract(item, '\\.(\\d+)', 1), ''))",
                        'cast(1 as decimal(10, 4))') }} as half_unit,
           d.source_line
    from details as d
    join period_names as n using (period)
    cross join unnest(d.items) as u(item)
    join funding as f on f.document_id = d.document_id and f.perf_id = d.perf_id and f.period = d.period
    union all
    select 'wt_perf_detail_items', d.document_id, 'performance_table', d.perf_id,
           d.perf_id || ' row ' || d.row_index || ' «' || coalesce(d.content, '') || '» [' || d.value_column || ']',
           null, null, null, null, 'eq', null, 'R', f.amount, f.half_unit, f.source_line
    from details as d
    join funding as f on f.document_id = d.document_id and f.perf_id = d.perf_id and f.period = d.period
),

-- months of the period -------------------------------------------------------------
months as (
    select
        'wt_perf_period_months' as rule_id, i.document_id, 'performance_table' as table_kind, i.perf_id as table_id,
        i.perf_id || ' row ' || i.row_index || ' «' || coalesce(i.content, '') || '» [' || i.value_column || ']' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [i.source_line] as source_lines,
        '时效目标 «' || i.printed || '» (' || i.value_column || ')'            as left_label,
        i.number                                                              as left_value,
        '项目起止时间 «' || t.period || '» in months'                         as right_label,
        cast(t.period_months as decimal(20, 6))                               as right_value,
        cast(0 as decimal(24, 10))                                            as tolerance,
        'eq' as comparison, cast(null as varchar) as base_note
    from indicators as i
    join {{ ref('stg_perf_tables') }} as t using (document_id, perf_id)
    where i.period = 'implementation' and i.number is not null and t.period_months is not null
      and i.level2 like '%时效%'
      and (i.number_unit = '个月'
           or (i.number_unit is null and regexp_matches(coalesce(i.content, ''), '[(（]\s*个?月\s*[)）]')))
),

-- 等N份文件 ---------------------------------------------------------------------------
documents as (
    select
        'wt_perf_document_count' as rule_id, document_id, 'performance_table' as table_kind, perf_id as table_id,
        perf_id || ' row ' || row_index || ' «' || coalesce(content, '') || '» [' || value_column || ']' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [source_line] as source_lines,
        'stated «等' || stated || '份文件»'                                     as left_label,
        cast(stated as decimal(20, 6))                                         as left_value,
        'documents listed before it'                                           as right_label,
        -- the list: after the last sentence break, items separated by 、
        cast(len(string_split(regexp_replace(listed, '^.*[：:，,。；;]', ''), '、')) as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10))                                             as tolerance,
        'eq' as comparison, cast(null as varchar) as base_note
    from (
        select *,
               cast(regexp_extract(printed, '等\s*(\d+)\s*(?:份|个|项)?文件', 1) as integer) as stated,
               regexp_extract(printed, '^(.*?)等\s*\d+\s*(?:份|个|项)?文件', 1)              as listed
        from indicators
        where regexp_matches(printed, '、[^、]*等\s*\d+\s*(?:份|个|项)?文件')
    ) as stated_lists
)

select * from ({{ dq_instances_from_terms('cost_terms') }})
union all
select * from ({{ dq_instances_from_terms('detail_terms') }})
union all
select * from ({{ dq_finish('months') }})
union all
select * from ({{ dq_finish('documents') }})
