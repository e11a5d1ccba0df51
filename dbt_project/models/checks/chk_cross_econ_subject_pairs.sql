-- xt_econ_subject_pairs (WARN): an economic 款 of table 8 (基本支出 by economic class) that is, by
-- definition, the basic expenditure of given functional 项 (seed_econ_subject_pairs, data: 30110
-- 职工基本医疗保险缴费 = 2101101 行政单位医疗 + 2101102 事业单位医疗, 30108 = 2080505, 30113 = 2210201 …)
-- equals the 基本支出 of those 项 in table 5. Instantiated when table 8 prints the 款 and table 5
-- prints at least one of its 项 (a 项 not printed is 0).
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    where row_role <> 'total'
),

pairs as (
    select * from {{ ref('seed_econ_subject_pairs') }}
),

sides as (
    select 'xt_econ_subject_pairs' as rule_id, document_id, '款 ' || code as location, 'L' as side,
           table_id, table_kind, cast(null as varchar) as unit_code, code,
           amount, half_unit, source_line, code || ' ' || coalesce(econ_name, '') as label
    from c
    where table_kind = 'basic_economic_class' and measure = 'total'
      and code in (select econ_code from pairs)
    union all
    select 'xt_econ_subject_pairs', c.document_id, '款 ' || p.econ_code, 'R',
           c.table_id, c.table_kind, null, p.econ_code,
           c.amount, c.half_unit, c.source_line, c.code || ' ' || coalesce(c.subject_name, '') || ' 基本支出'
    from c
    join pairs as p on p.subject_code = c.code
    where c.table_kind = 'general_budget_by_subject' and c.measure = 'basic'
)

{{ dq_instances_from_terms(dq_pair_terms('sides')) }}
