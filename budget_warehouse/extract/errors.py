"""The extractor's own errors: each says which file, where, and what was expected."""

from __future__ import annotations


class ExtractionError(Exception):
    """Input the extractor cannot turn into records. ``reason`` is a stable key."""

    reason = "invalid"

    def __init__(self, message: str, *, source: str = "", line: int | None = None, table: str | None = None):
        self.source = source
        self.line = line
        self.table = table
        self.detail = message
        where = source or "<text>"
        if table:
            where += f", table {table}"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")


class EmptyDocument(ExtractionError):
    reason = "empty"


class BinaryDocument(ExtractionError):
    reason = "binary"


class TooLarge(ExtractionError):
    reason = "too_large"


class NotABudget(ExtractionError):
    reason = "not_a_budget"


class TruncatedDocument(ExtractionError):
    reason = "truncated"


class NoTextLayer(ExtractionError):
    reason = "no_text_layer"


class UnreadablePdf(ExtractionError):
    reason = "unreadable_pdf"


class OfficeDocument(ExtractionError):
    reason = "office_document"
