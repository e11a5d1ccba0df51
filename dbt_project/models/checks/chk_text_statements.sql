-- What the prose asserts about two amounts (stg_statements), against those amounts:
--   tx_direction_word  a direction word against the two amounts it compares (决算数小于预算数
--                      needs 决算 < 预算 as printed; 等于 equal; 持平/基本持平 within 1% of 预算),
--                      a change's 增加/减少 against its %'s 增长/下降 (the same way), and a
--                      change between two stated years' amounts against them
--   tx_stated_pct      a stated % against the amounts: 完成预算的 P% = 决算 ÷ 预算 × 100; a change's
--                      P% = change ÷ base × 100, base = amount − change (增加) or amount + change
--                      (减少), or |this year − last year| ÷ last year when both are stated; within
--                      half a unit of P plus what the printed amounts' half units allow
--   tx_change_base     a stated change against its base: the base implied by the amount and the
--                      change cannot be below 0 (预算0万元，比上年增加1421.25万元), and a change
--                      from a base of 0 cannot carry a %
--   tx_total_vs_parts  a stated 收入支出总计 against the amounts the prose states as its parts
--                      (收入 / 支出 lines of the same qualifier, e.g. 财政拨款): no part exceeds it
--   tx_total_vs_tables a stated 收入支出总计 against the 总计 row of the table of the same
--                      qualifier (收入支出(决算)总表 / 财政拨款收入支出(决算)总表), when the
--                      document has that table with its 总计 row
with s as (
    select
        *,
        -- no ids in it: a location stays the same when another statement is added above
        'line ' || source_line || ' «' || coalesce(nullif(trim(left_label), ''), kind) || '» [' || kind || ']' as location,
        {{ half_unit('left_amount', 'left_decimals', amount_scale('left_unit')) }}        as h_left,
        {{ half_unit('right_amount', 'right_decimals', amount_scale('right_unit')) }}     as h_right,
        {{ half_unit('change_amount', 'change_decimals', amount_scale('change_unit')) }}  as h_change,
        {{ half_unit('pct', 'pct_decimals', 'cast(1 as decimal(10, 4))') }}               as h_pct,
        case when kind = 'change' and change_amount is null then right_amount  -- last year's, stated
             when direction = 'increase' then left_amount - change_amount
             when direction = 'decrease' then left_amount + change_amount end           as base
    from {{ ref('stg_statements') }}
),

direction_words as (
    select 'tx_direction_word' as rule_id, document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
           location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           list_distinct([source_line, last_line]) as source_lines,
           '«' || direction_words || '»: ' || left_label || ' ' || left_printed as left_label,
           left_amount as left_value,
           right_label || ' ' || right_printed as right_label,
           right_amount as right_value,
           h_left + h_right as tolerance, 'eq' as comparison,
           case direction
               when 'gt' then left_amount > right_amount
               when 'lt' then left_amount < right_amount
               when 'eq' then left_amount = right_amount
               when 'flat' then abs(left_amount - right_amount) <= 0.01 * greatest(abs(right_amount), abs(left_amount))
           end as holds,
           case direction when 'gt' then 'the words say 决算 > 预算' when 'lt' then 'the words say 决算 < 预算'
                          when 'eq' then 'the words say 决算 = 预算' when 'flat' then 'the words say 持平 (within 1%)' end
               || ': «' || sentence || '»' as base_note
    from s
    where kind = 'compare' and direction is not null
    union all
    select 'tx_direction_word', document_id, 'claims', null, location || ' [% word]', null, null,
           list_distinct([source_line, last_line]),
           'change «' || direction_words || '»: ' || case direction when 'increase' then '+' else '-' end || change_printed,
           case direction when 'increase' then change_amount else -change_amount end,
           'its % «' || pct_word || pct_printed || '%»',
           case pct_direction when 'increase' then pct else -pct end,
           0, 'eq',
           direction = pct_direction,
           'the change and its % must go the same way: «' || sentence || '»'
    from s
    where kind = 'change' and pct_direction is not null and change_amount is not null
    union all
    select 'tx_direction_word', document_id, 'claims', null, location, null, null,
           list_distinct([source_line, last_line]),
           '«' || direction_words || '»: ' || left_label || ' ' || left_printed,
           left_amount,
           right_label || ' ' || right_printed,
           right_amount,
           h_left + h_right, 'eq',
           case direction when 'increase' then left_amount > right_amount else left_amount < right_amount end,
           'the words say ' || case direction when 'increase' then 'this year > last year' else 'this year < last year' end
               || ': «' || sentence || '»'
    from s
    where kind = 'change' and change_amount is null
),

stated_pct as (
    select 'tx_stated_pct' as rule_id, document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
           location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           list_distinct([source_line, last_line]) as source_lines,
           'stated «' || pct_word || '…' || pct_printed || '%»' as left_label,
           pct as left_value,
           '决算 ' || left_printed || ' ÷ 预算 ' || right_printed || ' × 100' as right_label,
           cast(left_amount * 100 / right_amount as decimal(20, 6)) as right_value,
           h_pct + 100 * (h_left * right_amount + h_right * left_amount) / (right_amount * right_amount) as tolerance,
           'eq' as comparison, '«' || sentence || '»' as base_note
    from s
    where kind = 'compare' and pct is not null and right_amount > 0
    union all
    select 'tx_stated_pct', document_id, 'claims', null, location, null, null,
           list_distinct([source_line, last_line]),
           'stated «' || pct_word || pct_printed || '%»',
           pct,
           'change ' || change_printed || ' ÷ base (' || left_printed
               || case direction when 'increase' then ' − ' else ' + ' end || change_printed || ') × 100',
           cast(change_amount * 100 / base as decimal(20, 6)),
           h_pct + 100 * (h_change * left_amount + h_left * change_amount) / (base * base),
           'eq', '«' || sentence || '»'
    from s
    where kind = 'change' and change_amount is not null and pct is not null and base > h_left + h_change
      and pct_direction = direction
    union all
    select 'tx_stated_pct', document_id, 'claims', null, location, null, null,
           list_distinct([source_line, last_line]),
           'stated «' || pct_word || pct_printed || '%»',
           pct,
           '|' || left_printed || ' − ' || right_printed || '| ÷ ' || right_printed || ' × 100',
           cast(abs(left_amount - right_amount) * 100 / right_amount as decimal(20, 6)),
           h_pct + 100 * (h_left * right_amount + h_right * left_amount) / (right_amount * right_amount),
           'eq', '«' || sentence || '»'
    from s
    where kind = 'change' and change_amount is null and right_amount > h_right
),

change_base as (
    select 'tx_change_base' as rule_id, document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
           location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           list_distinct([source_line, last_line]) as source_lines,
           case when change_amount is null then 'last year: ' || right_label || ' ' || right_printed
                else 'base implied: ' || left_label || ' ' || left_printed
                     || case direction when 'increase' then ' − ' else ' + ' end || change_printed end as left_label,
           base as left_value,
           case when pct is null then 'not below 0' else 'above 0 (a % is stated: ' || pct_printed || '%)' end as right_label,
           cast(0 as decimal(20, 6)) as right_value,
           h_left + h_change + h_right as tolerance, 'ge' as comparison,
           case when base < -(h_left + h_change) then 'last year''s amount would be negative'
                when pct is not null and base <= h_left + h_change then 'a change from a base of 0 has no %' end
               || ': «' || sentence || '»' as base_note,
           base >= -(h_left + h_change) and (pct is null or base > h_left + h_change + h_right) as holds
    from s
    where kind = 'change'
),

totals as (
    select * from s where kind = 'total'
),

claims as (
    select * from {{ ref('chk_input_claims') }}
    where amount is not null and unit in ('万元', '元', '亿元')
      and regexp_matches(regexp_replace(coalesce(label, ''), '[为是：:\s]+$', ''), '(收入|支出)(合计|小计)?$')
      and not regexp_matches(coalesce(label, ''), '上年|上一年|比|较|增加|减少|年初|预算为|调整|相比|占|总计|总额')
      and kind not like 'yoy%'
),

largest_part as (
    select t.statement_id, t.document_id, c.label, c.printed, c.amount, c.half_unit, c.source_line
    from totals as t
    join claims as c
      on c.document_id = t.document_id
     and (t.right_label = '' or contains(c.label, t.right_label))
    qualify row_number() over (partition by t.document_id, t.statement_id order by c.amount desc, c.source_line) = 1
),

total_vs_parts as (
    select 'tx_total_vs_parts' as rule_id, t.document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
           t.location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           list_distinct([t.source_line, p.source_line]) as source_lines,
           'stated ' || t.left_label || ' ' || t.left_printed as left_label,
           t.left_amount as left_value,
           'largest part stated: «' || p.label || '» ' || p.printed || ' (line ' || p.source_line || ')' as right_label,
           p.amount as right_value,
           t.h_left + p.half_unit as tolerance,
           'ge' as comparison,
           'a total cannot be smaller than one of its parts: «' || t.sentence || '»' as base_note
    from totals as t
    join largest_part as p using (document_id, statement_id)
),

total_tables as (
    select tables.document_id, tables.table_id, tables.table_kind, tables.title,
           max(cells.amount) as amount, arg_max(cells.source_line, cells.amount) as source_line,
           arg_max(cells.half_unit, cells.amount) as half_unit
    from {{ ref('stg_tables') }} as tables
    join {{ ref('chk_input_cells') }} as cells
      on cells.document_id = tables.document_id and cells.table_id = tables.table_id
    where cells.amount is not null
      and (contains(coalesce(cells.item_label, ''), '总计'))
    group by all
),

total_vs_tables as (
    select 'tx_total_vs_tables' as rule_id, t.document_id, tt.table_kind, tt.table_id,
           t.location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
           list_distinct([t.source_line, tt.source_line]) as source_lines,
           'stated ' || t.left_label || ' ' || t.left_printed as left_label,
           t.left_amount as left_value,
           tt.table_id || ' ' || tt.title || ' 总计' as right_label,
           tt.amount as right_value,
           t.h_left + tt.half_unit as tolerance, 'eq' as comparison,
           '«' || t.sentence || '»' as base_note
    from totals as t
    join total_tables as tt
      on tt.document_id = t.document_id
     and regexp_matches(tt.title, '(收入支出|收支).*总表')
     and (case when t.right_label = '' then not contains(tt.title, '财政拨款')
               else contains(tt.title, t.right_label) end)
    qualify row_number() over (partition by t.document_id, t.statement_id order by tt.table_id) = 1
)

select * from ({{ dq_finish('direction_words', status="case when finishing.holds then 'pass' else 'fail' end") }})
union all
select * from ({{ dq_finish('stated_pct') }})
union all
select * from ({{ dq_finish('change_base', status="case when finishing.holds then 'pass' else 'fail' end") }})
union all
select * from ({{ dq_finish('total_vs_parts') }})
union all
select * from ({{ dq_finish('total_vs_tables') }})
