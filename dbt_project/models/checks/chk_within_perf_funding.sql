-- wt_perf_funding_parts: in each 绩效目标表 (performance target table), for each period printed
-- (实施期 implementation, 当年度 current year): 资金总额 = 一般公共预算拨款 + 基金预算拨款 + 其他
-- (only where the period prints the breakdown: at least two source lines, blank ones included).
with funding as (
    select
        f.*,
        {{ half_unit('f.amount', 'f.decimals', 'cast(1 as decimal(10, 4))') }} as half_unit
    from {{ ref('stg_perf_funding') }} as f
),

periods as (
    -- a period printing its 资金总额 line and the breakdown (at least two source lines:
    -- a lone "其中：…" line is a partial breakdown, not the identity)
    select document_id, perf_id, period
    from funding
    group by document_id, perf_id, period
    having bool_or(source = 'total') and count(distinct source) filter (where source <> 'total') >= 2
),

terms as (
    select
        'wt_perf_funding_parts' as rule_id, f.document_id, 'performance_table' as table_kind, f.perf_id as table_id,
        f.perf_id || ' ' || case f.period when 'current_year' then '当年度' else '实施期' end || ' 资金总额' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code,
        'printed 资金总额 (' || case f.period when 'current_year' then '当年度' else '实施期' end || ')' as left_label,
        'Σ 一般公共预算拨款 + 基金预算拨款 + 其他' as right_label,
        'eq' as comparison, cast(null as varchar) as note,
        case when f.source = 'total' then 'L' else 'R' end as side,
        f.amount, f.half_unit, f.source_line
    from funding as f
    join periods using (document_id, perf_id, period)
    -- one line per source (the first, when a line is printed twice)
    qualify row_number() over (partition by f.document_id, f.perf_id, f.period, f.source order by f.source_line) = 1
)

{{ dq_instances_from_terms('terms') }}
