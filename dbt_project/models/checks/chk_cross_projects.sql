-- Listed projects and special funds against the tables:
--   pr_unit_projects_vs_tables  (ERROR) for each 填报单位 of the listed projects' 绩效目标表: Σ its listed
--                               projects = table 3 项目支出 of that unit (Σ its detail rows). Only in
--                               documents where every listed project's 绩效目标表 names a unit of table 3.
--   xt_special_funds_listed     (WARN) table 1 prints 部门专项资金 > 0 ⇒ table 10 (部门专项资金管理清单)
--                               lists at least one item; instantiated when table 10 is printed (无 included)
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
),

t3_units as (
    select document_id, unit_code, any_value(unit_name) as unit_name
    from c
    where table_kind = 'expenditure_by_unit' and unit_code is not null and unit_name is not null
    group by document_id, unit_code
),

projects as (
    select p.*, t.filled_by,
           {{ half_unit('p.amount', 'p.decimals', 'cast(1 as decimal(10, 4))') }} as half_unit
    from {{ ref('stg_projects') }} as p
    left join {{ ref('stg_perf_tables') }} as t using (document_id, perf_id)
),

assigned as (
    select p.*, u.unit_code, u.unit_name
    from projects as p
    left join t3_units as u
        on u.document_id = p.document_id
       and {{ normalised_name('u.unit_name') }} = {{ normalised_name('p.filled_by') }}
),

complete_documents as (
    -- every listed project assigned to exactly one unit of table 3
    select document_id
    from assigned
    group by document_id
    having count(*) filter (where unit_code is null) = 0
       and count(*) = count(distinct project_seq)
),

unit_terms as (
    select 'pr_unit_projects_vs_tables' as rule_id, a.document_id, 'projects' as table_kind, cast(null as varchar) as table_id,
           'unit ' || a.unit_code || ' ' || a.unit_name as location, a.unit_code, cast(null as varchar) as code,
           'Σ listed projects of 填报单位 ' || a.unit_name as left_label,
           't03 项目支出 of unit ' || a.unit_code as right_label,
           'eq' as comparison, cast(null as varchar) as note,
           'L' as side, a.amount, a.half_unit, a.source_line
    from assigned as a
    join complete_documents using (document_id)
    union all
    select 'pr_unit_projects_vs_tables', c.document_id, 'projects', null,
           'unit ' || c.unit_code || ' ' || u.unit_name, c.unit_code, null, null, null, 'eq', null,
           'R', c.amount, c.half_unit, c.source_line
    from c
    join t3_units as u using (document_id, unit_code)
    join complete_documents using (document_id)
    where c.table_kind = 'expenditure_by_unit' and c.row_role = 'detail'
      and c.measure_group = 'kind' and c.measure = 'project'
      and exists (select 1 from assigned as a
                  where a.document_id = c.document_id and a.unit_code = c.unit_code)
),

special as (
    select document_id, table_id, amount, source_line, printed
    from c
    where table_kind = 'summary' and side = 'expenditure' and item_key = 'dept_special_funds' and amount > 0
),

listed as (
    select t.document_id, t.table_id, t.first_line,
           count(distinct c.row_index) filter (where c.amount is not null and c.row_role <> 'total') as items
    from {{ ref('stg_tables') }} as t
    left join c using (document_id, table_id)
    where t.table_kind = 'special_funds'
    group by t.document_id, t.table_id, t.first_line
),

special_listed as (
    select 'xt_special_funds_listed' as rule_id, s.document_id, 'special_funds' as table_kind, l.table_id,
           s.table_id || ' 部门专项资金 vs ' || l.table_id as location,
           cast(null as varchar) as unit_code, cast(null as varchar) as code,
           [s.source_line, l.first_line] as source_lines,
           'items listed in ' || l.table_id || ' (部门专项资金管理清单)' as left_label,
           cast(l.items as decimal(20, 6)) as left_value,
           'at least one: ' || s.table_id || ' prints 部门专项资金 ' || s.printed as right_label,
           cast(1 as decimal(20, 6)) as right_value,
           cast(0 as decimal(24, 10)) as tolerance, 'ge' as comparison, cast(null as varchar) as base_note
    from special as s
    join listed as l using (document_id)
)

select * from ({{ dq_instances_from_terms('unit_terms') }})
union all
select * from ({{ dq_finish('special_listed') }})
