-- Sanity of counts and targets (WARN):
--   sn_month_target     a 当年度 target in months (绩效标准 / 半年目标值 / 全年目标值 of an indicator
--                       printed in 个月, or whose content says (个月)) cannot exceed 12; the 实施期
--                       column (绩效目标值) is left out, a project may span several years
--   sn_headcount_whole  人员编制数 and 在职人数 of each budget unit are whole numbers
with indicators as (
    select * from {{ ref('stg_indicators') }}
    where number is not null
      and (number_unit = '个月'
           or (number_unit is null and regexp_matches(coalesce(content, ''), '[(（]\s*个?月\s*[)）]')))
      and value_column not like '%实施期%'
      and value_column <> '绩效目标值'
),

months as (
    select
        'sn_month_target' as rule_id, document_id, 'performance_table' as table_kind, perf_id as table_id,
        perf_id || ' row ' || row_index || ' «' || coalesce(content, '') || '» [' || value_column || ']' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [source_line] as source_lines,
        'target «' || printed || '» (' || value_column || ')'                       as left_label,
        number                                                                      as left_value,
        'months in a budget year'                                                   as right_label,
        cast(12 as decimal(20, 6))                                                  as right_value,
        cast(0 as decimal(24, 10))                                                  as tolerance,
        'le' as comparison,
        case when number > 12 then 'a current-year target of more than 12 months' end as base_note
    from indicators
),

roster as (
    select * from {{ ref('stg_roster') }}
),

headcounts as (
    select 'sn_headcount_whole' as rule_id, document_id, 'roster' as table_kind, cast(null as varchar) as table_id,
           'unit ' || unit_name || ' (line ' || source_line || ') [人员编制数]' as location, unit_code, cast(null as varchar) as code,
           [source_line] as source_lines,
           '人员编制数 printed «' || staffing_quota_printed || '»' as left_label,
           staffing_quota as left_value,
           'nearest whole number' as right_label, round(staffing_quota, 0) as right_value,
           cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison, cast(null as varchar) as base_note
    from roster where staffing_quota is not null
    union all
    select 'sn_headcount_whole', document_id, 'roster', null, 'unit ' || unit_name || ' (line ' || source_line || ') [在职人数]', unit_code, null,
           [source_line], '在职人数 printed «' || staff_count_printed || '»', staff_count,
           'nearest whole number', round(staff_count, 0), 0, 'eq', null
    from roster where staff_count is not null
)

select * from ({{ dq_finish('months', status="case when finishing.left_value > finishing.right_value then 'fail' else 'pass' end") }})
union all
select * from ({{ dq_finish('headcounts') }})
