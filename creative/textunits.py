"""Text as a platform sees it: user-perceived characters (graphemes), how wide each counts
(Google counts CJK double), and whether text ends cleanly or on a dangling word. Shared by
the decoder (budgets while writing) and the limits (fitting after)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from creative import data

COUNTINGS = ("chars", "google")
# Punctuation that may end copy: it closes a sentence, a quote or a bracket, or marks a footnote.
_KEEP = set(".!?…。！？*%‰'\"＂＇")
_STRIP_SYMBOLS = set("|~^=<>")


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


def solo(cluster: str) -> bool:
    """A cluster that stands alone, like a word: CJK (written without spaces) and emoji flags."""
    return _wide(cluster[0]) or 0x1F1E6 <= ord(cluster[0]) <= 0x1F1FF


def char_width(cluster: str, counting: str) -> int:
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
    return sum(char_width(g, counting) for g in graphemes(unicodedata.normalize("NFC", text)))


# -- clean endings ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _dangling() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    text = data.load("compliance")["text"]
    zh = tuple(sorted(text["dangling_zh"], key=len, reverse=True))  # "以及" before "及"
    return frozenset(w.lower() for w in text["dangling"]), zh, tuple(text["dangling_zh_keep"])


def is_space(g: str) -> bool:
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
    while start and not is_space(g[start - 1]) and not solo(g[start - 1]):
        start -= 1
    return start


def _core(word: str) -> str:
    return "".join(c for c in word if unicodedata.category(c)[0] not in "PS").lower() or word


def clean_end(g: list[str], end: int) -> int:
    """Where the clean ending of g[:end] is: drop trailing spaces, clause-opening punctuation,
    symbol-only tokens and dangling function words, repeatedly (so "shoes for the," -> "shoes")."""
    words, zh, zh_keep = _dangling()
    while True:
        before = end
        while end and (is_space(g[end - 1]) or _strippable(g[end - 1])):
            end -= 1
        if not end:
            return 0
        if solo(g[end - 1]):
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
    return clean_end(g, len(g)) != len(g)
