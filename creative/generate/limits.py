"""Platform copy limits: how long each field may be, how a platform counts, and clean cuts.

`fit` shortens copy the way a copywriter would: at a clause or word boundary (a phrase or
character boundary in Chinese), never inside a word or an emoji, never ending on a dangling
"and" or comma. When nothing meaningful fits it returns "", so the caller regenerates or drops
the variant: a platform rejects or truncates text over its limit, and both look worse.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from creative import data
from creative.textunits import COUNTINGS, char_width, clean_end, dangling_end, graphemes, is_space, solo, text_length

__all__ = ["COUNTINGS", "PlatformSpec", "check_fields", "dangling_end", "fit", "graphemes", "platform_names", "platform_spec", "text_length"]

Counting = Literal["chars", "google"]

# A cut here ends a clause, so the shortened copy still reads as finished.
_CLAUSE_END = set(".!?;,:…，。！？、；：")
# A standalone token made of these separates clauses: "Light - and fast", "Shoes | Free returns".
_SEPARATORS = set("-–—|/·•")
_PAIRS = ("()", "[]", "{}", "（）", "【】", "「」", "『』", "《》", "“”")
_PREFER_KEEP = 0.6  # a clause boundary wins when it keeps at least this share of the limit


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    label: str
    counting: Counting
    fields: dict[str, int]  # field -> the most characters it may hold, counted by `counting`


def platform_names() -> list[str]:
    return list(data.load("platforms"))


def platform_spec(name: str) -> PlatformSpec:
    specs = data.load("platforms")
    if name not in specs:
        raise ValueError(f"unknown platform {name!r}; choose from {', '.join(specs)}")
    spec = specs[name]
    if spec["counting"] not in COUNTINGS:
        raise ValueError(f"platforms.toml: {name}.counting must be one of {', '.join(COUNTINGS)}")
    return PlatformSpec(name, spec["label"], spec["counting"], {f: int(n) for f, n in spec["fields"].items()})


def check_fields(fields: dict[str, str], spec: PlatformSpec) -> dict[str, int]:
    """{field: characters over its limit} for each field that does not fit; {} when all do."""
    unknown = [f for f in fields if f not in spec.fields]
    if unknown:
        raise ValueError(f"{spec.name} has no field(s) {', '.join(unknown)}; it has {', '.join(spec.fields)}")
    over = {f: text_length(text, spec.counting) - spec.fields[f] for f, text in fields.items()}
    return {f: n for f, n in over.items() if n > 0}


# -- fitting --------------------------------------------------------------------------------


def _atoms(g: list[str]):
    """(start, end) of each unit a cut may not split: a Latin-script word, or one `solo` cluster
    (CJK is written without spaces, so any character boundary between ideographs is a break)."""
    i = 0
    while i < len(g):
        if is_space(g[i]):
            i += 1
        elif solo(g[i]):
            yield i, i + 1
            i += 1
        else:
            j = i
            while j < len(g) and not is_space(g[j]) and not solo(g[j]):
                j += 1
            yield i, j
            i = j


def _balanced(text: str) -> bool:
    return all(text.count(o) <= text.count(c) for o, c in _PAIRS)


def fit(text: str, limit: int, counting: str = "chars", language: str = "en") -> str:
    """`text` if it fits `limit`; else a clean prefix that does, or "" if none does.

    A cut falls at a word boundary (English) or at a phrase, else character, boundary (Chinese),
    preferring one that leaves brackets closed, then the end of a clause or phrase when that
    keeps at least 60% of the limit, then the longest. The
    result never ends on a dangling word or clause-opening punctuation, and never splits a
    word, an emoji or an accented letter. Whitespace is collapsed in a shortened text.
    """
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    if text_length(text, counting) <= limit:
        return text
    g = graphemes(" ".join(unicodedata.normalize("NFC", text).split()))
    width = list(accumulate((char_width(c, counting) for c in g), initial=0))
    if width[-1] <= limit:
        return "".join(g)
    meaningful = next((i for i, c in enumerate(g) if unicodedata.category(c[0])[0] in "LN"), len(g))
    atoms = list(_atoms(g))
    best: tuple[tuple, int] | None = None
    for k, (start, end) in enumerate(atoms):
        if width[start] > limit:
            break
        cut = clean_end(g, end)
        if width[cut] > limit or cut <= meaningful:
            continue
        key = (_balanced("".join(g[:cut])), _boundary(g, atoms, k, language) and width[cut] >= _PREFER_KEEP * limit, width[cut])
        if best is None or key > best[0]:
            best = (key, cut)
    return "".join(g[: best[1]]) if best else ""


def _boundary(g: list[str], atoms: list[tuple[int, int]], k: int, language: str) -> bool:
    """Whether a cut after atom k ends a clause (or, in Chinese, a space-separated phrase)."""
    _, end = atoms[k]
    if g[end - 1][0] in _CLAUSE_END:
        return True
    if k + 1 < len(atoms):
        nxt = "".join(g[slice(*atoms[k + 1])])
        if set(nxt) <= _SEPARATORS:
            return True
    return language == "zh" and end < len(g) and is_space(g[end])
