{{ config(materialized='table') }}  {#- rebuilt whole: its names are the most frequent across documents -#}
-- One row per economic class code (部门预算支出经济分类) × document year seen in
-- any document; the 类 parent named from the documents or the national seed.
with dimension as (
    {{ classification_dimension(
        seen=ref('int_econ_codes_seen'),
        seed=ref('seed_economic_class'),
        levels=[(3, '类'), (5, '款')],
        parents=[(3, 'class')]
    ) }}
)

select
    code as econ_code,
    year,
    level,
    class_code,
    class_name,
    class_name_source,
    name,
    name_source,
    seed_name,
    in_national_seed,
    document_count
from dimension
