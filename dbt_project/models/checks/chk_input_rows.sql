-- Helper of the rule models (not a rule): one row per printed row of a table
-- (per side for the side-by-side summary tables), with its place in the row
-- hierarchy so that sums never count a line twice.
--
--   parent_row_key  the nearest printed line this row is a part of:
--                   item tables (summary, 三公): the row whose item_key is this
--                   row's parent_item_key (same side);
--                   code tables: the row (same unit, if any) whose code is the
--                   longest proper prefix of this row's code (类 → 款 → 项);
--                   unit tables: a row of the same unit printed without a code
--                   (a unit subtotal line).
--   is_parent       a subtotal line (row_role 'subtotal') or a row with child rows
--   is_leaf         neither a total row nor a parent: the lines a total sums
--   is_last_total   the last 合计/总计 row of the table (per side): the grand total
with cells as (
    select * from {{ ref('stg_cells') }}
),

rows as (
    select
        document_id,
        table_id,
        any_value(table_kind)                                          as table_kind,
        table_id || ':' || row_index || coalesce(':' || side, '')      as row_key,
        row_index,
        side,
        min(source_line)                                               as source_line,
        any_value(row_role)                                            as row_role,
        any_value(unit_code)                                           as unit_code,
        any_value(unit_name)                                           as unit_name,
        any_value(subject_code)                                        as subject_code,
        any_value(subject_name)                                        as subject_name,
        any_value(econ_code)                                           as econ_code,
        any_value(econ_name)                                           as econ_name,
        coalesce(any_value(subject_code), any_value(econ_code))        as code,
        any_value(item_label)                                          as item_label,
        any_value(item_key)                                            as item_key,
        any_value(item_level)                                          as item_level,
        any_value(parent_item_key)                                     as parent_item_key
    from cells
    group by document_id, table_id, row_index, side
),

candidates as (
    select
        child.document_id,
        child.row_key                                                  as child_key,
        parent.row_key                                                 as parent_key,
        case
            when child.parent_item_key is not null and parent.item_key = child.parent_item_key then 1
            when child.code is not null and parent.code is not null then 2
            else 3
        end                                                            as how,
        length(parent.code)                                            as parent_code_length
    from rows as child
    join rows as parent
        on parent.document_id = child.document_id
       and parent.table_id = child.table_id
       and parent.row_key <> child.row_key
       and parent.row_role <> 'total'
       and child.row_role <> 'total'
    where (child.parent_item_key is not null
           and parent.item_key = child.parent_item_key
           and parent.side is not distinct from child.side)
       or (child.code is not null and parent.code is not null
           and regexp_full_match(child.code, '[0-9]+')
           and regexp_full_match(parent.code, '[0-9]+')
           and length(parent.code) < length(child.code)
           and starts_with(child.code, parent.code)
           and parent.unit_code is not distinct from child.unit_code)
       or (coalesce(child.unit_code, child.unit_name) is not null and child.code is not null
           and coalesce(parent.unit_code, parent.unit_name) = coalesce(child.unit_code, child.unit_name)
           and parent.code is null and parent.item_key is null)
),

nearest as (
    select document_id, child_key, parent_key
    from candidates
    qualify row_number() over (
        partition by document_id, child_key
        order by how, parent_code_length desc nulls last, parent_key
    ) = 1
),

with_parent as (
    select rows.*, nearest.parent_key as parent_row_key
    from rows
    left join nearest
        on nearest.document_id = rows.document_id
       and nearest.child_key = rows.row_key
),

child_counts as (
    select document_id, parent_row_key, count(*) as child_count
    from with_parent
    where parent_row_key is not null
    group by document_id, parent_row_key
)

select
    with_parent.*,
    coalesce(child_counts.child_count, 0)                              as child_count,
    -- a parent: a line the extractor marked 'subtotal' (it saw children below it)
    -- or a row with identified child rows; the parent rules compare only parents
    -- whose children are identified (child_count > 0)
    coalesce(with_parent.row_role = 'subtotal', false)
        or coalesce(child_counts.child_count, 0) > 0                   as is_parent,
    coalesce(with_parent.row_role <> 'total', true)
        and not (coalesce(with_parent.row_role = 'subtotal', false)
                 or coalesce(child_counts.child_count, 0) > 0)          as is_leaf,
    coalesce(with_parent.row_role = 'total', false)
        and row_number() over (
            partition by with_parent.document_id, with_parent.table_id, with_parent.side,
                         (with_parent.row_role = 'total')
            order by with_parent.row_index desc
        ) = 1                                                          as is_last_total,
    -- human-readable label of the row, never containing a printed amount
    coalesce(
        nullif(concat_ws(' ',
            with_parent.unit_code,
            with_parent.code,
            coalesce(with_parent.subject_name, case when with_parent.econ_name <> '合计' then with_parent.econ_name end)
        ), ''),
        nullif(trim(with_parent.item_label), ''),
        nullif(trim(with_parent.unit_name), ''),
        case when with_parent.row_role = 'total' then '合计' end,
        'row ' || with_parent.row_index
    )                                                                  as row_label
from with_parent
left join child_counts
    on child_counts.document_id = with_parent.document_id
   and child_counts.parent_row_key = with_parent.row_key
