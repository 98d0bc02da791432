"""A small line chart as PNG bytes, with numpy and zlib only (no matplotlib or Pillow is installed):
an indicator's yearly values against its straight-line path, for the evaluation reports. The image
holds no text (there is no font to draw with); the document's caption and table name the years and
values. Pure: no Django."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

import numpy as np

WIDTH, HEIGHT, PAD = 640, 300, 30
AXIS, GRID = (80, 80, 80), (225, 225, 225)
VALUE, PATH, TARGET = (22, 119, 255), (255, 125, 0), (217, 0, 27)  # 蓝 value, 橙 path, 红 target (UI guide colours)


def png(pixels: np.ndarray) -> bytes:
    """An RGB uint8 array (height × width × 3) as a PNG file."""
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _line(img, x0, y0, x1, y1, colour, width=2, dash=0):
    n = int(max(abs(x1 - x0), abs(y1 - y0), 1))
    for i in range(n + 1):
        if dash and (i // dash) % 2:
            continue
        x, y = round(x0 + (x1 - x0) * i / n), round(y0 + (y1 - y0) * i / n)
        img[max(y - width // 2, 0):y + width - width // 2, max(x - width // 2, 0):x + width - width // 2] = colour


def _dot(img, x, y, colour, r=4):
    yy, xx = np.ogrid[:img.shape[0], :img.shape[1]]
    img[(xx - x) ** 2 + (yy - y) ** 2 <= r * r] = colour


def line_chart(years: Sequence[int], values: Sequence[float | None], path: Sequence[float | None],
               goal: float | None = None) -> bytes:
    """Values (blue, dots) and the path (orange, dashed) by year; the goal as a red dashed line."""
    img = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    known = [v for v in [*values, *path, goal] if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    lo = min(lo, 0.0)
    if hi - lo < 1e-12:
        hi = lo + 1.0
    hi += (hi - lo) * 0.1
    n = max(len(years) - 1, 1)

    def xy(i, v):
        return PAD + (WIDTH - 2 * PAD) * i / n, HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v - lo) / (hi - lo)

    for k in range(5):
        y = PAD + (HEIGHT - 2 * PAD) * k / 4
        _line(img, PAD, y, WIDTH - PAD, y, GRID, 1)
    _line(img, PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD, AXIS)
    _line(img, PAD, PAD, PAD, HEIGHT - PAD, AXIS)
    for i in range(len(years)):
        x, _ = xy(i, lo)
        _line(img, x, HEIGHT - PAD, x, HEIGHT - PAD + 6, AXIS)
    if goal is not None:
        _line(img, PAD, xy(0, goal)[1], WIDTH - PAD, xy(0, goal)[1], TARGET, 2, dash=8)
    for series, colour, dash in ((path, PATH, 6), (values, VALUE, 0)):
        pts = [xy(i, v) for i, v in enumerate(series) if v is not None]
        for a, b in zip(pts, pts[1:], strict=False):
            _line(img, *a, *b, colour, 3, dash)
        if not dash:
            for p in pts:
                _dot(img, round(p[0]), round(p[1]), colour)
    return png(img)
