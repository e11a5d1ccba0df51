-- 支出预算总表: one fact per unit × functional subject × column, the columns
-- split by expenditure kind (measure_group 'kind') and by funding source
-- (measure_group 'source'); measure 'total' = the 总计 columns.
select
    document_id,
    table_id,
    unit_code,
    unit_name,
    subject_code,
    subject_name,
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }}
where table_kind = 'expenditure_by_unit'
