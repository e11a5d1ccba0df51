{{ config(materialized='table') }}  {#- rebuilt whole: its unknown sources are named by their most frequent label across documents -#}
-- Funding sources (资金来源): the vocabulary keys from the seed plus 'total' (the
-- 总计 column), and any key the documents use that the vocabulary does not know
-- (in_vocabulary false; named by its most frequent printed column label).
with vocabulary as (
    select "key" as funding_source, "name" as name, "group" = 'total' as is_total
    from {{ ref('seed_funding_source') }}
    where "group" in ('source', 'total')
),

used as (
    select
        measure as funding_source,
        string_split(column_label, '/')[-1] as label,
        count(*) as n_cells
    from {{ ref('stg_cells') }}
    where measure is not null
      and (measure_group = 'source' or table_kind = 'revenue_by_unit')
    group by measure, string_split(column_label, '/')[-1]
),

unknown as (
    select funding_source, label
    from (
        select
            *,
            row_number() over (partition by funding_source order by n_cells desc, label) as rank_in_key
        from used
        where funding_source not in (select funding_source from vocabulary)
    )
    where rank_in_key = 1
)

select funding_source, name, is_total, true as in_vocabulary from vocabulary
union all
select funding_source, label, false, false from unknown
