{#
  Tolerance policy of the accounting-identity rules (models/checks/chk_*.sql).

  Arithmetic is exact: every printed amount is a DECIMAL(20,6) in 万元, sums are
  DECIMAL sums, nothing goes through floating point.

  A printed value stands for an interval: "123.46" (2 decimals) means
  [123.455, 123.465). Following the XBRL Calculations 1.1 interval rule, an
  identity "sum of n printed values = printed total" is inconsistent only when
  no choice of true values inside the printed intervals can satisfy it:

      |left − right| > Σ ½·10^(−d_i) · scale_i      over EVERY printed value
                                                     on BOTH sides

  d_i is the number of decimals printed for value i (stg_cells.decimals,
  stg_claims.decimals, …) and scale_i converts its half unit to 万元: 1 for a
  万元 table, 0.0001 for a 元 table (stg_tables.amount_unit = '元'), 10000 for
  亿元 in the prose. A blank cell is 0 exactly: it adds nothing to the
  tolerance. Counts (个项目) are exact (tolerance 0). A stated percentage is
  compared with the computed one within half a unit of its own last printed
  decimal (½·10^(−d)).

  Status of an instance (dq_status):
    difference = 0                 → 'pass'
    |difference| ≤ tolerance       → 'pass_within_tolerance' (with a note)
    |difference| > tolerance       → 'fail'
  For a one-sided rule (comparison 'ge': left ≥ right; 'le': left ≤ right) the
  same three bands apply to the shortfall (right − left, resp. left − right).

  Example: 1.00 printed as the total of 0.50 and 0.49 → difference 0.01,
  tolerance 3 × 0.005 = 0.015 → pass_within_tolerance; with 0.48 → 0.02 → fail.
  (Tested in tests/test_rules.py::test_tolerance_interval_rule, and for a 元
  table in test_yuan_table_half_units_are_converted.)

  Rules that are not comparisons of printed amounts (code formats, names
  against the national seed, bounds such as "a decrease ≤ 100%" or "≤ 12
  months", counts) have tolerance 0 and set their status directly.
#}

{#- Scale of a unit of account to 万元 (元 → 0.0001, 亿元 → 10000, else 1). -#}
{% macro amount_scale(unit) -%}
    (case {{ unit }}
        when '元' then cast(0.0001 as decimal(10, 4))
        when '亿元' then cast(10000 as decimal(10, 4))
        else cast(1 as decimal(10, 4))
    end)
{%- endmacro %}

{#- Half a unit of the last printed decimal, in 万元; 0 for a blank (NULL) amount.
    Exact: built from the string '0.00…5' rather than from a power of ten. -#}
{% macro half_unit(amount, decimals, scale) -%}
    (case
        when {{ amount }} is null then cast(0 as decimal(24, 10))
        else cast(
            cast('0.' || repeat('0', least(greatest(coalesce({{ decimals }}, 0), 0), 9)) || '5' as decimal(24, 10))
            * {{ scale }}
            as decimal(24, 10))
    end)
{%- endmacro %}

{#- Status of an instance from its difference (left − right) and tolerance. -#}
{% macro dq_status(difference, tolerance, comparison="'eq'") -%}
    (case
        when {{ difference }} is null then 'fail'
        when {{ comparison }} = 'ge' then
            case
                when {{ difference }} >= 0 then 'pass'
                when -({{ difference }}) <= {{ tolerance }} then 'pass_within_tolerance'
                else 'fail'
            end
        when {{ comparison }} = 'le' then
            case
                when {{ difference }} <= 0 then 'pass'
                when {{ difference }} <= {{ tolerance }} then 'pass_within_tolerance'
                else 'fail'
            end
        when {{ difference }} = 0 then 'pass'
        when abs({{ difference }}) <= {{ tolerance }} then 'pass_within_tolerance'
        else 'fail'
    end)
{%- endmacro %}

{#- The note attached to a pass_within_tolerance instance. -#}
{% macro tolerance_note(difference, tolerance) -%}
    ('within tolerance: |difference| ' || {{ fmt_amount('abs(' ~ difference ~ ')') }}
        || ' ≤ ' || {{ fmt_amount('cast(' ~ tolerance ~ ' as decimal(24, 10))') }}
        || ' (half a unit of the last printed decimal of every value involved)')
{%- endmacro %}
