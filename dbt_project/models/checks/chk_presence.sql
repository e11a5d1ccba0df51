-- Presence (WARN): what a complete disclosure prints.
--   pp_table_<kind>            each standard table of the document's template family (seed
--                              table_template) is present; a table printed as
--                              "无" is present (left = tables of that kind found, right = 1 required)
--   pp_project_perf_table      each listed project has its 绩效目标表
--   pp_unit_roster_vs_tables   each budget unit is both in the 部门概况 unit list (roster) and in the
--                              unit tables (收入预算总表 / 支出预算总表)
with documents as (
    select document_id, template from {{ ref('stg_documents') }}
),

-- The standard tables each template family prints (the catalogue seed): a table a
-- template does not print is never required of its documents.
kinds as (
    select family, kind as table_kind, table_name, table_no as template_number
    from {{ ref('table_template') }}
    where kind is not null and table_no is not null
),

tables as (
    select document_id, table_kind,
           count(*)                                         as n_tables,
           min(table_id)                                    as table_id,
           list_sort(list(title_line))                      as lines,
           bool_and(coalesce(is_empty, false))              as all_empty
    from {{ ref('stg_tables') }}
    group by document_id, table_kind
),

table_presence as (
    select
        'pp_table_' || kinds.table_kind                                  as rule_id,
        documents.document_id,
        kinds.table_kind,
        tables.table_id,
        kinds.template_number || ' ' || kinds.table_name                 as location,
        cast(null as varchar)                                            as unit_code,
        cast(null as varchar)                                            as code,
        coalesce(tables.lines, [])                                       as source_lines,
        'tables of kind ' || kinds.table_kind || ' (' || kinds.table_name || ') found'  as left_label,
        cast(coalesce(tables.n_tables, 0) as decimal(20, 6))             as left_value,
        'required'                                                       as right_label,
        cast(1 as decimal(20, 6))                                        as right_value,
        cast(0 as decimal(24, 10))                                       as tolerance,
        'ge'                                                             as comparison,
        case when tables.all_empty then 'printed as 无 (present, no rows)'
             when tables.n_tables is null then 'table absent from the document' end as base_note
    from documents
    join kinds
        on kinds.family = documents.template
    left join tables
        on tables.document_id = documents.document_id
       and tables.table_kind = kinds.table_kind
),

projects as (
    select * from {{ ref('stg_projects') }}
),

project_presence as (
    select
        'pp_project_perf_table'                                          as rule_id,
        document_id,
        'performance_table'                                              as table_kind,
        perf_id                                                          as table_id,
        'project ' || project_seq || ' ' || project_name                 as location,
        cast(null as varchar)                                            as unit_code,
        cast(null as varchar)                                            as code,
        [source_line]                                                    as source_lines,
        '绩效目标表 found for «' || project_name || '»'                   as left_label,
        cast(case when perf_id is not null then 1 else 0 end as decimal(20, 6)) as left_value,
        'required'                                                       as right_label,
        cast(1 as decimal(20, 6))                                        as right_value,
        cast(0 as decimal(24, 10))                                       as tolerance,
        'ge'                                                             as comparison,
        case when perf_id is null then 'no 绩效目标表 linked to this listed project' end as base_note
    from projects
),

roster as (
    select document_id,
           coalesce(unit_code, unit_name)                                as unit_key,
           any_value(unit_code)                                          as unit_code,
           any_value(unit_name)                                          as unit_name,
           min(source_line)                                              as source_line
    from {{ ref('stg_roster') }}
    group by document_id, coalesce(unit_code, unit_name)
),

table_units as (
    select document_id, unit_code,
           any_value(unit_name)                                          as unit_name,
           min(source_line)                                              as source_line,
           min(table_id)                                                 as table_id,
           any_value(table_kind)                                         as table_kind
    from {{ ref('stg_cells') }}
    where unit_code is not null and table_kind in ('revenue_by_unit', 'expenditure_by_unit')
    group by document_id, unit_code
),

documents_with_roster as (
    select distinct document_id from roster
),

documents_with_unit_tables as (
    select distinct document_id from table_units
),

unit_presence as (
    select
        'pp_unit_roster_vs_tables'                                       as rule_id,
        coalesce(r.document_id, t.document_id)                           as document_id,
        coalesce(t.table_kind, 'roster')                                 as table_kind,
        t.table_id,
        'unit ' || coalesce(r.unit_key, t.unit_code)                     as location,
        coalesce(r.unit_code, t.unit_code)                               as unit_code,
        cast(null as varchar)                                            as code,
        list_filter([r.source_line, t.source_line], lambda x: x is not null)  as source_lines,
        'listed in 部门概况 (预算单位构成): ' || coalesce(r.unit_name, '—')   as left_label,
        cast(case when r.document_id is not null then 1 else 0 end as decimal(20, 6)) as left_value,
        'printed in 收入/支出预算总表: ' || coalesce(t.unit_code || ' ' || coalesce(t.unit_name, ''), '—') as right_label,
        cast(case when t.document_id is not null then 1 else 0 end as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10))                                       as tolerance,
        'eq'                                                             as comparison,
        case when r.document_id is null then 'unit printed in the tables but not in the unit list'
             when t.document_id is null then 'unit listed but printed in no unit table (or not linked by name)'
        end                                                              as base_note
    from roster as r
    full outer join table_units as t
        on t.document_id = r.document_id
       and t.unit_code = r.unit_code
    -- only documents that print both a unit list and unit tables
    where coalesce(r.document_id, t.document_id) in (select document_id from documents_with_roster)
      and coalesce(r.document_id, t.document_id) in (select document_id from documents_with_unit_tables)
),

all_presence as (
    select * from table_presence
    union all
    select * from project_presence
    union all
    select * from unit_presence
)

{{ dq_finish('all_presence') }}
