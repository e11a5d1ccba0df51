{#
  Body of a classification dimension (dim_subject, dim_economic_class): one row
  per (code, year) seen in any document.

  seen:      relation with document_id, year, code, printed_name, n_rows
             (one row per document × code × printed name; printed_name may be NULL)
  seed:      versioned national seed (code, level, name, valid_from_year, valid_to_year)
  levels:    list of (code length, level label), e.g. [(3, '类'), (5, '款'), (7, '项')]
  parents:   list of (prefix length, column prefix), e.g. [(3, 'class'), (5, 'section')]

  Parent names: the printed name where documents of that year print the parent
  row itself (most frequent), else the seed name valid that year; *_name_source
  says which ('printed' | 'seed', NULL when neither knows it). A NULL year (the
  document's year is unknown) looks up the seed rows that are still valid.
#}
{% macro classification_dimension(seen, seed, levels, parents) %}
with
seen as (
    select document_id, year, code, nullif(trim(printed_name), '') as printed_name, n_rows
    from {{ seen }}
    where code is not null
),

codes as (
    select code, year, count(distinct document_id) as document_count
    from seen
    group by code, year
),

printed_ranked as (
    select
        code,
        year,
        printed_name,
        row_number() over (
            partition by code, year
            order by sum(n_rows) desc, count(distinct document_id) desc, printed_name
        ) as rank_in_code
    from seen
    where printed_name is not null
    group by code, year, printed_name
),

printed as (
    select code, year, printed_name
    from printed_ranked
    where rank_in_code = 1
),

seed as (
    select code, level, name, valid_from_year, valid_to_year
    from {{ seed }}
),

base as (
    select
        codes.code,
        codes.year,
        case
            {%- for length, label in levels %}
            when length(codes.code) = {{ length }} and regexp_full_match(codes.code, '[0-9]+') then '{{ label }}'
            {%- endfor %}
        end as level,
        codes.document_count
    from codes
)

select
    base.code,
    base.year,
    base.level,
    {%- for length, prefix in parents %}
    case when base.level is not null and length(base.code) >= {{ length }}
         then left(base.code, {{ length }}) end                                as {{ prefix }}_code,
    coalesce(printed_{{ prefix }}.printed_name, seed_{{ prefix }}.name)        as {{ prefix }}_name,
    case
        when printed_{{ prefix }}.printed_name is not null then 'printed'
        when seed_{{ prefix }}.name is not null then 'seed'
    end                                                                       as {{ prefix }}_name_source,
    {%- endfor %}
    coalesce(printed_self.printed_name, seed_self.name)                       as name,
    case
        when printed_self.printed_name is not null then 'printed'
        when seed_self.name is not null then 'seed'
    end                                                                       as name_source,
    seed_self.name                                                            as seed_name,
    seed_self.code is not null                                                as in_national_seed,
    base.document_count
from base
left join printed as printed_self
    on printed_self.code = base.code
   and printed_self.year is not distinct from base.year
left join seed as seed_self
    on seed_self.code = base.code
   and base.level is not null
   and coalesce(base.year, 9999) between seed_self.valid_from_year and coalesce(seed_self.valid_to_year, 9999)
{%- for length, prefix in parents %}
left join printed as printed_{{ prefix }}
    on base.level is not null
   and length(base.code) >= {{ length }}
   and printed_{{ prefix }}.code = left(base.code, {{ length }})
   and printed_{{ prefix }}.year is not distinct from base.year
left join seed as seed_{{ prefix }}
    on base.level is not null
   and length(base.code) >= {{ length }}
   and seed_{{ prefix }}.code = left(base.code, {{ length }})
   and coalesce(base.year, 9999) between seed_{{ prefix }}.valid_from_year and coalesce(seed_{{ prefix }}.valid_to_year, 9999)
{%- endfor %}
{% endmacro %}
