-- Totals across the summary tables (1, 4) and the unit tables (2, 3), and table 4
-- against tables 5 + 6:
--   xt_summary_vs_revenue_unit              table 1 revenue line of each funding source and 收入总计
--                                           = table 2 合计 row, same source column
--   xt_summary_vs_expenditure_unit_source   the same against table 3's 合计 row 资金来源 columns
--   xt_summary_vs_expenditure_unit_kind     table 1 expenditure by kind (基本支出, its parts, 项目支出 =
--                                           Σ its top-level project lines, 支出总计) = table 3 合计 row
--   xt_fiscal_vs_summary_revenue            table 4 revenue line of each fiscal source = table 1's line
--   xt_fiscal_vs_subject_tables             table 4 支出总计 / 基本支出 / 项目支出 = table 5 合计 + table 6 合计
--   xt_fiscal_vs_expenditure_unit           table 4 expenditure by kind = table 3 restricted to the rows
--                                           funded entirely by 财政拨款 (一般公共预算 + 政府性基金 +
--                                           国有资本经营预算); by kind only when no row of table 3 is
--                                           funded partly by 财政拨款 (else the split is unknown);
--                                           支出总计 = table 3 合计 row 财政拨款 source columns
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
    -- a summary table's line amount only: its further columns split that amount by source
    where not (table_kind in ('summary', 'fiscal_summary') and measure_group = 'source')
),

-- keyed values of each table --------------------------------------------------
summary_revenue as (
    select document_id, table_kind, table_id,
           case when is_last_total then 'total' else item_key end as key,
           amount, half_unit, source_line, item_label as label
    from c
    where table_kind = 'summary' and side = 'revenue'
      and (is_last_total or (row_role <> 'total' and item_key in {{ funding_source_keys() }}))
    -- a source's own line, at the highest level it is printed (a template may group 1. 一般公共预算 …
    -- under 一、财政拨款收入)
    qualify row_number() over (
        partition by document_id, table_id, case when is_last_total then 'total' else item_key end
        order by item_level, row_index) = 1
),

fiscal_revenue as (
    select document_id, table_kind, table_id, item_key as key, amount, half_unit, source_line, item_label as label
    from c
    where table_kind = 'fiscal_summary' and side = 'revenue'
      and row_role <> 'total' and parent_row_key is null and item_key in {{ funding_source_keys() }}
),

{#- Tables 1 and 4 print their expenditure side alike: one CTE each, from one template. #}
{%- for prefix, table_kind in [('summary', 'summary'), ('fiscal', 'fiscal_summary')] %}
{{ prefix }}_expenditure as (
    select document_id, table_kind, table_id,
           case when is_last_total then 'total'
                when item_key in {{ project_item_keys() }} then 'project'
                else item_key end                                  as key,
           amount, half_unit, source_line, item_label as label
    from c
    where table_kind = '{{ table_kind }}' and side = 'expenditure'
      and (is_last_total
           or (row_role <> 'total' and item_key in ('basic', 'personnel', 'welfare', 'public', 'institution_subsidy'))
           or (row_role <> 'total' and parent_row_key is null and item_key in {{ project_item_keys() }}))
),
{% endfor %}
revenue_unit_total_row as (
    select document_id, table_kind, table_id, measure as key, amount, half_unit, source_line,
           '合计/' || column_label as label
    from c
    where table_kind = 'revenue_by_unit' and is_last_total and measure_group = 'source'
),

expenditure_unit_columns as (
    select document_id, table_id,
           bool_or(measure_group = 'kind' and measure = 'basic')                   as has_basic,
           bool_or(measure_group = 'kind' and measure in {{ basic_part_keys() }}) as has_basic_parts
    from c
    where table_kind = 'expenditure_by_unit'
    group by document_id, table_id
),

expenditure_unit_source as (
    select document_id, table_kind, table_id, measure as key, amount, half_unit, source_line,
           '合计/' || column_label as label
    from c
    where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'source'
),

expenditure_unit_kind as (
    select document_id, table_kind, table_id, measure as key, amount, half_unit, source_line,
           '合计/' || column_label as label
    from c
    where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'kind'
    union all
    -- 基本支出 = Σ its parts when table 3 prints no 基本支出 column
    select c.document_id, c.table_kind, c.table_id, 'basic', c.amount, c.half_unit, c.source_line,
           '合计/' || c.column_label
    from c
    join expenditure_unit_columns as cols using (document_id, table_id)
    where c.table_kind = 'expenditure_by_unit' and c.is_last_total and c.measure_group = 'kind'
      and c.measure in {{ basic_part_keys() }} and not cols.has_basic
),

-- table 3 rows and how they are funded
expenditure_unit_rows as (
    select
        document_id, table_id, row_key,
        sum(amount) filter (where measure_group = 'source' and measure = 'total')                    as source_total,
        sum(amount) filter (where measure_group = 'source' and measure in {{ fiscal_source_keys() }}) as fiscal,
        bool_or(measure_group = 'source' and measure = 'total')                                      as has_source_total
    from c
    where table_kind = 'expenditure_by_unit' and is_leaf
    group by document_id, table_id, row_key
),

expenditure_unit_funding as (
    select
        document_id,
        bool_or(has_source_total)                                                  as has_sources,
        bool_or(coalesce(fiscal, 0) <> 0 and coalesce(fiscal, 0) <> coalesce(source_total, 0)) as has_mixed_rows
    from expenditure_unit_rows
    group by document_id
),

expenditure_unit_fiscal as (
    -- 支出总计 of the fiscal part: 合计 row, 财政拨款 source columns
    select document_id, table_kind, table_id, 'total' as key, amount, half_unit, source_line,
           '合计/' || column_label as label
    from c
    where table_kind = 'expenditure_by_unit' and is_last_total and measure_group = 'source'
      and measure in {{ fiscal_source_keys() }}
    union all
    -- by kind: Σ over the rows funded entirely by 财政拨款
    select c.document_id, c.table_kind, c.table_id,
           case when c.measure in {{ basic_part_keys() }} and not cols.has_basic then 'basic' else c.measure end,
           c.amount, c.half_unit, c.source_line,
           'Σ ' || c.column_label || ' of the rows funded entirely by 财政拨款'
    from c
    join expenditure_unit_columns as cols using (document_id, table_id)
    join expenditure_unit_rows as r using (document_id, table_id, row_key)
    join expenditure_unit_funding as f using (document_id)
    where c.table_kind = 'expenditure_by_unit' and c.is_leaf and c.measure_group = 'kind'
      and c.measure <> 'total'
      and f.has_sources and not f.has_mixed_rows
      and coalesce(r.fiscal, 0) <> 0 and r.fiscal = r.source_total
    union all
    -- the parts themselves as well (personnel, welfare, …) when 基本支出 is derived
    select c.document_id, c.table_kind, c.table_id, c.measure,
           c.amount, c.half_unit, c.source_line,
           'Σ ' || c.column_label || ' of the rows funded entirely by 财政拨款'
    from c
    join expenditure_unit_columns as cols using (document_id, table_id)
    join expenditure_unit_rows as r using (document_id, table_id, row_key)
    join expenditure_unit_funding as f using (document_id)
    where c.table_kind = 'expenditure_by_unit' and c.is_leaf and c.measure_group = 'kind'
      and c.measure in {{ basic_part_keys() }} and not cols.has_basic
      and f.has_sources and not f.has_mixed_rows
      and coalesce(r.fiscal, 0) <> 0 and r.fiscal = r.source_total
),

subject_tables_total_row as (
    select document_id, table_kind, table_id, measure as key, amount, half_unit, source_line,
           '合计/' || column_label as label
    from c
    where table_kind in ('general_budget_by_subject', 'gov_fund_by_subject') and is_last_total
      and measure in ('total', 'basic', 'project')
),

documents_with_subject_table as (
    select distinct document_id from {{ ref('stg_tables') }} where table_kind = 'general_budget_by_subject'
),

documents_with_summary as (
    select distinct document_id from c where table_kind = 'summary'
),

-- the two sides of every rule ------------------------------------------------------
{%- set pairs = [
    ('xt_summary_vs_revenue_unit', 'revenue ', 'summary_revenue', 'true', 'revenue_unit_total_row', 'true'),
    ('xt_summary_vs_expenditure_unit_source', 'revenue ', 'summary_revenue', 'true', 'expenditure_unit_source', 'true'),
    ('xt_summary_vs_expenditure_unit_kind', 'expenditure ', 'summary_expenditure', 'true', 'expenditure_unit_kind',
        "key in ('total', 'basic', 'personnel', 'welfare', 'public', 'institution_subsidy', 'project')"),
    ('xt_fiscal_vs_summary_revenue', 'revenue ', 'fiscal_revenue', 'true', 'summary_revenue',
        'key in (select f.key from fiscal_revenue as f where f.document_id = x.document_id)'),
    ('xt_fiscal_vs_subject_tables', 'expenditure ', 'fiscal_expenditure', "key in ('total', 'basic', 'project')",
        'subject_tables_total_row', 'document_id in (select document_id from documents_with_subject_table)'),
    ('xt_fiscal_vs_expenditure_unit', 'expenditure ', 'fiscal_expenditure', 'true', 'expenditure_unit_fiscal', 'true'),
] %}
sides as (
    {%- for rule, prefix, left, left_filter, right, right_filter in pairs %}
    {{ "union all" if not loop.first }}
    select '{{ rule }}' as rule_id, x.document_id, '{{ prefix }}' || x.key as location, 'L' as side,
           x.table_id, x.table_kind, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           x.amount, x.half_unit, x.source_line, x.label
    from {{ left }} as x where {{ left_filter }}
    union all
    select '{{ rule }}', x.document_id, '{{ prefix }}' || x.key, 'R',
           x.table_id, x.table_kind, null, null, x.amount, x.half_unit, x.source_line, x.label
    from {{ right }} as x where {{ right_filter }}
    {%- endfor %}
    union all
    -- a fiscal source missing from table 1 compares with 0 (placeholder term)
    select 'xt_fiscal_vs_summary_revenue', f.document_id, 'revenue ' || f.key, 'R',
           null, 'summary', null, null, null, null, null, '(line not printed)'
    from fiscal_revenue as f
    where f.document_id in (select document_id from documents_with_summary)
      and not exists (select 1 from summary_revenue as s where s.document_id = f.document_id and s.key = f.key)
)

{{ dq_instances_from_terms(dq_pair_terms('sides', one_sided_rules=['xt_fiscal_vs_summary_revenue'])) }}
