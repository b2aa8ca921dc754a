"""Platform copy limits: how long each field may be, how a platform counts, and clean cuts.

`fit` shortens copy the way a copywriter would: at a clause or word boundary (a phrase or
character boundary in Chinese), never inside a word or an emoji, never ending on a dangling
"and" or comma. When nothing meaningful fits it returns "", so the caller regenerates or drops
the variant: a platform rejects or truncates text over its limit, and both look worse.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Literal

from creative import data

Counting = Literal["chars", "google"]
COUNTINGS = ("chars", "google")

# A cut here ends a clause, so the shortened copy still reads as finished.
_CLAUSE_END = set(".!?;,:…，。！？、；：")
# A standalone token made of these separates clauses: "Light - and fast", "Shoes | Free returns".
_SEPARATORS = set("-–—|/·•")
# Punctuation that may end copy: it closes a sentence, a quote or a bracket, or marks a footnote.
_KEEP = set(".!?…。！？*%‰'\"＂＇")
_STRIP_SYMBOLS = set("|~^=<>")
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


# -- counting ---------------------------------------------------------------------------


def graphemes(text: str) -> list[str]:
    """Split text into user-perceived characters (a simplified UAX #29): a base character with
    its combining marks, variation selectors, skin tones, ZWJ emoji sequences, flag pairs and
    tag sequences stay together, so no cut or count ever splits one."""
    out: list[str] = []
    for ch in text:
        if out and _extends(out[-1], ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _extends(cluster: str, ch: str) -> bool:
    cp = ord(ch)
    if unicodedata.category(ch) in ("Mn", "Me", "Mc") or ch == "\u200d" or cluster[-1] == "\u200d":
        return True
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:
        return True  # variation selectors, emoji skin tones, emoji tag sequences
    regional = 0x1F1E6 <= cp <= 0x1F1FF
    return regional and len(cluster) == 1 and 0x1F1E6 <= ord(cluster) <= 0x1F1FF  # a flag: two indicators


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _solo(cluster: str) -> bool:
    """A cluster that stands alone, like a word: CJK (written without spaces) and emoji flags."""
    return _wide(cluster[0]) or 0x1F1E6 <= ord(cluster[0]) <= 0x1F1FF


def _width(cluster: str, counting: str) -> int:
    if counting == "chars":
        return 1
    # Google documents characters, not clusters: count every code point (an emoji sequence
    # counts more than once), which can only overestimate, never overflow.
    return sum(2 if _wide(c) else 1 for c in cluster)


def text_length(text: str, counting: str) -> int:
    """Length as a platform counts it. "chars": user-perceived characters after NFC (an accent
    or an emoji sequence is one); "google": double-width (CJK, fullwidth, emoji) counts 2."""
    if counting not in COUNTINGS:
        raise ValueError(f"unknown counting {counting!r}; choose from {', '.join(COUNTINGS)}")
    return sum(_width(g, counting) for g in graphemes(unicodedata.normalize("NFC", text)))


# -- clean endings ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _dangling() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    text = data.load("compliance")["text"]
    zh = tuple(sorted(text["dangling_zh"], key=len, reverse=True))  # "以及" before "及"
    return frozenset(w.lower() for w in text["dangling"]), zh, tuple(text["dangling_zh_keep"])


def _space(g: str) -> bool:
    return g[0].isspace()


def _strippable(g: str) -> bool:
    """Trailing punctuation that leaves a clause open: a comma, colon, dash, opening bracket..."""
    c = g[0]
    cat = unicodedata.category(c)
    return (cat[0] == "P" and cat not in ("Pe", "Pf") and c not in _KEEP) or c in _STRIP_SYMBOLS


def _content(g: str) -> bool:
    return unicodedata.category(g[0])[0] in "LN" or unicodedata.category(g[0]) in ("So", "Sc")


def _word_start(g: list[str], end: int) -> int:
    """Start of the Latin-script word (a run of narrow, non-space clusters) ending at `end`."""
    start = end
    while start and not _space(g[start - 1]) and not _solo(g[start - 1]):
        start -= 1
    return start


def _core(word: str) -> str:
    return "".join(c for c in word if unicodedata.category(c)[0] not in "PS").lower() or word


def _trim(g: list[str], end: int) -> int:
    """Where the clean ending of g[:end] is: drop trailing spaces, clause-opening punctuation,
    symbol-only tokens and dangling function words, repeatedly (so "shoes for the," -> "shoes")."""
    words, zh, zh_keep = _dangling()
    while True:
        before = end
        while end and (_space(g[end - 1]) or _strippable(g[end - 1])):
            end -= 1
        if not end:
            return 0
        if _solo(g[end - 1]):
            tail = "".join(g[max(0, end - 4) : end])
            if not any(tail.endswith(k) for k in zh_keep):
                end -= next((len(w) for w in zh if tail.endswith(w) and "".join(g[end - len(w) : end]) == w), 0)
        else:
            start = _word_start(g, end)
            word = g[start:end]
            if not any(_content(c) for c in word) or _core("".join(word)) in words:
                end = start
        if end == before:
            return end


def dangling_end(text: str, language: str = "en") -> bool:
    """Whether text ends unfinished: on a function word ("and", "的"), a comma, colon or dash.
    Both the English and the Chinese lists apply whatever the language: copy mixes them."""
    g = graphemes(unicodedata.normalize("NFC", text).strip())
    return _trim(g, len(g)) != len(g)


# -- fitting --------------------------------------------------------------------------------


def _atoms(g: list[str]):
    """(start, end) of each unit a cut may not split: a Latin-script word, or one `_solo` cluster
    (CJK is written without spaces, so any character boundary between ideographs is a break)."""
    i = 0
    while i < len(g):
        if _space(g[i]):
            i += 1
        elif _solo(g[i]):
            yield i, i + 1
            i += 1
        else:
            j = i
            while j < len(g) and not _space(g[j]) and not _solo(g[j]):
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
    width = list(accumulate((_width(c, counting) for c in g), initial=0))
    if width[-1] <= limit:
        return "".join(g)
    meaningful = next((i for i, c in enumerate(g) if unicodedata.category(c[0])[0] in "LN"), len(g))
    atoms = list(_atoms(g))
    best: tuple[tuple, int] | None = None
    for k, (start, end) in enumerate(atoms):
        if width[start] > limit:
            break
        cut = _trim(g, end)
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
    return language == "zh" and end < len(g) and _space(g[end])
