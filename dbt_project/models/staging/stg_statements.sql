-- What prose sentences assert about two amounts (Statement): 决算 vs 预算 with the direction
-- word or the share stated, an amount with its stated change against last year, a stated
-- 收入支出总计. Checked by chk_text_statements.
select
    cast(document_id as varchar)        as document_id,
    cast(statement_id as varchar)       as statement_id,
    cast(source_line as integer)        as source_line,
    cast(last_line as integer)          as last_line,
    cast(sentence as varchar)           as sentence,
    cast(kind as varchar)               as kind,
    cast(left_label as varchar)         as left_label,
    cast(left_printed as varchar)       as left_printed,
    cast(left_amount as decimal(20, 6)) as left_amount,
    cast(left_decimals as integer)      as left_decimals,
    cast(left_unit as varchar)          as left_unit,
    cast(right_label as varchar)        as right_label,
    cast(right_printed as varchar)      as right_printed,
    cast(right_amount as decimal(20, 6)) as right_amount,
    cast(right_decimals as integer)     as right_decimals,
    cast(right_unit as varchar)         as right_unit,
    cast(direction as varchar)          as direction,
    cast(direction_words as varchar)    as direction_words,
    cast(change_printed as varchar)     as change_printed,
    cast(change_amount as decimal(20, 6)) as change_amount,
    cast(change_decimals as integer)    as change_decimals,
    cast(change_unit as varchar)        as change_unit,
    cast(pct_word as varchar)           as pct_word,
    cast(pct_direction as varchar)      as pct_direction,
    cast(pct_printed as varchar)        as pct_printed,
    cast(pct as decimal(20, 6))         as pct,
    cast(pct_decimals as integer)       as pct_decimals
from {{ staging_parquet('statements') }}
