-- Budget units per document: the roster (部门概况) joined with the units printed
-- in the unit tables (收入预算总表, 支出预算总表) by unit_code. Roster units
-- without a code keep unit_code NULL and are keyed by name.
with table_unit_names as (
    select
        document_id,
        unit_code,
        unit_name,
        count(distinct table_id || ':' || row_index) as n_rows
    from {{ ref('stg_cells') }}
    where unit_code is not null
      and table_kind in ('revenue_by_unit', 'expenditure_by_unit')
    group by document_id, unit_code, unit_name
),

table_units as (
    select document_id, unit_code, unit_name as table_unit_name
    from (
        select
            *,
            row_number() over (
                partition by document_id, unit_code
                order by (unit_name is null), n_rows desc, unit_name
            ) as rank_in_unit
        from table_unit_names
    )
    where rank_in_unit = 1
),

roster as (
    select * from {{ ref('stg_roster') }}
)

select
    coalesce(roster.document_id, table_units.document_id)   as document_id,
    coalesce(roster.unit_code, table_units.unit_code)       as unit_code,
    coalesce(roster.unit_name, table_units.table_unit_name) as unit_name,
    table_units.table_unit_name,
    roster.funding_nature,
    roster.staffing_quota,
    roster.staffing_quota_printed,
    roster.staff_count,
    roster.staff_count_printed,
    roster.source_line                                      as roster_source_line,
    roster.document_id is not null                          as in_roster,
    table_units.document_id is not null                     as in_tables
from roster
full outer join table_units
    on table_units.document_id = roster.document_id
   and table_units.unit_code = roster.unit_code
