-- One row per project of the prose project list, with the header fields and the
-- funding lines of the 绩效目标表 that describes it (NULL when none was found).
select
    projects.document_id,
    projects.project_seq,
    projects.project_name,
    projects.amount,
    projects.printed,
    projects.decimals,
    projects.source_line,
    projects.perf_id,
    perf.title                         as perf_title,
    perf.heading                       as perf_heading,
    perf.project_name                  as perf_project_name,
    perf.filled_by,
    perf.owner,
    perf.phone,
    perf.period,
    perf.overall_goal,
    perf.first_line                    as perf_first_line,
    perf.last_line                     as perf_last_line,
    funding.current_year_total,
    funding.current_year_general_budget,
    funding.current_year_gov_fund,
    funding.current_year_other,
    funding.implementation_total,
    funding.implementation_general_budget,
    funding.implementation_gov_fund,
    funding.implementation_other
from {{ ref('stg_projects') }} as projects
left join {{ ref('stg_perf_tables') }} as perf
    on perf.document_id = projects.document_id
   and perf.perf_id = projects.perf_id
left join {{ ref('int_perf_funding_by_table') }} as funding
    on funding.document_id = projects.document_id
   and funding.perf_id = projects.perf_id
