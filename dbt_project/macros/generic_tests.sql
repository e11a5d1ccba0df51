{#
  unique_combination: no two rows share the same values of `columns`.
  NULLs compare equal (GROUP BY semantics), so a NULL key part such as the
  合计 row's unit_code still takes part in the key.

    tests:
      - unique_combination:
          columns: [document_id, unit_code, subject_code]
#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}


{#
  relationships_composite: every row whose `columns` are all non-NULL has a
  row in `to` with the same values in `fields` (same order).

    tests:
      - relationships_composite:
          columns: [document_id, unit_code]
          to: ref('dim_unit')
          fields: [document_id, unit_code]
#}
{% test relationships_composite(model, columns, to, fields) %}
select {% for c in columns %}child.{{ c }}{{ ", " if not loop.last }}{% endfor %}
from {{ model }} as child
where {% for c in columns %}child.{{ c }} is not null{{ " and " if not loop.last }}{% endfor %}
  and not exists (
    select 1
    from {{ to }} as parent
    where {% for i in range(columns | length) %}parent.{{ fields[i] }} = child.{{ columns[i] }}{{ " and " if not loop.last }}{% endfor %}
  )
{% endtest %}
