-- Amounts, counts and percentages stated in the prose.
select
    cast(document_id as varchar)                    as document_id,
    cast(claim_id as varchar)                       as claim_id,
    cast(source_line as integer)                    as source_line,
    cast(section as varchar)                        as section,
    cast(sentence as varchar)                       as sentence,
    cast(label as varchar)                          as label,
    cast(kind as varchar)                           as kind,
    cast(measure as varchar)                        as measure,
    nullif(trim(cast(subject_code as varchar)), '') as subject_code,
    cast(printed as varchar)                        as printed,
    cast(value as decimal(20, 6))                   as value,
    cast(unit as varchar)                           as unit,
    cast(amount as decimal(20, 6))                  as amount,
    cast(decimals as integer)                       as decimals,
    cast(direction as varchar)                      as direction
from {{ staging_parquet('claims') }}
