"""Bytes to text: UTF-8, UTF-16 (with BOM or detectable by NUL pattern) and GBK/GB18030.

Files that are not text are told apart by their first bytes, so the error says
what they are: an Office file (to be saved as PDF or text), or another binary.
(PDF is read before this, by ``pdf.py``.)"""

from __future__ import annotations

import io
import zipfile

from budget_warehouse.extract.errors import BinaryDocument, EmptyDocument, OfficeDocument, TooLarge

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    # CJK text in UTF-16 has few NULs; ASCII markup (tabs, digits, newlines) gives many.
    if odd_nuls > half * 0.2 and even_nuls < half * 0.02:
        return "utf-16-le"
    if even_nuls > half * 0.2 and odd_nuls < half * 0.02:
        return "utf-16-be"
    return None


def decode(data: bytes, *, source: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Return (text, encoding). Raises EmptyDocument, BinaryDocument or TooLarge."""
    if len(data) > max_bytes:
        raise TooLarge(f"file is {len(data)} bytes, over the limit of {max_bytes} bytes", source=source)
    if not data.strip():
        raise EmptyDocument("file is empty (no text at all)", source=source)
    _refuse_known_binary(data, source)
    candidates: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.append("utf-8-sig")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates.append("utf-16")
    else:
        guess = _looks_utf16(data)
        if guess:
            candidates.append(guess)
        candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_text(text):
            return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise BinaryDocument(
        "file is not text: it decodes as none of UTF-8, UTF-16 or GB18030 "
        "(or holds control bytes); expected a text conversion of a budget document",
        source=source,
    )


_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_OOXML = {"word/": "a Word document (.docx)", "xl/": "an Excel workbook (.xlsx)", "ppt/": "a PowerPoint file (.pptx)"}
_OFFICE_HINT = "; save it as PDF (or export the text) and ingest that"


def _refuse_known_binary(data: bytes, source: str) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise OfficeDocument("file is a legacy Office document (.doc/.xls/.ppt, OLE format)" + _OFFICE_HINT, source=source)
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        for prefix, what in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                raise OfficeDocument(f"file is {what}" + _OFFICE_HINT, source=source)
        raise BinaryDocument("file is a ZIP archive, not a document; unpack it and ingest its files", source=source)
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryDocument(f"file is {what}, not a document; expected a PDF or a text conversion", source=source)


def _is_text(text: str) -> bool:
    if "\x00" in text:
        return False
    sample = text[:20000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return control <= len(sample) * 0.001
