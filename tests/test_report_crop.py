"""The page crop of a break's evidence, on a real PDF (box read by hand with `pdftotext -bbox`)."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import pytest

from budget_warehouse.report.crop import CropError, crop_page

# the shared real PDF, committed as a fixture (tests/fixtures/real/README.md)
PDF = Path(__file__).parent / "fixtures" / "real" / "shanghai-putuo-justice-2026-department-budget.pdf"
# Page 10, 2026年部门财务收支预算总表, row 一、财政拨款收入: the amount "96,282,213.44"
# (`pdftotext -f 10 -l 10 -bbox`: xMin 340.475 yMin 181.37 xMax 409.475 yMax 194.714).
PAGE, BOX = 10, (340.475, 181.37, 409.475, 194.714)


def _pdf() -> Path:
    if not PDF.exists():
        pytest.fail(f"{PDF} is missing (see tests/fixtures/real/README.md)")
    return PDF


def _png_gray(png: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/gray PNG (what pdftoppm writes) into rows of gray values."""
    pos, chunks, width = 8, [], 0
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big"), body[8], body[9]
            assert depth == 8 and colour in (0, 2)
            channels = 3 if colour == 2 else 1
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(b"".join(chunks)), width * channels, [], bytearray(width * channels)
    for r in range(height):
        kind, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[::channels]))
        prev = line
    return width, height, rows


def _full_page_gray(pdf: Path, page: int, dpi: int, tmp: Path) -> tuple[int, int, bytes]:
    """The whole page rendered independently as PGM (header, then width × height bytes)."""
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-singlefile",
                    str(pdf), str(tmp / "page")], check=True)
    data = (tmp / "page.pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(width), int(height), pixels


def test_the_crop_is_the_region_around_the_box_with_the_box_highlighted(tmp_path):
    pdf = _pdf()
    crop = crop_page(pdf, PAGE, [BOX], dpi=100, margin=20)
    scale = 100 / 72
    assert crop.scale == pytest.approx(scale)
    # the box plus 20 points on each side, in pixels
    assert crop.width == pytest.approx((BOX[2] - BOX[0] + 40) * scale, abs=1)
    assert crop.height == pytest.approx((BOX[3] - BOX[1] + 40) * scale, abs=1)
    (x0, y0, x1, y1), = crop.boxes
    assert (x0, y0) == (pytest.approx(20 * scale, abs=1), pytest.approx(20 * scale, abs=1))
    assert (x1 - x0, y1 - y0) == (pytest.approx((BOX[2] - BOX[0]) * scale), pytest.approx((BOX[3] - BOX[1]) * scale))

    width, height, rows = _png_gray(crop.png)
    assert (width, height) == (crop.width, crop.height)
    ink = lambda r0, r1, c0, c1: sum(v < 128 for row in rows[r0:r1] for v in row[c0:c1])  # noqa: E731
    inside = ink(int(y0), int(y1), int(x0), int(x1))
    assert inside > 40, "the highlighted box holds the printed amount"
    left_of_it = ink(int(y0), int(y1), 0, int(x0) - 3)
    assert left_of_it < inside / 4, "left of the amount, in the margin, the row is (nearly) blank"

    # the same pixels as the page rendered whole, at the crop's offset
    page_w, page_h, page = _full_page_gray(pdf, PAGE, 100, tmp_path)
    ox, oy = round(crop.origin[0] * scale), round(crop.origin[1] * scale)
    differ = sum(
        abs(rows[r][c] - page[(oy + r) * page_w + ox + c]) > 40 for r in range(height) for c in range(width)
    )
    assert differ <= width * height * 0.01

    svg = crop.svg("一、财政拨款收入")
    assert svg.count('<rect class="cellbox"') == 1 and "data:image/png;base64," in svg


def test_a_page_that_does_not_exist_is_a_clear_error():
    with pytest.raises(CropError, match="page 99"):
        crop_page(_pdf(), 99, [BOX])
