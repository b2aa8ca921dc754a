"""Catalog files as text: UTF-8 (with or without a byte-order mark) and UTF-16/32 with one
(what Excel's 'Unicode text' writes). Anything else is refused with the file, the first bad
byte and charset-normalizer's guess of what the file is, rather than decoded by a guess that
would quietly turn 'Café' into 'CafÃ©'. `encoding=` (the CLI's --encoding) reads a file
whose encoding the user knows.
"""

from __future__ import annotations

import codecs
from pathlib import Path

__all__ = ["EncodingError", "decode", "read_text"]

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


class EncodingError(ValueError):
    """The file is not text in an encoding we read; the message names the file and a guess."""


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of `path` and the encoding it was read with. Raises EncodingError."""
    path = Path(path)
    return decode(path.read_bytes(), str(path), encoding)


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """`data` as text (see the module); `name` is how errors name the file."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise EncodingError(f"{name}: unknown encoding {encoding!r}") from None
        candidates = [encoding]
    else:
        candidates = [next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")]
    try:
        return data.decode(candidates[0]), candidates[0]
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        where = f"byte {e.start} (line {line}) is {data[e.start:e.start + 1]!r}"
        if encoding:
            raise EncodingError(f"{name}: not {encoding}: {where}") from None
        guess = _guess(data)
        hint = (
            f"it looks like {guess}: save it as UTF-8 (in Excel: 'CSV UTF-8') or pass --encoding {guess}"
            if guess
            else "save it as UTF-8 (in Excel: 'CSV UTF-8')"
        )
        raise EncodingError(f"{name}: not UTF-8 or UTF-16 text ({where}); {hint}") from None


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None
