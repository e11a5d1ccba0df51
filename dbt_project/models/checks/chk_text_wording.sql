-- The prose's wording (stg_text_findings) and the names it uses:
--   tx_placeholder        (WARN) leftover template text or a placeholder: XX局, ××, ……, 下降（增长）,
--                         （如持平作持平表述）
--   tx_placeholder_amount a placeholder or a blank where an amount belongs: XXX 万元, XX%, 年初预算为 万元
--   tx_empty_reason       (WARN) 主要原因是。 / 主要用于： with nothing after it
--   tx_missing_percent    (WARN) a rate without its % (增长13.95。)
--   tx_doubled_punct      (WARN) doubled punctuation (。。 ，。)
--   tx_heading_year       a year in a heading against the document's year: a heading that names
--                         the document (部门预算, 决算表, 预算情况说明 …) must name the document's year;
--                         another heading (2025年预算执行情况) may name it or the year before
--   tx_prose_year         (WARN) a year the prose mentions against the document's year and phase:
--                         a comparison (比/与 YYYY年) is with the year before; an as-of date (截至 …)
--                         is the end of the year (决算) or of the year before or the year (预算);
--                         a YYYY年度 is the year or the next (决算), within a year of it (预算);
--                         a full date lies within a year of the document's year
--   tx_renamed_class_name (WARN) a functional class name the national classification had renamed
--                         before the document's year (seed_functional_subject: a code whose name
--                         changed), used in the document's text (a name under 8 characters only
--                         with its code or marked （类）/（款）/（项）)
--   tx_code_typo          (WARN) a subject code printed in one table only and not in the national
--                         classification of the year, while the other tables print a code one digit
--                         away from it (or the same 款 and 项 digits under another 类: 7 11 02 for
--                         210 11 02) and not that one, a code of the classification or printed twice
-- Findings of the first five kinds are instances only where found (status fail); every year
-- mentioned is an instance (pass or fail).
with findings as (
    select * from {{ ref('stg_text_findings') }}
),

documents as (
    select document_id, year, phase from {{ ref('stg_documents') }}
),

words as (
    select
        case
            when kind in ('placeholder', 'blank_amount') and hides_amount then 'tx_placeholder_amount'
            when kind in ('placeholder', 'template_text') then 'tx_placeholder'
            else 'tx_' || kind
        end as rule_id,
        document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
        'line ' || source_line || ' «' || excerpt || '»' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [source_line] as source_lines,
        '«' || excerpt || '»' as left_label, cast(null as decimal(20, 6)) as left_value,
        case kind when 'placeholder' then 'filled-in text'
                  when 'template_text' then 'the document''s own words'
                  when 'blank_amount' then 'an amount'
                  when 'empty_reason' then 'a reason'
                  when 'missing_percent' then 'a rate with its %'
                  when 'doubled_punct' then 'single punctuation' end as right_label,
        cast(null as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        '«' || text || '»' as base_note
    from findings
    where kind <> 'year'
),

years as (
    select
        case when f.year_context = 'heading' then 'tx_heading_year' else 'tx_prose_year' end as rule_id,
        f.document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
        'line ' || f.source_line || ' «' || f.excerpt || '» [' || f.year_context || ']' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [f.source_line] as source_lines,
        f.year_context || ' year «' || f.excerpt || '»' as left_label,
        cast(f.year as decimal(20, 6)) as left_value,
        'the document''s year (' || d.phase || ')' as right_label,
        cast(d.year as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        '«' || f.text || '»' as base_note,
        case f.year_context
            when 'heading' then f.year = d.year
                or (f.year = d.year - 1
                    and not regexp_matches(f.text, '(部门|单位)(预算|决算)|(预算|决算)(表|情况说明|编制说明|公开)'))
            when 'comparison' then f.year = d.year - 1
            when 'as_of' then (d.phase = '决算' and f.year = d.year)
                or (d.phase <> '决算' and f.year in (d.year - 1, d.year))
            when 'year_of' then (d.phase = '决算' and f.year in (d.year, d.year + 1))
                or (d.phase <> '决算' and f.year between d.year - 1 and d.year + 1)
            when 'date' then f.year between d.year - 1 and d.year + 1
        end as holds
    from findings as f
    join documents as d using (document_id)
    where f.kind = 'year' and d.year is not null
),

renamed as (
    -- a name a code carried until some year, that no code carries in the document's year
    select old.code, old.name as old_name, old.valid_to_year, new.name as new_name
    from {{ ref('seed_functional_subject') }} as old
    join {{ ref('seed_functional_subject') }} as new
      on new.code = old.code and new.valid_from_year = old.valid_to_year + 1 and new.name <> old.name
),

renamed_used as (
    select
        'tx_renamed_class_name' as rule_id, l.document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
        'line ' || l.source_line || ' «' || r.old_name || '» (' || r.code || ')' as location,
        cast(null as varchar) as unit_code, r.code, [l.source_line] as source_lines,
        'name used «' || r.old_name || '»' as left_label, cast(null as decimal(20, 6)) as left_value,
        'its name since ' || (r.valid_to_year + 1) || ' «' || r.new_name || '»' as right_label,
        cast(null as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        'a ' || d.year || ' document uses a name renamed in ' || (r.valid_to_year + 1) || ': «' || l.text || '»' as base_note
    from {{ ref('stg_lines') }} as l
    join documents as d using (document_id)
    join renamed as r on d.year > r.valid_to_year and contains(l.text, r.old_name)
    -- a short name (扶贫) is also a common word: only with its code or marked as a class
    where (length(r.old_name) >= 8 or contains(l.text, r.code)
           or regexp_matches(l.text, r.old_name || '\s*[（(](类|款|项)[）)]'))
      and not exists (
        -- an old name inside a name valid in the document's year is that name, not the old one
        select 1 from {{ ref('seed_functional_subject') }} as v
        where v.name <> r.old_name and contains(v.name, r.old_name) and contains(l.text, v.name)
          and d.year between v.valid_from_year and coalesce(v.valid_to_year, 9999)
    )
),

codes as (
    select document_id, subject_code as code, table_id, min(source_line) as source_line
    from {{ ref('stg_cells') }}
    where subject_code is not null
    group by all
),

single_table_codes as (
    select * from codes
    qualify count(*) over (partition by document_id, code) = 1
),

code_typos as (
    -- a code printed in one table only, while a code one digit away (or with the same 款 and 项
    -- digits under another 类) is printed in other tables but not in that one
    select
        'tx_code_typo' as rule_id, x.document_id, 'subject' as table_kind, x.table_id,
        x.table_id || ' code ' || x.code as location,
        cast(null as varchar) as unit_code, x.code, [x.source_line, min(y.source_line)] as source_lines,
        x.table_id || ' prints «' || x.code || '» (only there)' as left_label, cast(null as decimal(20, 6)) as left_value,
        'the other tables print «' || y.code || '» (' || string_agg(distinct y.table_id, ', ' order by y.table_id) || ')' as right_label,
        cast(null as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        'a code printed in one table only, next to one the other tables print: a typo?' as base_note
    from single_table_codes as x
    join codes as y
      on y.document_id = x.document_id and y.code <> x.code and y.table_id <> x.table_id
     and ((length(y.code) = length(x.code) and hamming(y.code, x.code) = 1)
          or (length(y.code) <> length(x.code) and length(x.code) >= 4 and length(y.code) >= 4
              and right(y.code, 4) = right(x.code, 4)))
    join documents as d on d.document_id = x.document_id
    where not exists (select 1 from codes as z
                      where z.document_id = x.document_id and z.table_id = x.table_id and z.code = y.code)
      -- the typo is the code the national classification lacks (an economic class code read in a
      -- table's code column is no typo either); the other is in it, or printed in two tables or more
      and not exists (select 1 from {{ ref('seed_functional_subject') }} as n
                      where n.code = x.code and d.year between n.valid_from_year and coalesce(n.valid_to_year, 9999))
      and not exists (select 1 from {{ ref('seed_economic_class') }} as n where n.code = x.code)
      and (exists (select 1 from {{ ref('seed_functional_subject') }} as n
                   where n.code = y.code and d.year between n.valid_from_year and coalesce(n.valid_to_year, 9999))
           or (select count(*) from codes as w where w.document_id = y.document_id and w.code = y.code) >= 2)
    group by x.document_id, x.table_id, x.code, x.source_line, y.code
)

select * from ({{ dq_finish('words', status="'fail'") }})
union all
select * from ({{ dq_finish('years', status="case when finishing.holds then 'pass' else 'fail' end") }})
union all
select * from ({{ dq_finish('renamed_used', status="'fail'") }})
union all
select * from ({{ dq_finish('code_typos', status="'fail'") }})
