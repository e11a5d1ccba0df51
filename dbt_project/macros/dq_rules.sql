{#
  Building blocks shared by the accounting-identity models (models/checks/):
  terms → rule instances with the standard columns, and the lists of
  canonical keys (budget_warehouse/extract/vocabulary.py) the rules need.
  The tolerance policy itself is in tolerance.sql.
#}

{#-
  Turn a relation of *terms* into rule instances with the standard columns.
  One term = one printed value taking part in one instance, with columns:
    rule_id, document_id, table_kind, table_id, location, unit_code, code,
    left_label, right_label, comparison ('eq' | 'ge'), note,
    side ('L' | 'R'), amount (万元, NULL for a blank or a placeholder),
    half_unit (its tolerance share), source_line.
  left_value / right_value are the sums of the amounts of each side (a side
  without any amount is 0), tolerance is the sum of the half units of all terms.
-#}
{% macro dq_instances_from_terms(terms) -%}
{%- set aggregated -%}
(
    select
        rule_id,
        document_id,
        location,
        any_value(table_kind)                                                as table_kind,
        any_value(table_id)                                                  as table_id,
        any_value(unit_code)                                                 as unit_code,
        any_value(code)                                                      as code,
        list_sort(list_distinct(list(source_line) filter (where source_line is not null))) as source_lines,
        any_value(left_label)                                                as left_label,
        cast(coalesce(sum(amount) filter (where side = 'L'), 0) as decimal(20, 6)) as left_value,
        any_value(right_label)                                               as right_label,
        cast(coalesce(sum(amount) filter (where side = 'R'), 0) as decimal(20, 6)) as right_value,
        cast(coalesce(sum(half_unit), 0) as decimal(24, 10))                 as tolerance,
        coalesce(any_value(comparison), 'eq')                                as comparison,
        any_value(note)                                                      as base_note
    from {{ terms }}
    group by rule_id, document_id, location
) as aggregated
{%- endset -%}
{{ dq_finish(aggregated) }}
{%- endmacro %}

{#- Final projection shared by every check model: the standard columns, in order.
    `relation` provides rule_id, document_id, table_kind, table_id, location, unit_code,
    code, source_lines, left_label, left_value, right_label, right_value, tolerance,
    comparison, base_note. `status` overrides the tolerance policy's status for rules
    that are not comparisons of amounts (codes, names, sanity bounds). -#}
{% macro dq_finish(relation, status=none) -%}
select
    rule_id || '|' || document_id || '|' || location                       as instance_key,
    rule_id,
    document_id,
    table_kind,
    table_id,
    location,
    unit_code,
    code,
    cast(source_lines as integer[])                                        as source_lines,
    left_label,
    left_value,
    right_label,
    right_value,
    difference,
    tolerance,
    status,
    nullif(concat_ws('; ',
        base_note,
        case when status = 'pass_within_tolerance'
             then {{ tolerance_note('difference', 'tolerance') }} end
    ), '')                                                                 as note
from (
    select
        finishing.*,
        cast(finishing.left_value - finishing.right_value as decimal(20, 6)) as difference,
        {% if status -%}
        {{ status }}
        {%- else -%}
        {{ dq_status('cast(finishing.left_value - finishing.right_value as decimal(20, 6))', 'finishing.tolerance', 'finishing.comparison') }}
        {%- endif %}                                                        as status
    from (
        select
            * replace (
                cast(left_value as decimal(20, 6))  as left_value,
                cast(right_value as decimal(20, 6)) as right_value,
                cast(tolerance as decimal(24, 10))  as tolerance,
                -- a location printed twice in one document (two lines with the same label)
                -- stays unique: the second gets ' #2', in line order
                location || case
                    when row_number() over (partition by rule_id, document_id, location
                                            order by source_lines, left_label) > 1
                    then ' #' || row_number() over (partition by rule_id, document_id, location
                                                    order by source_lines, left_label)
                    else '' end                  as location
            )
        from {{ relation }}
    ) as finishing
) as finished
{%- endmacro %}

{#- Canonical keys (vocabulary.py) that the rules need as lists. -#}
{% macro project_item_keys() -%}
    {#- 项目支出 itself and the summary table's project items (vocabulary.SUMMARY_PROJECT_ITEMS). -#}
    ('project', 'recurring_special', 'dept_special_funds', 'enterprise_subsidy', 'transfer',
     'other_special_funds', 'earmarked', 'construction_purchase', 'debt_service', 'remit_superior',
     'other_project')
{%- endmacro %}

{% macro funding_source_keys() -%}
    {#- vocabulary.FUNDING_SOURCES -#}
    ('general_budget', 'gov_fund', 'state_capital', 'fiscal_special_account', 'business_income',
     'operating_income', 'superior_subsidy', 'affiliated_remit', 'business_fund', 'carryover', 'other_income')
{%- endmacro %}

{% macro fiscal_source_keys() -%}
    {#- 财政拨款: the funding sources that make up table 4 (财政拨款收支预算总表). -#}
    ('general_budget', 'gov_fund', 'state_capital')
{%- endmacro %}

{% macro basic_part_keys() -%}
    {#- the parts of 基本支出 (vocabulary.EXPENDITURE_KINDS minus basic and project) -#}
    ('personnel', 'welfare', 'public', 'institution_subsidy')
{%- endmacro %}

{#-
  Pair the two sides of comparisons. `sides` is a relation with columns
    rule_id, document_id, location, side ('L' | 'R'), table_id, table_kind,
    unit_code, code, amount, half_unit, source_line, label
  (one row per printed value; amount NULL for a blank cell). An instance is
  kept when both sides print something (a blank cell counts), or, for the
  rules listed in one_sided_rules, when either side does (the missing side is
  0: "not printed"). Labels: the tables and the distinct labels of each side.
  Returns a terms relation for dq_instances_from_terms.
-#}
{% macro dq_pair_terms(sides, one_sided_rules=[], comparison="'eq'") -%}
(
    with s as (
        select * from {{ sides }}
    ),
    side_labels as (
        select rule_id, document_id, location, side,
               string_agg(label, ' + ' order by first_line, label) as labels,
               string_agg(distinct table_id, '+' order by table_id)   as tables,
               sum(n)                                                  as n_values
        from (
            select rule_id, document_id, location, side, table_id, label,
                   min(source_line) as first_line, count(*) as n
            from s
            group by rule_id, document_id, location, side, table_id, label
        ) as distinct_labels
        group by rule_id, document_id, location, side
    ),
    instances as (
        select
            rule_id, document_id, location,
            max(case when side = 'L' then concat_ws(' ', tables, labels) end) as left_label,
            max(case when side = 'R' then concat_ws(' ', tables, labels) end) as right_label,
            bool_or(side = 'L') as has_left,
            bool_or(side = 'R') as has_right
        from side_labels
        group by rule_id, document_id, location
    ),
    kept as (
        select * from instances
        where (has_left and has_right)
        {%- if one_sided_rules %}
           or rule_id in ({% for r in one_sided_rules %}'{{ r }}'{{ ", " if not loop.last }}{% endfor %})
        {%- endif %}
    ),
    first_left as (
        select rule_id, document_id, location,
               coalesce(arg_min(table_id, coalesce(source_line, 0)) filter (where side = 'L'),
                        arg_min(table_id, coalesce(source_line, 0)))   as table_id,
               coalesce(arg_min(table_kind, coalesce(source_line, 0)) filter (where side = 'L'),
                        arg_min(table_kind, coalesce(source_line, 0))) as table_kind
        from s
        group by rule_id, document_id, location
    )
    select
        s.rule_id, s.document_id,
        lt.table_kind,
        lt.table_id,
        s.location, s.unit_code, s.code,
        coalesce(kept.left_label, 'not printed (taken as 0)')     as left_label,
        coalesce(kept.right_label, 'not printed (taken as 0)')    as right_label,
        {{ comparison }}                                          as comparison,
        case when not kept.has_left then 'left side not printed: taken as 0'
             when not kept.has_right then 'right side not printed: taken as 0' end as note,
        s.side, s.amount, s.half_unit, s.source_line
    from s
    join kept using (rule_id, document_id, location)
    left join first_left as lt using (rule_id, document_id, location)
)
{%- endmacro %}

{#- The economic 款 that a 三公 item restates (vocabulary.THREE_PUBLIC_ECON). -#}
{% macro three_public_econ_code(item_key) -%}
    (case {{ item_key }}
        when 'overseas' then '30212'
        when 'reception' then '30217'
        when 'vehicle_operation' then '30231'
    end)
{%- endmacro %}

{#- A classification name without spaces, punctuation and bracket styles, for comparison. -#}
{% macro normalised_name(name) -%}
    regexp_replace(
        translate(coalesce({{ name }}, ''), '（）【】［］，、：；。．', '()[][],,:;..'),
        '[\s()\[\],:;.·“”"''‘’/\-—]', '', 'g')
{%- endmacro %}

{#- A DECIMAL as text without trailing zeros (123.450000 → 123.45), for labels. -#}
{% macro fmt_amount(value) -%}
    (case when contains(cast({{ value }} as varchar), '.')
          then rtrim(rtrim(cast({{ value }} as varchar), '0'), '.')
          else cast({{ value }} as varchar) end)
{%- endmacro %}
