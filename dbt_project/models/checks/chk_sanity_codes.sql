-- Classification codes (WARN), one instance per code (or code × printed name) of a document:
--   sn_subject_code_format   a functional subject code (科目编码) has 3, 5 or 7 digits (类/款/项)
--   sn_econ_code_format      an economic class code has 3 or 5 digits (类/款)
--   sn_subject_code_prefix   the 3-digit 类 and 5-digit 款 prefixes of a 款/项 code exist in the
--                            national classification (seed_functional_subject, not retired before
--                            the document's year)
--   sn_econ_code_prefix      the 3-digit 类 of a 5-digit economic 款 exists in seed_economic_class
--   sn_subject_name_vs_seed  a code printed with a name that contradicts the national name for that
--   sn_econ_name_vs_seed     code in the document's year (names compared after removing spaces and
--                            punctuation; one containing the other is accepted); only codes the
--                            seed knows for that year
with documents as (
    select document_id, year from {{ ref('stg_documents') }}
),

code_uses as (
    select document_id, 'subject' as scheme, subject_code as code, subject_name as printed_name, source_line
    from {{ ref('stg_cells') }} where subject_code is not null
    union all
    select document_id, 'subject', subject_code, null, source_line
    from {{ ref('stg_claims') }} where subject_code is not null
    union all
    select document_id, 'econ', econ_code, case when econ_name <> '合计' then econ_name end, source_line
    from {{ ref('stg_cells') }} where econ_code is not null
),

codes as (
    select document_id, scheme, code, list_sort(list_distinct(list(source_line))) as source_lines
    from code_uses
    group by document_id, scheme, code
),

seed as (
    select 'subject' as scheme, cast(code as varchar) as code, name, valid_from_year, valid_to_year
    from {{ ref('seed_functional_subject') }}
    union all
    select 'econ', cast(code as varchar), name, valid_from_year, valid_to_year
    from {{ ref('seed_economic_class') }}
),

formats as (
    select
        case scheme when 'subject' then 'sn_subject_code_format' else 'sn_econ_code_format' end as rule_id,
        document_id, scheme as table_kind, cast(null as varchar) as table_id,
        scheme || ' code ' || code                                                  as location,
        cast(null as varchar) as unit_code, code, source_lines,
        'code «' || code || '» (' || length(code) || ' characters)'                 as left_label,
        cast(length(code) as decimal(20, 6))                                        as left_value,
        case scheme when 'subject' then 'digits of a 类 / 款 / 项 code: 3, 5 or 7' else 'digits of a 类 / 款 code: 3 or 5' end
                                                                                    as right_label,
        cast(null as decimal(20, 6))                                                as right_value,
        cast(0 as decimal(24, 10))                                                  as tolerance,
        'eq' as comparison,
        cast(null as varchar) as base_note,
        case scheme
            when 'subject' then regexp_full_match(code, '[0-9]{3}|[0-9]{5}|[0-9]{7}')
            else regexp_full_match(code, '[0-9]{3}|[0-9]{5}')
        end                                                                         as ok
    from codes
),

prefixes as (
    -- (code, required prefix) for well-formed 款/项 codes
    select c.document_id, c.scheme, c.code, c.source_lines, left(c.code, p.len) as prefix
    from codes as c
    join (values (3), (5)) as p(len) on p.len < length(c.code)
    where (c.scheme = 'subject' and regexp_full_match(c.code, '[0-9]{5}|[0-9]{7}'))
       or (c.scheme = 'econ' and regexp_full_match(c.code, '[0-9]{5}') and p.len = 3)
),

prefix_found as (
    select
        p.document_id, p.scheme, p.code, p.source_lines, p.prefix,
        exists (
            select 1 from seed as s
            where s.scheme = p.scheme and s.code = p.prefix
              and (d.year is null or s.valid_to_year is null or s.valid_to_year >= d.year)
        ) as found,
        (select any_value(s.name) from seed as s
          where s.scheme = p.scheme and s.code = p.prefix
            and (d.year is null or s.valid_to_year is null or s.valid_to_year >= d.year)) as seed_name
    from prefixes as p
    left join documents as d on d.document_id = p.document_id
),

prefix_checks as (
    select
        case scheme when 'subject' then 'sn_subject_code_prefix' else 'sn_econ_code_prefix' end as rule_id,
        document_id, scheme as table_kind, cast(null as varchar) as table_id,
        scheme || ' code ' || code                                                  as location,
        cast(null as varchar) as unit_code, code, any_value(source_lines) as source_lines,
        'prefixes found in the national classification: '
            || coalesce(string_agg(case when found then prefix || ' ' || coalesce(seed_name, '') end, ', ' order by prefix), 'none')
                                                                                    as left_label,
        cast(count(*) filter (where found) as decimal(20, 6))                       as left_value,
        'prefixes required: ' || string_agg(prefix, ', ' order by prefix)           as right_label,
        cast(count(*) as decimal(20, 6))                                            as right_value,
        cast(0 as decimal(24, 10))                                                  as tolerance,
        'ge' as comparison,
        case when bool_or(not found)
             then 'not in the national classification: '
                  || string_agg(case when not found then prefix end, ', ' order by prefix) end as base_note
    from prefix_found
    group by document_id, scheme, code
),

names as (
    select u.document_id, u.scheme, u.code, u.printed_name,
           list_sort(list_distinct(list(u.source_line))) as source_lines,
           any_value(d.year) as year
    from code_uses as u
    left join documents as d on d.document_id = u.document_id
    where nullif(trim(u.printed_name), '') is not null
    group by u.document_id, u.scheme, u.code, u.printed_name
),

name_checks as (
    select
        case n.scheme when 'subject' then 'sn_subject_name_vs_seed' else 'sn_econ_name_vs_seed' end as rule_id,
        n.document_id, n.scheme as table_kind, cast(null as varchar) as table_id,
        n.scheme || ' code ' || n.code || ' «' || n.printed_name || '»'           as location,
        cast(null as varchar) as unit_code, n.code, n.source_lines,
        'printed name «' || n.printed_name || '»'                                   as left_label,
        cast(null as decimal(20, 6))                                                as left_value,
        'national name «' || s.name || '» (' || s.valid_from_year || '–' || coalesce(cast(s.valid_to_year as varchar), '') || ')'
                                                                                    as right_label,
        cast(null as decimal(20, 6))                                                as right_value,
        cast(0 as decimal(24, 10))                                                  as tolerance,
        'eq' as comparison,
        cast(null as varchar) as base_note,
        {{ normalised_name('n.printed_name') }} = {{ normalised_name('s.name') }}
            or contains({{ normalised_name('n.printed_name') }}, {{ normalised_name('s.name') }})
            or contains({{ normalised_name('s.name') }}, {{ normalised_name('n.printed_name') }}) as ok
    from names as n
    join seed as s
        on s.scheme = n.scheme
       and s.code = n.code
       and coalesce(n.year, 9999) between s.valid_from_year and coalesce(s.valid_to_year, 9999)
)

select * from ({{ dq_finish('formats', status="case when finishing.ok then 'pass' else 'fail' end") }})
union all
select * from ({{ dq_finish('prefix_checks') }})
union all
select * from ({{ dq_finish('name_checks', status="case when finishing.ok then 'pass' else 'fail' end") }})
