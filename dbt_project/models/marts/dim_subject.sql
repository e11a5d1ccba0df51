{{ config(materialized='table') }}  {#- rebuilt whole: its names are the most frequent across documents -#}
-- One row per functional subject code (支出功能分类科目) × document year seen in
-- any document; 类/款 parents named from the documents or the national seed.
with dimension as (
    {{ classification_dimension(
        seen=ref('int_subject_codes_seen'),
        seed=ref('seed_functional_subject'),
        levels=[(3, '类'), (5, '款'), (7, '项')],
        parents=[(3, 'class'), (5, 'section')]
    ) }}
)

select
    code as subject_code,
    year,
    level,
    class_code,
    class_name,
    class_name_source,
    section_code,
    section_name,
    section_name_source,
    name,
    name_source,
    seed_name,
    in_national_seed,
    document_count
from dimension
