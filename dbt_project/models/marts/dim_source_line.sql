-- Provenance: every fact's (document_id, source_line) points at one of these lines.
select document_id, source_line, text, page
from {{ ref('stg_lines') }}
