-- Rule pr_completion_rate (部门决算): a stated 完成(年初)预算的 Z% = 100 × 决算 ÷ 年初预算. The claim's
-- measure names the two claims of its sentence it divides ("c054/c053", extract/final_paragraphs.py);
-- each is read from the table its claim restates where it has one (三公 决算数 / 预算数, a subject's
-- 决算数; a value that table leaves blank is 0), else as the sentence states it; a rate whose clause
-- states no 年初预算 (其中：公务接待费支出决算为0.00万元，完成预算的0%) divides by the 预算数 the table prints
-- beside that 决算数 ("c060/"). A 年初预算 of 0 gives no instance (no rate can be computed).
with rates as (
    select document_id, claim_id, subject_code, source_line, label, printed, value,
           split_part(measure, '/', 1) as done_id, split_part(measure, '/', 2) as base_id,
           {{ half_unit('value', 'decimals', 'cast(1 as decimal(10, 4))') }} as half_unit
    from {{ ref('stg_claims') }}
    where kind = 'completion_rate' and measure like '%/%'
),

targets as (
    select * from {{ ref('chk_input_target_terms') }}
    qualify pref = min(pref) over (partition by document_id, target_key)
),

mapped as (
    select claims.document_id, claims.claim_id, claims.amount, claims.label, claims.printed, keys.target_key
    from {{ ref('stg_claims') }} as claims
    left join {{ ref('chk_input_claims') }} as keys using (document_id, claim_id)
),

-- each term: the claim's table value where it restates one (blank in that table: 0), else as stated;
-- a rate whose clause states no 年初预算 divides by the 预算数 the table prints beside its 决算数
wanted as (
    select rates.document_id, rates.done_id as claim_id, mapped.target_key
    from rates join mapped on mapped.document_id = rates.document_id and mapped.claim_id = rates.done_id
    union
    select rates.document_id, rates.base_id, mapped.target_key
    from rates join mapped on mapped.document_id = rates.document_id and mapped.claim_id = rates.base_id
    union
    select rates.document_id, rates.done_id || '/', replace(mapped.target_key, ':amount:', ':budget:')
    from rates join mapped on mapped.document_id = rates.document_id and mapped.claim_id = rates.done_id
    where rates.base_id = '' and mapped.target_key like '%:amount:%'
),

terms as (
    select wanted.document_id, wanted.claim_id,
           case when wanted.target_key is not null then coalesce(sum(targets.amount), 0)
                else any_value(mapped.amount) end                                        as amount,
           coalesce(string_agg(distinct targets.table_id, '+'), '')                         as table_id,
           any_value(targets.table_kind)                                                    as table_kind,
           min(targets.source_line)                                                         as table_line,
           case when wanted.target_key is not null
                then coalesce(string_agg(distinct targets.table_id || ' ' || targets.term_label, ' + '), 'not printed (0)')
                else 'prose «' || coalesce(any_value(mapped.label), '') || '» ' || any_value(mapped.printed) end
                                                                                            as label
    from wanted
    left join mapped
        on mapped.document_id = wanted.document_id and mapped.claim_id = wanted.claim_id
    left join targets
        on targets.document_id = wanted.document_id and targets.target_key = wanted.target_key
    group by wanted.document_id, wanted.claim_id, wanted.target_key
),

located as (
    select rates.*, done.amount as done_amount, base.amount as base_amount,
           done.table_id, done.table_kind, coalesce(done.table_line, rates.source_line) as table_line,
           done.label as done_label, base.label as base_label,
           'line ' || rates.source_line || ' «' || coalesce(nullif(trim(rates.label), ''), 'completion_rate') || '» ('
               || rates.claim_id || ')' as location
    from rates
    join terms as done on done.document_id = rates.document_id and done.claim_id = rates.done_id
    join terms as base on base.document_id = rates.document_id
                      and base.claim_id = case when rates.base_id = '' then rates.done_id || '/' else rates.base_id end
    where base.amount <> 0
),

sides as (
    select 'pr_completion_rate' as rule_id, document_id, location, 'L' as side,
           cast(null as varchar) as table_id, cast(null as varchar) as table_kind,
           cast(null as varchar) as unit_code, subject_code as code,
           cast(value as decimal(20, 6)) as amount, half_unit, source_line,
           'prose «' || coalesce(label, '') || '» ' || printed || '%' as label
    from located
    union all
    select 'pr_completion_rate', document_id, location, 'R',
           nullif(table_id, ''), table_kind, null, subject_code,
           cast(round(100 * done_amount / base_amount, 6) as decimal(20, 6)), cast(0 as decimal(24, 10)), table_line,
           '100 × ' || done_label || ' ÷ ' || base_label
    from located
)

{{ dq_instances_from_terms(dq_pair_terms('sides')) }}
