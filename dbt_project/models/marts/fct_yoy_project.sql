{#- change_pct: change ÷ previous_amount × 100, rounded half away from zero to 6 decimals, in exact
    integer arithmetic on the amounts in millionths (DuckDB divides DECIMALs as DOUBLE); NULL when there
    is no previous year or its amount is 0. -#}
{%- set change_pct -%}
case when previous_amount <> 0 then cast(
    cast(
        sign(change) * sign(previous_amount)
        * ((abs(cast(change * 1000000 as hugeint)) * 200000000 + abs(cast(previous_amount * 1000000 as hugeint)))
           // (2 * abs(cast(previous_amount * 1000000 as hugeint))))
    as decimal(38, 0)) * 0.000001
as decimal(20, 6)) end
{%- endset %}
-- A department's years side by side, by project (项目, the prose project list), matched across
-- years by the name as printed (trimmed). A name listed twice in one document is one row with the
-- sum (entries says how many). One row per region × department × phase × year × project_name;
-- previous year = the same region + department + phase's document of year − 1; a project only the
-- previous year listed is kept with amount 0 (in_document false), a new one has previous_amount 0.
with documents as (
    select document_id, region, department, phase, year
    from {{ ref('dim_document') }}
    where department is not null and year is not null
),

pairs as (
    select this.*, prior.year as previous_year, prior.document_id as previous_document_id
    from documents as this
    left join documents as prior
        on prior.region is not distinct from this.region
       and prior.department = this.department
       and prior.phase = this.phase
       and prior.year = this.year - 1
),

facts as (
    select
        document_id,
        trim(project_name)  as project_name,
        min(project_seq)    as project_seq,
        count(*)            as entries,
        sum(amount)         as amount
    from {{ ref('fct_project') }}
    where nullif(trim(project_name), '') is not null and amount is not null
    group by document_id, trim(project_name)
),

keys as (
    select document_id, project_name from facts
    union
    select pairs.document_id, facts.project_name
    from pairs
    join facts on facts.document_id = pairs.previous_document_id
),

joined as (
    select
        pairs.region,
        pairs.department,
        pairs.phase,
        pairs.year,
        pairs.document_id,
        keys.project_name,
        this_fact.project_seq as project_seq,
        coalesce(this_fact.entries, 0) as entries,
        this_fact.amount  as this_amount,
        prior_fact.amount as prior_amount,
        pairs.previous_year,
        pairs.previous_document_id
    from keys
    join pairs on pairs.document_id = keys.document_id
    left join facts as this_fact
        on this_fact.document_id = keys.document_id
       and this_fact.project_name = keys.project_name
    left join facts as prior_fact
        on prior_fact.document_id = pairs.previous_document_id
       and prior_fact.project_name = keys.project_name
),

compared as (
    select
        joined.*,
        cast(coalesce(this_amount, 0) as decimal(20, 6)) as amount,
        cast(case when previous_document_id is not null then coalesce(prior_amount, 0) end as decimal(20, 6))
                                                         as previous_amount
    from joined
),

changes as (
    select compared.*, cast(amount - previous_amount as decimal(20, 6)) as change
    from compared
)

select
    region,
    department,
    phase,
    year,
    document_id,
    project_name,
    project_seq,
    entries,
    amount,
    this_amount is not null as in_document,
    previous_year,
    previous_document_id,
    previous_amount,
    prior_amount is not null as in_previous,
    change,
    {{ change_pct }} as change_pct
from changes
