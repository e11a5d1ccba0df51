"""A PDF page cropped to some cells, with the cells' boxes highlighted (for a break's evidence).

Boxes are in PDF points with the origin at the top left (as pdfplumber and
PyMuPDF report them and the extractor records them). The page is rendered by
``pdftoppm`` (Debian's poppler-utils, installed by ``make setup``) at ``dpi``,
cut to the boxes' union plus ``margin`` points; the highlight is drawn as SVG
rectangles over the image, so the image itself stays the page as printed.
"""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points


class CropError(RuntimeError):
    pass


@dataclass(frozen=True)
class Crop:
    png: bytes
    width: int  # pixels
    height: int
    origin: tuple[float, float]  # the crop's top-left corner on the page, in points
    scale: float  # pixels per point
    boxes: tuple[Box, ...]  # the highlighted boxes, in the crop's pixels

    def svg(self, title: str = "") -> str:
        """The crop as one inline SVG: the image, then the boxes outlined."""
        data = base64.b64encode(self.png).decode("ascii")
        rects = "".join(
            f'<rect class="cellbox" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}"/>'
            for x0, y0, x1, y1 in self.boxes
        )
        return (
            f'<svg class="crop" xmlns="http://www.w3.org/2000/svg" role="img" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}"><title>{escape(title)}</title>'
            f'<image href="data:image/png;base64,{data}" width="{self.width}" height="{self.height}"/>{rects}</svg>'
        )


def png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise CropError("pdftoppm did not write a PNG")
    return struct.unpack(">II", png[16:24])


def crop_page(pdf: Path, page: int, boxes: list[Box], *, dpi: int = 110, margin: float = 18.0) -> Crop:
    """Render page ``page`` (1-based) of ``pdf`` cut to ``boxes`` (points, origin top-left) plus ``margin``."""
    if not boxes:
        raise CropError("no box to crop to")
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise CropError("pdftoppm not found: install poppler-utils (make setup)")
    scale = dpi / 72
    left = max(0.0, min(b[0] for b in boxes) - margin)
    top = max(0.0, min(b[1] for b in boxes) - margin)
    right = max(b[2] for b in boxes) + margin
    bottom = max(b[3] for b in boxes) + margin
    x, y = round(left * scale), round(top * scale)
    w, h = round((right - left) * scale), round((bottom - top) * scale)
    with tempfile.TemporaryDirectory(prefix="crop-") as tmp:
        out = Path(tmp) / "crop"
        done = subprocess.run(
            [tool, "-f", str(page), "-l", str(page), "-r", str(dpi), "-x", str(x), "-y", str(y),
             "-W", str(w), "-H", str(h), "-png", "-singlefile", str(pdf), str(out)],
            capture_output=True, text=True, timeout=60,
        )
        if done.returncode != 0 or not out.with_suffix(".png").exists():
            raise CropError(f"{pdf}: page {page} could not be rendered: {done.stderr.strip() or done.returncode}")
        png = out.with_suffix(".png").read_bytes()
    width, height = png_size(png)  # smaller than asked where the region passes the page's edge
    origin = (x / scale, y / scale)
    pixel_boxes = tuple(
        ((b[0] - origin[0]) * scale, (b[1] - origin[1]) * scale, (b[2] - origin[0]) * scale, (b[3] - origin[1]) * scale)
        for b in boxes
    )
    return Crop(png, width, height, origin, scale, pixel_boxes)
