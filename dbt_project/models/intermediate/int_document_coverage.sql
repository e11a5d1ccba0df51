-- Coverage account per document (as ExtractedDocument.coverage()): numeric
-- tokens of the text, loaded into a record, not loaded with a stated reason
-- (explained), and the rest (unexplained: a gap in the extractor).
select
    document_id,
    count(*)                                                                     as token_count,
    count(*) filter (where accounted)                                            as loaded_token_count,
    count(*) filter (where not coalesce(accounted, false) and nullif(reason, '') is not null)
                                                                                 as explained_token_count
from {{ ref('stg_tokens') }}
group by document_id
