{#
  The columns every cell-based fact carries after its own keys: what the
  column measures, where the number was printed (provenance: line, and for a
  PDF the page and the cell's box), the number
  itself and whether it is a printed total.
#}
{% macro cell_fact_columns() -%}
    measure_group,
    measure,
    column_label,
    source_line,
    page,
    x0,
    top,
    x1,
    bottom,
    row_index,
    row_role,
    amount,
    printed,
    decimals,
    is_total
{%- endmacro %}
