-- One row per document.
select
    documents.document_id,
    documents.region,
    documents.department,
    documents.year,
    documents.phase,
    documents.scope,
    documents.template,
    documents.title,
    documents.content_hash,
    documents.source_name,
    documents.encoding,
    documents.line_count,
    case
        when coalesce(coverage.token_count, 0) = 0 then cast(1.0 as double)
        else cast(coverage.loaded_token_count + coverage.explained_token_count as double) / coverage.token_count
    end                                                  as coverage,
    coalesce(coverage.token_count, 0)                    as token_count,
    coalesce(coverage.loaded_token_count, 0)             as loaded_token_count,
    coalesce(coverage.explained_token_count, 0)          as explained_token_count,
    coalesce(coverage.token_count, 0)
      - coalesce(coverage.loaded_token_count, 0)
      - coalesce(coverage.explained_token_count, 0)      as unexplained_token_count,
    (select count(*) from {{ ref('stg_tables') }} as t
      where t.document_id = documents.document_id)       as table_count
from {{ ref('stg_documents') }} as documents
left join {{ ref('int_document_coverage') }} as coverage
    on coverage.document_id = documents.document_id
