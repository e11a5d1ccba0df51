-- Words of the prose a reviewer questions (TextFinding): placeholders, leftover template
-- text, blanks where a number belongs, doubled punctuation, and every year that a heading,
-- date, comparison or 年度 mentions. Checked by chk_text_wording.
select
    cast(document_id as varchar)   as document_id,
    cast(finding_id as varchar)    as finding_id,
    cast(source_line as integer)   as source_line,
    cast(kind as varchar)          as kind,
    cast(excerpt as varchar)       as excerpt,
    cast(text as varchar)          as text,
    cast(hides_amount as boolean)  as hides_amount,
    cast(year as integer)          as year,
    cast(year_context as varchar)  as year_context
from {{ staging_parquet('text_findings') }}
