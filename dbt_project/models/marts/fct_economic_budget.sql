-- 一般公共预算(基本)支出经济分类情况表 (economic_class, basic_economic_class): one
-- fact per economic 类 or 款 × column; 类 lines with 款 below are row_role 'subtotal'.
select
    document_id,
    table_id,
    table_kind,
    econ_code,
    econ_name,
    {{ cell_fact_columns() }}
from {{ ref('int_cell_facts') }}
where table_kind in ('economic_class', 'basic_economic_class')
