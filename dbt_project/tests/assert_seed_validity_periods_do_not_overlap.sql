-- A code has at most one national name in any year: no version of a code in the
-- classification seeds ends before it starts, and versions do not overlap.
with versions as (
    select 'functional' as seed, code, valid_from_year, coalesce(valid_to_year, 9999) as valid_to_year
    from {{ ref('seed_functional_subject') }}
    union all
    select 'economic', code, valid_from_year, coalesce(valid_to_year, 9999)
    from {{ ref('seed_economic_class') }}
)

select seed, code, valid_from_year, valid_to_year, 'ends before it starts' as problem
from versions
where valid_from_year > valid_to_year

union all

select a.seed, a.code, a.valid_from_year, a.valid_to_year, 'overlaps the version from ' || b.valid_from_year
from versions as a
join versions as b
    on a.seed = b.seed
   and a.code = b.code
   and a.valid_from_year < b.valid_from_year
where a.valid_to_year >= b.valid_from_year
