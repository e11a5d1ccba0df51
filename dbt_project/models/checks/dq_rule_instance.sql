-- Every instance of every accounting-identity rule, passing ones included: one row
-- per rule × document × location (row, code, unit, claim, table). The rule's family,
-- severity and description come from the rule_catalogue seed.
{%- set rule_models = [
    'chk_within_total_rows', 'chk_within_row_parts', 'chk_within_summary',
    'chk_within_parent_children', 'chk_within_three_public', 'chk_within_perf_funding',
    'chk_cross_totals', 'chk_cross_subjects', 'chk_cross_economic', 'chk_cross_units',
    'chk_prose_tables', 'chk_prose_projects',
    'chk_presence',
    'chk_sanity_amounts', 'chk_sanity_codes', 'chk_sanity_other',
    'chk_year_over_year',
    'chk_within_perf_targets', 'chk_cross_econ_subject_pairs', 'chk_cross_projects', 'chk_prose_counts',
    'chk_text_statements', 'chk_text_wording', 'chk_text_structure',
    'chk_final_accounts', 'chk_prose_completion',
] %}
with instances as (
    {%- for model in rule_models %}
    {{ "union all" if not loop.first }}
    select
        instance_key, rule_id, document_id, table_kind, table_id, location, unit_code, code,
        source_lines, left_label, left_value, right_label, right_value, difference, tolerance,
        status, note
    from {{ ref(model) }}
    {%- endfor %}
)

select
    instances.instance_key,
    instances.rule_id,
    catalogue.family,
    catalogue.severity,
    catalogue.description,
    instances.document_id,
    instances.table_kind,
    instances.table_id,
    instances.location,
    instances.unit_code,
    instances.code,
    cast(instances.source_lines as integer[])    as source_lines,
    instances.left_label,
    cast(instances.left_value as decimal(20, 6))  as left_value,
    instances.right_label,
    cast(instances.right_value as decimal(20, 6)) as right_value,
    cast(instances.difference as decimal(20, 6))  as difference,
    cast(instances.tolerance as decimal(24, 10))  as tolerance,
    instances.status,
    instances.note
from instances
left join {{ ref('rule_catalogue') }} as catalogue
    on catalogue.rule_id = instances.rule_id
