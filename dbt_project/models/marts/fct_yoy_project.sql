-- A department's years side by side, by project (项目, the prose project list), matched across
-- years by the name as printed (trimmed). A name listed twice in one document is one row with the
-- sum (entries says how many). One row per region × department × phase × year × project_name;
-- previous year = the same region + department + phase's document of year − 1; a project only the
-- previous year listed is kept with amount 0 (in_document false), a new one has previous_amount 0.
-- The year-over-year machinery is in macros/yoy.sql.
with {{ yoy_document_pairs() }},

facts as (
    select
        document_id,
        trim(project_name)  as project_name,
        min(project_seq)    as project_seq,
        count(*)            as entries,
        sum(amount)         as amount
    from {{ ref('fct_project') }}
    where nullif(trim(project_name), '') is not null and amount is not null
    group by document_id, trim(project_name)
),

{{ yoy_side_by_side(['project_name'], this_year_columns=['project_seq', 'entries']) }}

select
    {{ yoy_document_columns() }},
    project_name,
    project_seq,
    coalesce(entries, 0) as entries,
    amount,
    {{ yoy_comparison_columns() }}
from changes
