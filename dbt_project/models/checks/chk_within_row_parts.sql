-- Row identities of the tables with part columns, for every row (合计 rows
-- included):
--   wt_row_kind_parts          总计 (kind total) = 基本支出 + 项目支出 when the table prints a
--                              基本支出 column, else 人员基本支出 + 个人福利性补助支出 + 公用支出
--                              + 对事业单位经常性补助 + 项目支出 (tables 3, 5, 6, 7, 8)
--   wt_row_basic_parts         基本支出 = its printed parts, when both are printed
--   wt_row_source_parts        资金来源 总计 = Σ funding-source columns (tables 2, 3, 10)
--   wt_row_kind_vs_source_total  table 3: 支出 总计 = 资金来源 总计
with c as (
    select * from {{ ref('chk_input_cells') }}
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

-- one row per (row, rule) that applies: the left cell (a total column)
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

-- a rule applies to a row only when the row prints something to compare with
applicable as (
    select lefts.*
    from lefts
    where exists (
        select 1 from cells as r
        where r.document_id = lefts.document_id
          and r.row_key = lefts.row_key
          and r.table_id = lefts.table_id
          and case lefts.rule_id
                  when 'wt_row_kind_vs_source_total' then r.measure_group = 'source' and r.measure = 'total'
                  when 'wt_row_source_parts' then r.measure_group = 'source' and r.measure <> 'total'
                  else true
              end
    )
),

instance as (
    select
        lefts.*,
        lefts.table_id || ' ' || lefts.row_label || ' (r' || lefts.row_index || ') [c' || lefts.column_index || ' '
            || coalesce(lefts.column_label, lefts.measure) || ']'                     as location,
        'printed ' || coalesce(lefts.column_label, lefts.measure)                     as left_label,
        case lefts.rule_id
            when 'wt_row_kind_parts' then
                case when lefts.has_basic then 'Σ 基本支出 + 项目支出 of the row'
                     else 'Σ 人员基本支出 + 个人福利性补助支出 + 公用支出 + 对事业单位经常性补助 + 项目支出 of the row' end
            when 'wt_row_basic_parts' then 'Σ 人员基本支出 + 个人福利性补助支出 + 公用支出 + 对事业单位经常性补助 of the row'
            when 'wt_row_source_parts' then 'Σ funding-source columns (资金来源) of the row'
            when 'wt_row_kind_vs_source_total' then 'printed 资金来源/总计 of the row'
        end                                                                           as right_label
    from applicable as lefts
),

rights as (
    select i.rule_id, i.document_id, i.table_id, i.location, r.amount, r.half_unit, r.source_line
    from instance as i
    join cells as r
        on r.document_id = i.document_id
       and r.table_id = i.table_id
       and r.row_key = i.row_key
       and r.column_index <> i.column_index
       and case i.rule_id
               when 'wt_row_kind_parts' then
                   r.measure_group = 'kind'
                   and (r.measure = 'project'
                        or (i.has_basic and r.measure = 'basic')
                        or (not i.has_basic and r.measure in {{ basic_part_keys() }}))
               when 'wt_row_basic_parts' then r.measure_group = 'kind' and r.measure in {{ basic_part_keys() }}
               when 'wt_row_source_parts' then r.measure_group = 'source' and r.measure <> 'total'
               when 'wt_row_kind_vs_source_total' then r.measure_group = 'source' and r.measure = 'total'
           end
),

terms as (
    select rule_id, document_id, table_kind, table_id, location, unit_code, code,
           left_label, right_label, 'eq' as comparison, null as note,
           'L' as side, amount, half_unit, source_line
    from instance
    union all
    select i.rule_id, i.document_id, i.table_kind, i.table_id, i.location, i.unit_code, i.code,
           i.left_label, i.right_label, 'eq', null,
           'R', rights.amount, rights.half_unit, rights.source_line
    from instance as i
    join rights
        on rights.rule_id = i.rule_id
       and rights.document_id = i.document_id
       and rights.location = i.location
)

{{ dq_instances_from_terms('terms') }}
