{#
  table_contract: a model's column and relationship checks in one test (one
  node, one scan for the row checks, instead of one node per check). Returns
  one row per violated check: check_name names it as the separate test did
  (not_null(col), unique(col), unique_combination(a, b), accepted_values(col),
  relationships(col -> parent.field), relationships_composite(…)),
  failing_rows counts what that test counted (NULL rows; duplicated values or
  keys; distinct values not accepted; rows without a parent). dbt counts
  failing_rows summed, and dbt_runner names the violated checks in the
  failure's message.
  Semantics are those of the separate tests: unique ignores NULLs,
  unique_combination groups NULL key parts as equal, accepted_values lets
  NULL pass; a reference (relationships, relationships_composite) counts the
  rows whose columns, all non-NULL (and `where`, if given), have no row in
  `to` with the same `fields`. dbt tracks the refs of `to` as the test's
  parents.

    data_tests:
      - table_contract:
          name: table_contract_dim_unit           # the name dbt_runner looks for
          arguments:
            not_null: [document_id, unit_key]
            unique: [[document_id, unit_key]]     # a list: a single column is unique(col)
            accepted_values: {level: ['类', '款']}
            references:
              - {columns: [document_id], to: ref('dim_document'), fields: [document_id]}
#}
{% test table_contract(model, not_null=[], unique=[], accepted_values={}, references=[]) %}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
{%- set row_checks = [] -%}
{%- for column in not_null -%}
  {%- do row_checks.append(('not_null(' ~ column ~ ')', 'count(*) filter (where ' ~ column ~ ' is null)')) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
  {%- set quoted = [] -%}
  {%- for value in values %}{% do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") %}{% endfor -%}
  {%- do row_checks.append(('accepted_values(' ~ column ~ ')',
        'count(distinct ' ~ column ~ ') filter (where ' ~ column ~ ' not in (' ~ quoted | join(', ') ~ '))')) -%}
{%- endfor -%}
with checked as (
    select * from {{ model }}
),

violations as (
    {%- if row_checks %}
    select unnest([{% for name, _ in row_checks %}'{{ name | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %}]) as check_name,
           unnest(counts) as failing_rows
    from (
        select [{% for _, expression in row_checks %}{{ expression }}{{ ", " if not loop.last }}{% endfor %}] as counts
        from checked
    ) as row_counts
    {%- endif %}
    {%- for key in unique %}
    {%- set columns = [key] if key is string else key %}
    {%- if row_checks or not loop.first %}
    union all
    {%- endif %}
    select '{{ ("unique(" if key is string else "unique_combination(") ~ columns | join(", ") ~ ")" }}', count(*)
    from (
        select 1 from checked
        {%- if key is string %}
        where {{ key }} is not null
        {%- endif %}
        group by {{ columns | join(', ') }}
        having count(*) > 1
    ) as duplicated
    {%- endfor %}
    {%- for reference in references %}
    {%- if row_checks or unique or not loop.first %}
    union all
    {%- endif %}
    select '{{ ("relationships(" if reference.columns | length == 1 else "relationships_composite(")
               ~ reference.columns | join(", ") ~ " -> " ~ reference.to.identifier ~ "." ~ reference.fields | join(", ") ~ ")" }}', count(*)
    from checked as child
    where {% for c in reference.columns %}child.{{ c }} is not null and {% endfor %}{% if reference.where %}({{ reference.where }}) and {% endif %}not exists (
        select 1 from {{ reference.to }} as parent
        where {% for i in range(reference.columns | length) %}parent.{{ reference.fields[i] }} = child.{{ reference.columns[i] }}{{ " and " if not loop.last }}{% endfor %}
    )
    {%- endfor %}
)

select check_name, failing_rows from violations where failing_rows > 0
{% endtest %}
