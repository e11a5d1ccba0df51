-- The budget units (预算单位) listed in 部门概况, one row per listed unit.
select
    cast(document_id as varchar)                 as document_id,
    cast(source_line as integer)                 as source_line,
    cast(unit_name as varchar)                   as unit_name,
    cast(funding_nature as varchar)              as funding_nature,
    cast(staffing_quota_printed as varchar)      as staffing_quota_printed,
    cast(staffing_quota as decimal(20, 6))       as staffing_quota,
    cast(staff_count_printed as varchar)         as staff_count_printed,
    cast(staff_count as decimal(20, 6))          as staff_count,
    nullif(trim(cast(unit_code as varchar)), '') as unit_code
from {{ staging_parquet('roster') }}
