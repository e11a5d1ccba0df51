{#
  The columns every cell-based fact carries after its own keys: what the
  column measures, where the number was printed (provenance), the number
  itself and whether it is a printed total.
#}
{% macro cell_fact_columns() -%}
    measure_group,
    measure,
    column_label,
    source_line,
    row_index,
    row_role,
    amount,
    printed,
    decimals,
    is_total
{%- endmacro %}
