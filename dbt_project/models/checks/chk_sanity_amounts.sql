-- Sanity of amounts (WARN):
--   sn_negative_amount       no printed amount is negative (every valued table cell, prose amount,
--                            listed project and 绩效目标表 funding line; left = the amount, right = 0)
--   sn_decrease_over_100pct  a stated year-on-year decrease ("比上年减少 185.8%") cannot exceed 100%
--   sn_unit_slip             a prose amount that matches no table value as stated but matches one
--                            after ×10000 or ÷10000 (万元 written for 元 or the reverse)
with cells as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }} where amount is not null
),

claims as (
    select * from {{ ref('chk_input_claims') }}
),

negative as (
    select 'sn_negative_amount' as rule_id, document_id, table_kind, table_id, cell_location as location,
           unit_code, code, [source_line] as source_lines,
           'printed ' || printed || ' (' || amount_unit || ')' as left_label, amount as left_value,
           'lower bound' as right_label, cast(0 as decimal(20, 6)) as right_value,
           cast(0 as decimal(24, 10)) as tolerance, 'ge' as comparison, cast(null as varchar) as base_note
    from cells
    union all
    select 'sn_negative_amount', document_id, 'claims', null, claim_location, null, subject_code, [source_line],
           'prose ' || printed || ' ' || unit, amount, 'lower bound', 0, 0, 'ge', null
    from claims where amount is not null
    union all
    select 'sn_negative_amount', document_id, 'projects', perf_id, 'project ' || project_seq || ' ' || project_name,
           null, null, [source_line], 'listed ' || printed || ' 万元', amount, 'lower bound', 0, 0, 'ge', null
    from {{ ref('stg_projects') }} where amount is not null
    union all
    select 'sn_negative_amount', document_id, 'performance_table', perf_id,
           perf_id || ' ' || period || ' ' || source || ' (line ' || source_line || ')',
           null, null, [source_line], 'printed ' || printed || ' 万元', amount, 'lower bound', 0, 0, 'ge', null
    from {{ ref('stg_perf_funding') }} where amount is not null
),

decrease as (
    select 'sn_decrease_over_100pct' as rule_id, document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
           claim_location as location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           [source_line] as source_lines,
           'stated decrease «' || coalesce(label, '') || '» ' || printed || '%' as left_label,
           value as left_value,
           'upper bound of a decrease (100%)' as right_label,
           cast(100 as decimal(20, 6)) as right_value,
           cast(0 as decimal(24, 10)) as tolerance,
           'le' as comparison,
           case when value > 100 then 'a decrease of more than 100% is impossible (the prior-year amount would be negative)' end
               as base_note
    from claims
    where kind = 'yoy_change_pct' and direction = 'decrease'
),

-- unit slips --------------------------------------------------------------------
candidates as (
    -- every nonzero table value, and the derived values the prose restates
    select document_id, amount as value, half_unit, table_id || ' ' || row_label || ' [' || coalesce(column_label, '') || ']' as label
    from cells where amount <> 0
    union all
    select document_id, value, tolerance, label
    from {{ ref('chk_input_target_values') }} where value <> 0
),

slip_claims as (
    select * from claims
    where amount is not null and amount <> 0 and unit in ('万元', '元', '亿元')
      and kind not like 'yoy_%'
      and kind <> 'overview_amount'  -- the department's work (投资 34.04 亿元), not a budget amount
),

-- Ties (equal distance) are broken by label and value, so every build picks the same match.
matches as (
    select
        c.document_id, c.claim_id,
        arg_min(v.value, (abs(v.value - c.amount), v.label, v.value))
            filter (where abs(v.value - c.amount) <= v.half_unit + c.half_unit)                     as direct_value,
        arg_min(v.label, (abs(v.value - c.amount), v.label, v.value))
            filter (where abs(v.value - c.amount) <= v.half_unit + c.half_unit)                     as direct_label,
        arg_min(v.value, (abs(v.value - c.amount * 10000), v.label, v.value))
            filter (where abs(v.value - c.amount * 10000) <= v.half_unit + c.half_unit * 10000)     as times_value,
        arg_min(v.label, (abs(v.value - c.amount * 10000), v.label, v.value))
            filter (where abs(v.value - c.amount * 10000) <= v.half_unit + c.half_unit * 10000)     as times_label,
        arg_min(v.value, (abs(v.value - c.amount * cast(0.0001 as decimal(10, 4))), v.label, v.value))
            filter (where abs(v.value - c.amount * cast(0.0001 as decimal(10, 4)))
                          <= v.half_unit + c.half_unit * cast(0.0001 as decimal(10, 4)))            as divided_value,
        arg_min(v.label, (abs(v.value - c.amount * cast(0.0001 as decimal(10, 4))), v.label, v.value))
            filter (where abs(v.value - c.amount * cast(0.0001 as decimal(10, 4)))
                          <= v.half_unit + c.half_unit * cast(0.0001 as decimal(10, 4)))            as divided_label
    from slip_claims as c
    join candidates as v on v.document_id = c.document_id
    -- only the pairs some aggregate keeps (a third less time than filtering in each aggregate)
    where abs(v.value - c.amount) <= v.half_unit + c.half_unit
       or abs(v.value - c.amount * 10000) <= v.half_unit + c.half_unit * 10000
       or abs(v.value - c.amount * cast(0.0001 as decimal(10, 4)))
          <= v.half_unit + c.half_unit * cast(0.0001 as decimal(10, 4))
    group by c.document_id, c.claim_id
),

slips as (
    select
        'sn_unit_slip' as rule_id, c.document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
        c.claim_location as location, cast(null as varchar) as unit_code, c.subject_code as code,
        [c.source_line] as source_lines,
        'prose «' || coalesce(c.label, '') || '» ' || c.printed || ' ' || c.unit as left_label,
        c.amount as left_value,
        case
            when m.direct_value is not null then 'matching table value ' || m.direct_label
            when m.times_value is not null then 'table value ' || m.times_label || ' = the stated amount ×10000'
            when m.divided_value is not null then 'table value ' || m.divided_label || ' = the stated amount ÷10000'
            else 'no table value matches'
        end as right_label,
        coalesce(m.direct_value, m.times_value, m.divided_value) as right_value,
        c.half_unit as tolerance,
        'eq' as comparison,
        case when m.direct_value is null and coalesce(m.times_value, m.divided_value) is not null
             then 'the amount matches a table value only after a unit change (万元 ↔ 元)' end as base_note,
        m.direct_value is null and coalesce(m.times_value, m.divided_value) is not null as is_slip
    from slip_claims as c
    left join matches as m on m.document_id = c.document_id and m.claim_id = c.claim_id
),

bounded as (
    select *, case
                  when comparison = 'le' then case when left_value > right_value then 'fail' else 'pass' end
                  when left_value < right_value then 'fail'
                  else 'pass'
              end as explicit_status
    from (select * from negative union all select * from decrease)
)

select * from ({{ dq_finish('bounded', status='finishing.explicit_status') }})
union all
select * from ({{ dq_finish('slips', status="case when finishing.is_slip then 'fail' else 'pass' end") }})
