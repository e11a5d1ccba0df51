-- The document's structure against its 目录 and its notes:
--   tx_contents_vs_body    every table the 目录 lists is printed in the body, under the same title
--                          and in the 目录's order (a listed table missing from the body, printed
--                          under other words, or out of order fails)
--   tx_empty_table_note    (WARN) a standard table that prints no amount (blank cells only; a
--                          table of zeros states zeros) says why: 无, or a note under it
--                          (注：…本表无数据。)
--   tx_table_note_fits     a note under a table fits it: a note naming another kind of funds
--                          (政府性基金, 国有资本经营, 三公 …) than the table's title, or saying the
--                          table is empty (空表, 无数据) under a table that prints amounts, fails
with contents as (
    select
        *,
        -- order in the body of the entries found there, against their order in the 目录
        case when body_line is not null
             then row_number() over (partition by document_id, body_line is not null order by body_line, seq) end as body_rank,
        case when body_line is not null
             then row_number() over (partition by document_id, body_line is not null order by seq) end as contents_rank
    from {{ ref('stg_contents') }}
),

contents_vs_body as (
    select
        'tx_contents_vs_body' as rule_id, document_id, 'contents' as table_kind, cast(null as varchar) as table_id,
        '目录 entry ' || seq || ' «' || title || '»' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code,
        list_filter([source_line, body_line], lambda x: x is not null) as source_lines,
        '目录 «' || title || '» (position ' || seq || ')' as left_label,
        cast(contents_rank as decimal(20, 6)) as left_value,
        case when body_line is null then 'not in the body'
             else 'body «' || body_title || '» line ' || body_line || ' (position ' || body_rank || ' among the listed tables)' end as right_label,
        cast(body_rank as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        case when body_line is null then 'the body prints no table of this title'
             when match = 'renamed' then 'the body prints this table under another title'
             when body_rank <> contents_rank then 'the body prints this table out of the 目录''s order' end as base_note,
        body_line is not null and match = 'same' and body_rank = contents_rank as holds
    from contents
),

notes as (
    select
        *,
        list_filter(['政府性基金', '国有资本经营', '三公', '专项资金', '政府采购'], lambda w: contains(title, w)) as title_funds,
        list_filter(['政府性基金', '国有资本经营', '三公', '专项资金', '政府采购'], lambda w: contains(text, w)) as note_funds
    from {{ ref('stg_table_notes') }}
),

note_fits as (
    select
        'tx_table_note_fits' as rule_id, document_id, 'table_note' as table_kind, cast(null as varchar) as table_id,
        'note line ' || source_line || ' under «' || title || '»' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [title_line, source_line] as source_lines,
        'note «' || text || '»' as left_label, cast(null as decimal(20, 6)) as left_value,
        'table «' || title || '» (line ' || title_line || ')'
            || case when table_empty is null then '' when table_empty then ', no amount printed' else ', amounts printed' end as right_label,
        cast(null as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        case when len(title_funds) > 0 and len(note_funds) > 0 and len(list_intersect(title_funds, note_funds)) = 0
                 then 'the note speaks of ' || array_to_string(note_funds, '、') || ', the table of ' || array_to_string(title_funds, '、')
             when table_empty = false and regexp_matches(text, '空表|无数据')
                 then 'the note says the table is empty, but it prints amounts' end as base_note
    from notes
),

tables as (
    select
        t.*,
        exists (select 1 from {{ ref('stg_cells') }} as c
                where c.document_id = t.document_id and c.table_id = t.table_id and c.amount is not null) as has_amounts
    from {{ ref('stg_tables') }} as t
    where t.table_kind <> 'unrecognised'
      and t.unreadable is null  -- a table that could not be read is reported as such, not judged empty
),

empty_tables as (
    select
        'tx_empty_table_note' as rule_id, t.document_id, t.table_kind, t.table_id,
        t.table_id || ' «' || t.title || '»' as location,
        cast(null as varchar) as unit_code, cast(null as varchar) as code, [t.title_line] as source_lines,
        'table «' || t.title || '» prints no amount' as left_label, cast(null as decimal(20, 6)) as left_value,
        case when t.is_empty then 'printed as 无'
             when n.source_line is not null then 'note line ' || n.source_line || ' «' || n.text || '»'
             else 'no note' end as right_label,
        cast(null as decimal(20, 6)) as right_value,
        cast(0 as decimal(24, 10)) as tolerance, 'eq' as comparison,
        case when not t.is_empty and n.source_line is null then 'an empty table without a note saying why' end as base_note,
        t.is_empty or n.source_line is not null as holds
    from tables as t
    left join {{ ref('stg_table_notes') }} as n
      on n.document_id = t.document_id and n.title_line = t.title_line
    where not t.has_amounts
    qualify row_number() over (partition by t.document_id, t.table_id order by n.source_line) = 1
)

select * from ({{ dq_finish('contents_vs_body', status="case when finishing.holds then 'pass' else 'fail' end") }})
union all
select * from ({{ dq_finish('note_fits', status="case when finishing.base_note is null then 'pass' else 'fail' end") }})
union all
select * from ({{ dq_finish('empty_tables', status="case when finishing.holds then 'pass' else 'fail' end") }})
