-- Row identities of the tables with part columns, for every row (合计 rows
-- included):
--   wt_row_kind_parts          总计 (kind total) = 基本支出 + 项目支出 when the table prints a
--                              基本支出 column, else 人员基本支出 + 个人福利性补助支出 + 公用支出
--                              + 对事业单位经常性补助 + 项目支出 (tables 3, 5, 6, 7, 8)
--   wt_row_basic_parts         基本支出 = its printed parts, when both are printed
--   wt_row_source_parts        资金来源 总计 = Σ funding-source columns (tables 2, 3, 10)
--   wt_row_kind_vs_source_total  table 3: 支出 总计 = 资金来源 总计
--
-- Each row's right-hand sides are summed once per (row, rule) (row_sides) and joined to the
-- left cells: no join of cell to cell and no 4 M-row table of terms at 10,000 documents (its full
-- build: 25.6 s and over 512 MB of DuckDB memory before, 9–12 s and under it now).
with c as (
    select document_id, table_id, table_kind, row_key, row_label, row_index, column_index, column_label,
           measure_group, measure, unit_code, code, amount, half_unit, source_line
    from {{ ref('chk_input_cells') }}
    where table_kind in ('revenue_by_unit', 'expenditure_by_unit', 'general_budget_by_subject',
                         'gov_fund_by_subject', 'economic_class', 'basic_economic_class', 'special_funds')
      and measure_group in ('kind', 'source')
),

table_columns as (
    select
        document_id,
        table_id,
        bool_or(measure_group = 'kind' and measure = 'basic')                          as has_basic,
        bool_or(measure_group = 'kind' and measure in {{ basic_part_keys() }})        as has_basic_parts,
        bool_or(measure_group = 'kind' and measure = 'project')                        as has_project
    from c
    group by document_id, table_id
),

cells as (
    select c.*, table_columns.has_basic, table_columns.has_basic_parts, table_columns.has_project
    from c
    join table_columns using (document_id, table_id)
),

-- one row per (row, rule): the left cell (a total column)
lefts as (
    select cells.*, 'wt_row_kind_parts' as rule_id
    from cells
    where measure_group = 'kind' and measure = 'total'
      and (has_basic or has_basic_parts or has_project)
    union all
    select cells.*, 'wt_row_basic_parts'
    from cells
    where measure_group = 'kind' and measure = 'basic' and has_basic_parts
    union all
    select cells.*, 'wt_row_source_parts'
    from cells
    where measure_group = 'source' and measure = 'total'
    union all
    select cells.*, 'wt_row_kind_vs_source_total'
    from cells
    where measure_group = 'kind' and measure = 'total' and table_kind = 'expenditure_by_unit'
),

-- per row and rule, the cells the rule adds up on the right (the left cell, a total, is never one)
row_sides as (
    select document_id, table_id, row_key, rule_id,
           sum(amount)       as amount,
           sum(half_unit)    as half_unit,
           list(source_line) as source_lines
    from (
        select cells.*, 'wt_row_kind_parts' as rule_id
        from cells
        where measure_group = 'kind'
          and (measure = 'project'
               or (has_basic and measure = 'basic')
               or (not has_basic and measure in {{ basic_part_keys() }}))
        union all
        select cells.*, 'wt_row_basic_parts'
        from cells
        where measure_group = 'kind' and measure in {{ basic_part_keys() }}
        union all
        select cells.*, 'wt_row_source_parts'
        from cells
        where measure_group = 'source' and measure <> 'total'
        union all
        select cells.*, 'wt_row_kind_vs_source_total'
        from cells
        where measure_group = 'source' and measure = 'total'
    ) as parts
    group by document_id, table_id, row_key, rule_id
),

-- a rule applies to a row only when the row prints something to compare with: the funding-source
-- rules need a 资金来源 cell on the right; the kind rules compare with the row as printed
aggregated as (
    select
        lefts.rule_id,
        lefts.document_id,
        lefts.table_kind,
        lefts.table_id,
        lefts.table_id || ' ' || lefts.row_label || ' (r' || lefts.row_index || ') [c' || lefts.column_index || ' '
            || coalesce(lefts.column_label, lefts.measure) || ']'                     as location,
        lefts.unit_code,
        lefts.code,
        list_sort(list_distinct(list_filter(list_concat([lefts.source_line], coalesce(sides.source_lines, [])),
                                            lambda line: line is not null)))               as source_lines,
        'printed ' || coalesce(lefts.column_label, lefts.measure)                     as left_label,
        cast(coalesce(lefts.amount, 0) as decimal(20, 6))                             as left_value,
        case lefts.rule_id
            when 'wt_row_kind_parts' then
                case when lefts.has_basic then 'Σ 基本支出 + 项目支出 of the row'
                     else 'Σ 人员基本支出 + 个人福利性补助支出 + 公用支出 + 对事业单位经常性补助 + 项目支出 of the row' end
            when 'wt_row_basic_parts' then 'Σ 人员基本支出 + 个人福利性补助支出 + 公用支出 + 对事业单位经常性补助 of the row'
            when 'wt_row_source_parts' then 'Σ funding-source columns (资金来源) of the row'
            when 'wt_row_kind_vs_source_total' then 'printed 资金来源/总计 of the row'
        end                                                                           as right_label,
        cast(coalesce(sides.amount, 0) as decimal(20, 6))                             as right_value,
        cast(coalesce(lefts.half_unit, 0) + coalesce(sides.half_unit, 0) as decimal(24, 10)) as tolerance,
        'eq'                                                                          as comparison,
        cast(null as varchar)                                                         as base_note
    from lefts
    left join row_sides as sides
        on sides.document_id = lefts.document_id
       and sides.table_id = lefts.table_id
       and sides.row_key = lefts.row_key
       and sides.rule_id = lefts.rule_id
    where sides.rule_id is not null or lefts.rule_id in ('wt_row_kind_parts', 'wt_row_basic_parts')
)

{{ dq_finish('aggregated') }}
