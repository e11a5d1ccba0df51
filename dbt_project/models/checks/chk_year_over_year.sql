-- Year over year (WARN): when the warehouse holds the same region + department's document of
-- the previous year (same phase), every stated change is recomputed from the two documents.
--   yy_change_amount  "比上年增加 528.35 万元" = this year's value − last year's value
--   yy_change_pct     "比上年减少 66.67%" = (this year − last year) ÷ last year × 100, within half a
--                     unit of the printed percentage's last decimal
-- A change is signed by its direction (减少/下降 → negative). The value of a measure
-- (total_revenue:total, three_public:overseas, …) in each year is the table value the prose
-- restates (chk_input_target_values), else the year's own stated amount; 机关运行经费 and the
-- stated project total, which no table prints exactly, use the stated amounts. Both years'
-- numbers are in the labels. WARN: the prior-year basis is often restated (机构改革, 口径调整).
with documents as (
    select document_id, region, department, phase, year from {{ ref('stg_documents') }}
),

pairs as (
    select this.document_id, prior.document_id as prior_document_id, this.year, prior.year as prior_year
    from documents as this
    join documents as prior
        on prior.department = this.department
       and prior.region is not distinct from this.region
       and prior.phase = this.phase
       and prior.year = this.year - 1
),

claims as (
    select * from {{ ref('chk_input_claims') }}
),

stated_values as (
    select document_id, kind || ':' || measure as key,
           case when kind in ('operating_funds', 'project_total', 'procurement') then 1 else 2 end as rank,
           arg_min(amount, claim_id)                                     as value,
           arg_min(half_unit, claim_id)                                  as tolerance,
           [arg_min(source_line, claim_id)]                              as source_lines,
           'stated ' || arg_min(printed, claim_id) || ' ' || arg_min(unit, claim_id)
               || ' (line ' || arg_min(source_line, claim_id) || ')'        as label
    from claims
    where amount is not null and measure is not null
      and kind not like 'yoy_%' and kind not in ('subject_amount', 'other_amount', 'other_percent')
    group by document_id, kind, measure
),

table_values as (
    select document_id, target_key as key,
           case when target_key like 'operating_funds:%' then 2 else 1 end as rank,
           value, tolerance, source_lines, label
    from {{ ref('chk_input_target_values') }}
),

measure_values as (
    select * exclude (best)
    from (
        select *, min(rank) over (partition by document_id, key) as best
        from (select * from stated_values union all by name select * from table_values)
    )
    where rank = best
),

yoy as (
    select claims.*, pairs.prior_document_id, pairs.year, pairs.prior_year,
           case claims.direction when 'decrease' then -1 when 'flat' then 0 else 1 end as sign
    from claims
    join pairs using (document_id)
    where claims.kind in ('yoy_change_amount', 'yoy_change_pct')
      and claims.measure is not null
),

compared as (
    select
        yoy.*,
        this_value.value        as this_value,
        this_value.tolerance    as this_tolerance,
        this_value.label        as this_label,
        this_value.source_lines as this_lines,
        prior_value.value       as prior_value,
        prior_value.tolerance   as prior_tolerance,
        prior_value.label       as prior_label
    from yoy
    join measure_values as this_value
        on this_value.document_id = yoy.document_id and this_value.key = yoy.measure
    join measure_values as prior_value
        on prior_value.document_id = yoy.prior_document_id and prior_value.key = yoy.measure
),

amounts as (
    select
        'yy_change_amount' as rule_id, document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
        claim_location as location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
        list_sort(list_distinct(list_concat([source_line], this_lines))) as source_lines,
        'stated change «' || coalesce(label, '') || '» ' || case sign when -1 then '−' else '+' end
            || printed || ' ' || unit || ' (' || measure || ')'                       as left_label,
        sign * amount                                                                as left_value,
        year || ': ' || {{ fmt_amount('this_value') }} || ' (' || this_label || ') − ' || prior_year || ': '
            || {{ fmt_amount('prior_value') }} || ' (' || prior_label || ', ' || prior_document_id || ')' as right_label,
        this_value - prior_value                                                     as right_value,
        half_unit + this_tolerance + prior_tolerance                                 as tolerance,
        'eq' as comparison,
        cast(null as varchar) as base_note
    from compared
    where kind = 'yoy_change_amount' and amount is not null
),

percentages as (
    select
        'yy_change_pct' as rule_id, document_id, 'claims' as table_kind, cast(null as varchar) as table_id,
        claim_location as location, cast(null as varchar) as unit_code, cast(null as varchar) as code,
        list_sort(list_distinct(list_concat([source_line], this_lines))) as source_lines,
        'stated change «' || coalesce(label, '') || '» ' || case sign when -1 then '−' else '+' end
            || printed || '% (' || measure || ')'                                     as left_label,
        sign * value                                                                 as left_value,
        '(' || year || ': ' || {{ fmt_amount('this_value') }} || ' − ' || prior_year || ': '
            || {{ fmt_amount('prior_value') }} || ') ÷ ' || {{ fmt_amount('prior_value') }} || ' × 100 ('
            || this_label || '; ' || prior_label || ', ' || prior_document_id || ')'  as right_label,
        case when prior_value <> 0
             then cast(round((this_value - prior_value) * 100 / prior_value, 6) as decimal(20, 6)) end as right_value,
        half_unit                                                                    as tolerance,
        'eq' as comparison,
        case when prior_value = 0 then 'the prior-year value is 0: a percentage change is undefined' end as base_note,
        -- exact test: |stated × last − (this − last) × 100| ≤ tolerance × |last|
        case
            when prior_value = 0 then 'fail'
            when sign * value * prior_value = (this_value - prior_value) * 100 then 'pass'
            when abs(sign * value * prior_value - (this_value - prior_value) * 100) <= half_unit * abs(prior_value)
                then 'pass_within_tolerance'
            else 'fail'
        end                                                                          as exact_status
    from compared
    where kind = 'yoy_change_pct'
)

select * from ({{ dq_finish('amounts') }})
union all
select * from ({{ dq_finish('percentages', status='finishing.exact_status') }})
