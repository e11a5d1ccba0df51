-- One fact per value of an indicator row of a 绩效目标表 (blank values are not
-- facts). table_id is the perf_id; number is the numeric part of the value in
-- its own unit (number_unit); amount is set only for values printed in 万元.
select
    document_id,
    perf_id,
    row_index,
    value_column,
    value_index,
    perf_id                                            as table_id,
    source_line,
    level1,
    level2,
    level3,
    content,
    printed,
    number,
    number_unit,
    case when number_unit = '万元' then number end     as amount,
    case
        when number is null then null
        else coalesce(length(nullif(regexp_extract(printed, '[0-9]\.([0-9]+)', 1), '')), 0)
    end                                                as decimals,
    false                                              as is_total
from {{ ref('stg_indicators') }}
where nullif(trim(printed), '') is not null
