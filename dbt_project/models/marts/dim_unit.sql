-- One row per document × budget unit (unit_key = unit_code, or 'name:<unit_name>'
-- for roster units that no table links to a code).
select
    document_id,
    coalesce(unit_code, 'name:' || unit_name) as unit_key,
    unit_code,
    unit_name,
    table_unit_name,
    funding_nature,
    staffing_quota,
    staffing_quota_printed,
    staff_count,
    staff_count_printed,
    roster_source_line,
    in_roster,
    in_tables
from {{ ref('int_units') }}
