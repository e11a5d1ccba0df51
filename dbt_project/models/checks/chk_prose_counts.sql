-- pr_unit_count (WARN): the units 部门概况 states ("包括 1 个机关行政处（科）室及 3 个下属单位") against its
-- roster table: units listed ≤ 1 (the 机关) + the stated 下属单位. A bound, not an equality: the table
-- lists the units within the budget's scope ("列入部门预算编制范围的单位"), which may be fewer.
with claims as (
    select * from {{ ref('chk_input_claims') }}
    where kind = 'unit_count' and measure = 'subordinate_units' and value is not null
),

roster as (
    select document_id, count(*) as units, min(source_line) as first_line, max(source_line) as last_line
    from {{ ref('stg_roster') }}
    group by document_id
),

counts as (
    select
        'pr_unit_count' as rule_id, c.document_id, 'roster' as table_kind, cast(null as varchar) as table_id,
        c.claim_location as location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
        [c.source_line, r.first_line, r.last_line] as source_lines,
        'units listed in the roster table (lines ' || r.first_line || '-' || r.last_line || ')' as left_label,
        cast(r.units as decimal(20, 6)) as left_value,
        '1 机关 + stated «' || c.printed || ' 个下属单位»' as right_label,
        cast(1 + c.value as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'le' as comparison, cast(null as varchar) as base_note
    from claims as c
    join roster as r using (document_id)
)

{{ dq_finish('counts') }}
