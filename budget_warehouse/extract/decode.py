"""Bytes to text: UTF-8, UTF-16 (with BOM or detectable by NUL pattern) and GBK/GB18030."""

from __future__ import annotations

from budget_warehouse.extract.errors import BinaryDocument, EmptyDocument, TooLarge

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


def _is_text(text: str) -> bool:
    if "\x00" in text:
        return False
    sample = text[:20000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return control <= len(sample) * 0.001
