{{ config(materialized='table') }}
-- What this warehouse has loaded: each document's staging batch (the manifest when it was built).
-- The next build's document_scope compares the manifest with it.
-- depends_on: {{ ref('document_scope') }}
select document_id, batch, content_hash from read_parquet('{{ staging_root() }}/_manifest.parquet')
