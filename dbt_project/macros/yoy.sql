{#
  Across-years marts (models/marts/fct_yoy_*.sql, documented in _yoy.yml): a department's
  documents side by side. Those that take names chosen across documents (from a dimension) are
  views adding the names to a per-document table, models/intermediate/int_yoy_*.sql. A model is

      with {{ yoy_document_pairs() }},
      <its own CTEs>,
      facts as (select document_id, <key columns>, amount, <carried columns> ...),
      {{ yoy_side_by_side([<key columns>], ...) }}
      <its naming CTEs, reading `changes`>
      select {{ yoy_document_columns() }}, <its columns>, amount, {{ yoy_comparison_columns() }} from ...
#}


{#- yoy_document_pairs: the CTEs `documents` (every document with a department and a year) and
    `pairs` (each of them with previous_year and previous_document_id: the same region +
    department + phase's document of year − 1, NULL when the warehouse holds none). Opens the
    model's `with` list. -#}
{% macro yoy_document_pairs() -%}
documents as (
    select document_id, region, department, phase, year
    from {{ ref('dim_document') }}
    where department is not null and year is not null
),

pairs as (
    select this.*, prior.year as previous_year, prior.document_id as previous_document_id
    from documents as this
    left join documents as prior
        on prior.region is not distinct from this.region
       and prior.department = this.department
       and prior.phase = this.phase
       and prior.year = this.year - 1
)
{%- endmacro %}


{#- yoy_side_by_side: from `pairs` and a CTE `facts` (one row per document_id × key_columns with
    an `amount`), the CTEs `keys` (this year's keys plus those only the previous year had),
    `joined`, `compared` and `changes`. `changes` has one row per document × key: region,
    department, phase, year, document_id, the key columns, the carried columns (this year's
    value, else the previous year's), the this_year_columns (this year's value only),
    this_amount / prior_amount (the facts' amounts, NULL where a year lacks the key),
    previous_year, previous_document_id, amount (0 for a key only the previous year had),
    previous_amount (0 for a key only this year has; NULL without a previous document) and
    change, all three DECIMAL(20,6). Emits no trailing comma. -#}
{% macro yoy_side_by_side(key_columns, carried_columns=[], this_year_columns=[]) -%}
keys as (
    select document_id, {{ key_columns | join(', ') }} from facts
    union
    select pairs.document_id
        {%- for column in key_columns %}, facts.{{ column }}{% endfor %}
    from pairs
    join facts on facts.document_id = pairs.previous_document_id
),

joined as (
    select
        pairs.region,
        pairs.department,
        pairs.phase,
        pairs.year,
        pairs.document_id,
        {%- for column in key_columns %}
        keys.{{ column }},
        {%- endfor %}
        {%- for column in carried_columns %}
        coalesce(this_fact.{{ column }}, prior_fact.{{ column }}) as {{ column }},
        {%- endfor %}
        {%- for column in this_year_columns %}
        this_fact.{{ column }} as {{ column }},
        {%- endfor %}
        this_fact.amount  as this_amount,
        prior_fact.amount as prior_amount,
        pairs.previous_year,
        pairs.previous_document_id
    from keys
    join pairs on pairs.document_id = keys.document_id
    left join facts as this_fact
        on this_fact.document_id = keys.document_id
        {%- for column in key_columns %}
       and this_fact.{{ column }} = keys.{{ column }}
        {%- endfor %}
    left join facts as prior_fact
        on prior_fact.document_id = pairs.previous_document_id
        {%- for column in key_columns %}
       and prior_fact.{{ column }} = keys.{{ column }}
        {%- endfor %}
),

compared as (
    select
        joined.*,
        cast(coalesce(this_amount, 0) as decimal(20, 6)) as amount,
        cast(case when previous_document_id is not null then coalesce(prior_amount, 0) end as decimal(20, 6))
                                                         as previous_amount
    from joined
),

changes as (
    select compared.*, cast(amount - previous_amount as decimal(20, 6)) as change
    from compared
)
{%- endmacro %}


{#- yoy_document_columns: the columns every year-over-year model selects first (the document and
    its department and year). -#}
{% macro yoy_document_columns() -%}
    region, department, phase, year, document_id
{%- endmacro %}


{#- yoy_comparison_columns: the year-over-year columns every model selects after its amount:
    in_document, previous_year, previous_document_id, previous_amount, in_previous, change and
    change_pct, computed from `changes` (yoy_side_by_side), or, with computed=false, read from a
    relation that has them (a mart that is a view over an int_yoy_* table). Emits no trailing comma. -#}
{% macro yoy_comparison_columns(computed=true) -%}
    {%- if computed -%}
    this_amount is not null as in_document,
    previous_year,
    previous_document_id,
    previous_amount,
    prior_amount is not null as in_previous,
    change,
    {{ yoy_change_pct() }} as change_pct
    {%- else -%}
    in_document, previous_year, previous_document_id, previous_amount, in_previous, change, change_pct
    {%- endif -%}
{%- endmacro %}


{#- yoy_change_pct: the expression change ÷ previous_amount × 100 over the columns `change` and
    `previous_amount`, rounded half away from zero to 6 decimals, in exact integer arithmetic on
    the amounts in millionths (DuckDB divides DECIMALs as DOUBLE); DECIMAL(20,6), NULL when there
    is no previous year or its amount is 0. -#}
{% macro yoy_change_pct() -%}
case when previous_amount <> 0 then cast(
    cast(
        sign(change) * sign(previous_amount)
        * ((abs(cast(change * 1000000 as hugeint)) * 200000000 + abs(cast(previous_amount * 1000000 as hugeint)))
           // (2 * abs(cast(previous_amount * 1000000 as hugeint))))
    as decimal(38, 0)) * 0.000001
as decimal(20, 6)) end
{%- endmacro %}
