-- Helper of the rule models (not a rule): one value per document × target_key,
-- read from the most preferred table that prints it (chk_input_target_terms):
-- value = Σ its terms, tolerance = Σ their half units.
with ranked as (
    select *, min(pref) over (partition by document_id, target_key) as best_pref
    from {{ ref('chk_input_target_terms') }}
)

select
    document_id,
    target_key,
    pref,
    any_value(pref_tables)                                                        as tables,
    cast(coalesce(sum(amount), 0) as decimal(20, 6))                              as value,
    cast(coalesce(sum(half_unit), 0) as decimal(24, 10))                          as tolerance,
    list_sort(list_distinct(list(source_line) filter (where source_line is not null))) as source_lines,
    any_value(pref_tables) || ' ' || string_agg(coalesce(term_label, '?'), ' + ' order by source_line, term_label) as label
from ranked
where pref = best_pref
group by document_id, target_key, pref
