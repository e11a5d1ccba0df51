-- Functional subjects across tables 5 / 6 and table 3, one instance per subject code:
--   xt_subject_vs_expenditure_unit          table 5 合计 of the subject = Σ over units of table 3's
--                                           一般公共预算拨款 for that subject (a subject missing from
--                                           either table counts 0)
--   xt_gov_fund_subject_vs_expenditure_unit table 6 合计 of the subject = Σ table 3 政府性基金预算拨款
--   xt_subject_split_vs_expenditure_unit    table 5 基本支出 and 项目支出 of the subject = Σ table 3
--                                           基本支出 (人员 + 福利 + 公用 + 对事业单位补助) and 项目支出
--                                           over the subject's rows funded entirely by 一般公共预算
--                                           (资金来源 一般公共预算拨款 = 资金来源 总计). Table 3 splits by
--                                           kind only the total of a row, not each source, so a
--                                           subject with a row funded partly by 一般公共预算 is not
--                                           instantiated (its split is unknown); rows without any
--                                           一般公共预算 are left out.
with c as {{ inlined_in_full_build() }} (
    select * from {{ ref('chk_input_cells') }}
),

tables as (
    select document_id, table_kind, bool_or(not coalesce(is_empty, false)) as printed
    from {{ ref('stg_tables') }}
    group by document_id, table_kind
),

-- table 3 columns and rows -----------------------------------------------------------
unit_columns as (
    select document_id, table_id,
           bool_or(measure_group = 'kind' and measure = 'basic')                       as has_basic,
           bool_or(measure_group = 'kind' and measure in {{ basic_part_keys() }})      as has_basic_parts,
           bool_or(measure_group = 'source' and measure = 'general_budget')            as has_general_budget,
           bool_or(measure_group = 'source' and measure = 'gov_fund')                  as has_gov_fund
    from c
    where table_kind = 'expenditure_by_unit'
    group by document_id, table_id
),

unit_rows as (
    select document_id, table_id, row_key, any_value(subject_code) as subject_code,
           sum(amount) filter (where measure_group = 'source' and measure = 'total')          as source_total,
           sum(amount) filter (where measure_group = 'source' and measure = 'general_budget') as general_budget
    from c
    where table_kind = 'expenditure_by_unit' and is_leaf and subject_code is not null
    group by document_id, table_id, row_key
),

mixed_subjects as (
    select distinct document_id, subject_code
    from unit_rows
    where coalesce(general_budget, 0) <> 0 and general_budget is distinct from source_total
),

subject_rows as (
    -- leaf rows of tables 5 and 6 (类/款 subtotal lines left out)
    select * from c
    where table_kind in ('general_budget_by_subject', 'gov_fund_by_subject')
      and is_leaf and subject_code is not null and measure in ('total', 'basic', 'project')
),

unit_source_cells as (
    select * from c
    where table_kind = 'expenditure_by_unit' and is_leaf and subject_code is not null
      and measure_group = 'source' and measure in ('general_budget', 'gov_fund')
),

sides as (
    -- table 5 / 6 合计 per subject
    select case table_kind when 'general_budget_by_subject' then 'xt_subject_vs_expenditure_unit'
                           else 'xt_gov_fund_subject_vs_expenditure_unit' end as rule_id,
           document_id, 'subject ' || subject_code as location, 'L' as side, table_id, table_kind,
           cast(null as varchar) as unit_code, subject_code as code, amount, half_unit, source_line,
           subject_code || ' ' || coalesce(subject_name, '') || '/' || column_label as label
    from subject_rows
    where measure = 'total'
      -- only when table 3 prints the matching source column
      and exists (select 1 from unit_columns as uc
                  where uc.document_id = subject_rows.document_id
                    and case subject_rows.table_kind when 'general_budget_by_subject' then uc.has_general_budget
                                                     else uc.has_gov_fund end)
    union all
    -- table 3: Σ over units, only codes printed in table 5/6 or with a printed amount in table 3
    select case u.measure when 'general_budget' then 'xt_subject_vs_expenditure_unit'
                          else 'xt_gov_fund_subject_vs_expenditure_unit' end,
           u.document_id, 'subject ' || u.subject_code, 'R', u.table_id, u.table_kind,
           null, u.subject_code, u.amount, u.half_unit, u.source_line,
           'Σ over units/' || u.column_label
    from unit_source_cells as u
    join tables as t
      on t.document_id = u.document_id
     and t.table_kind = case u.measure when 'general_budget' then 'general_budget_by_subject' else 'gov_fund_by_subject' end
    where exists (
            select 1 from unit_source_cells as v
            where v.document_id = u.document_id and v.subject_code = u.subject_code
              and v.measure = u.measure and v.amount is not null)
       or exists (
            select 1 from subject_rows as s
            where s.document_id = u.document_id and s.subject_code = u.subject_code
              and s.table_kind = case u.measure when 'general_budget' then 'general_budget_by_subject'
                                                else 'gov_fund_by_subject' end)

    union all
    -- split: table 5 基本支出 / 项目支出 per subject
    select 'xt_subject_split_vs_expenditure_unit', s.document_id,
           'subject ' || s.subject_code || ' ' || s.measure, 'L', s.table_id, s.table_kind,
           null, s.subject_code, s.amount, s.half_unit, s.source_line,
           s.subject_code || ' ' || coalesce(s.subject_name, '') || '/' || s.column_label
    from subject_rows as s
    join unit_columns as uc on uc.document_id = s.document_id and uc.has_general_budget
                           and (uc.has_basic or uc.has_basic_parts)
    where s.table_kind = 'general_budget_by_subject' and s.measure in ('basic', 'project')
      and not exists (select 1 from mixed_subjects as m
                      where m.document_id = s.document_id and m.subject_code = s.subject_code)
    union all
    -- split: table 3 rows funded entirely by 一般公共预算
    select 'xt_subject_split_vs_expenditure_unit', k.document_id,
           'subject ' || k.subject_code || ' '
               || case when k.measure = 'project' then 'project' else 'basic' end,
           'R', k.table_id, k.table_kind, null, k.subject_code, k.amount, k.half_unit, k.source_line,
           'Σ over units funded by 一般公共预算/' || k.column_label
    from c as k
    join unit_rows as r using (document_id, table_id, row_key)
    join unit_columns as uc using (document_id, table_id)
    where k.table_kind = 'expenditure_by_unit' and k.is_leaf and k.measure_group = 'kind'
      and (k.measure = 'project'
           or (uc.has_basic and k.measure = 'basic')
           or (not uc.has_basic and k.measure in {{ basic_part_keys() }}))
      and coalesce(r.general_budget, 0) <> 0 and r.general_budget = r.source_total
      and not exists (select 1 from mixed_subjects as m
                      where m.document_id = k.document_id and m.subject_code = k.subject_code)
)

{{ dq_instances_from_terms(dq_pair_terms('sides', one_sided_rules=[
    'xt_subject_vs_expenditure_unit', 'xt_gov_fund_subject_vs_expenditure_unit'])) }}
