"""Text made matchable without moving a character: traditional → simplified one character for one
(OpenCC's character table, shipped in the opencc-python-reimplemented wheel, Apache-2.0), full-width
digits, letters and signs → ASCII. Every replacement is one character for one, so an offset in the
normalized text is the same offset in the original, and spans point into what the officer pasted.
Pure: no Django."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def _table() -> dict[int, str]:
    import opencc  # only for where its dictionary lies; nothing is downloaded

    table: dict[int, str] = {}
    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    for code in range(0xFF01, 0xFF5F):  # full-width ！ … ～ → ASCII
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    for variant, simplified in ("陜陕", "峯峰", "銹锈"):  # variants the character table leaves
        table[ord(variant)] = simplified
    for keep in "，。；：？！（）":  # keep Chinese punctuation as it is: clauses split on it
        table.pop(ord(keep), None)
    for keep in "～":
        table.pop(ord(keep), None)
    return table


def normalize(text: str) -> str:
    """Same length as ``text``; simplified characters and ASCII digits."""
    return text.translate(_table())
