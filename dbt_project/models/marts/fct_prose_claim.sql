-- One fact per amount, count or percentage stated in the prose. value is as
-- printed in its own unit; amount is in 万元 when the unit is a currency.
-- Prose has no table (table_id NULL) and no total rows (is_total false).
select
    document_id,
    claim_id,
    kind,
    measure,
    subject_code,
    direction,
    section,
    sentence,
    label,
    cast(null as varchar)   as table_id,
    source_line,
    value,
    unit,
    amount,
    printed,
    decimals,
    false                   as is_total
from {{ ref('stg_claims') }}
