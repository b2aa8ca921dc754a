"""Copy compliance: claims an ad may not make, words a brand never uses, terms it must show.

Rules are data. `creative/data/compliance.toml` holds the defaults (English and Chinese); a
brand's TOML file with the same top-level keys extends them:

    competitors = ["Acme", "阿克米"]            # never repairable: the variant is dropped
    required = ["Northpeak"]                   # each must appear in at least one field
    forbidden_brand_terms = ["cheap"]          # removed by `repair`
    superlatives = ["peerless"]                # also: banned, guarantees, health_claims, profanity
    allow = ["clinically proven"]              # fine here, even inside a default term
    drop = ["forbidden_brand_terms"]           # more categories `repair` must not fix

Every key is optional and every value a list of strings. Matching is case-insensitive: a term
with CJK characters matches anywhere (Chinese has no spaces between words: "最" matches "最好"),
any other term whole words only, with spaces and hyphens interchangeable and apostrophes
optional: "best" matches "Best!" and "best-selling", not "bestow" or "bestseller" (which the
defaults list on its own).

`repair` removes what can be removed without changing what the ad says ("The best running
shoe" -> "The running shoe"); where the claim is the message (health, profanity, a competitor,
a missing required term) it returns None and the variant is dropped.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from creative import data
from creative.generate.limits import dangling_end

CATEGORIES = ("banned", "superlatives", "guarantees", "health_claims", "profanity", "competitors", "forbidden_brand_terms")
_LISTS = CATEGORIES + ("required", "allow", "drop")
# A health claim, profanity or a competitor's name is the point of its sentence: removing the
# word leaves a different (or broken) ad, so `repair` never tries, whatever a brand file says.
ALWAYS_DROP = frozenset({"health_claims", "profanity", "competitors"})

# CJK scripts: no spaces between words, so their terms match as substrings.
_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
_HAS_CJK = re.compile(f"[{_CJK}]")
_LATIN_WORD = f"[^\\W{_CJK}]"  # a word character that is not CJK: what a Latin word edge borders
_JOINER = r"[\s\-\u2010\u2011]+"  # "risk free" = "risk-free" = "risk‑free"
_APOSTROPHES = str.maketrans("\u2019\u2018\u02bc\u2032", "''''")  # one for one: spans stay valid


@dataclass(frozen=True)
class Violation:
    rule: str  # a category, or "required"
    term: str  # the rule's term (as configured), not the text that matched
    field: str = ""
    detail: str = ""  # the text that matched, or why a required term counts as missing


@dataclass(frozen=True)
class Rules:
    banned: tuple[str, ...] = ()
    superlatives: tuple[str, ...] = ()
    guarantees: tuple[str, ...] = ()
    health_claims: tuple[str, ...] = ()
    profanity: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    forbidden_brand_terms: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()  # phrases that are fine although they contain a term
    drop: frozenset[str] = frozenset()  # categories `repair` never fixes, besides ALWAYS_DROP

    def extended(self, other: dict[str, list[str]]) -> Rules:
        """These rules with `other`'s terms added (duplicates, ignoring case, dropped)."""
        changes: dict = {}
        for key, terms in other.items():
            if key == "drop":
                changes[key] = self.drop | frozenset(terms)
                continue
            out = list(getattr(self, key))
            seen = {t.casefold() for t in out}
            for t in terms:
                if t.casefold() not in seen:
                    seen.add(t.casefold())
                    out.append(t)
            changes[key] = tuple(out)
        return replace(self, **changes)


def _validated(raw: dict, source: str) -> dict[str, list[str]]:
    unknown = [k for k in raw if k not in _LISTS]
    if unknown:
        raise ValueError(f"{source}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(_LISTS)}")
    out = {}
    for key, terms in raw.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ValueError(f"{source}: {key} must be a list of non-empty strings")
        out[key] = [unicodedata.normalize("NFC", t.strip()) for t in terms]
    bad = [c for c in out.get("drop", []) if c not in CATEGORIES]
    if bad:
        raise ValueError(f"{source}: drop names unknown categories {', '.join(bad)}; expected some of {', '.join(CATEGORIES)}")
    return out


@lru_cache(maxsize=1)
def _defaults() -> Rules:
    raw = {k: v for k, v in data.load("compliance").items() if k in _LISTS}
    return Rules().extended(_validated(raw, "creative/data/compliance.toml"))


def load_rules(brand_file: str | Path | None = None) -> Rules:
    """The default rules, extended by a brand's TOML file (see the module docstring)."""
    if brand_file is None:
        return _defaults()
    path = Path(brand_file)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"brand compliance file {path} not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"brand compliance file {path} cannot be read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"brand compliance file {path} is not valid TOML: {e}") from None
    return _defaults().extended(_validated(raw, f"brand compliance file {path}"))


# -- matching -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _pattern(term: str) -> re.Pattern:
    term = term.translate(_APOSTROPHES)
    words = re.split(_JOINER, term.strip())
    body = _JOINER.join(re.escape(w).replace("'", "'?") for w in words)
    if not _HAS_CJK.search(term):  # whole words: no Latin letter or digit right before or after
        if re.match(r"\w", term[0]):
            body = f"(?<!{_LATIN_WORD})" + body
        if re.match(r"\w", term[-1]):
            body += f"(?!{_LATIN_WORD})"
    return re.compile(body, re.IGNORECASE)


def _spans(text: str, term: str) -> list[tuple[int, int]]:
    return [m.span() for m in _pattern(term).finditer(text) if m.end() > m.start()]


def _matches(text: str, rules: Rules) -> list[tuple[int, int, str, str]]:
    """(start, end, category, term) for every term match in `text` (NFC, apostrophes unified)
    that no allowed phrase covers, keeping only the longest match within a category."""
    allowed = [s for t in rules.allow for s in _spans(text, t)]
    found = []
    for category in CATEGORIES:
        hits = {}
        for term in getattr(rules, category):
            for s, e in _spans(text, term):
                if not any(a <= s and e <= b for a, b in allowed):
                    hits.setdefault((s, e), term)
        for (s, e), term in hits.items():
            if not any(a <= s and e <= b and (a, b) != (s, e) for a, b in hits):
                found.append((s, e, category, term))
    return sorted(found, key=lambda m: (m[0], -m[1], CATEGORIES.index(m[2])))


def _prepare(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _term_violations(text: str, rules: Rules, field: str) -> list[Violation]:
    text = _prepare(text)
    return [Violation(c, t, field, f'"{text[s:e]}"') for s, e, c, t in _matches(text.translate(_APOSTROPHES), rules)]


def contains(text: str, term: str) -> bool:
    """Whether `text` contains `term`, matched as the rules match (see the module docstring)."""
    return bool(_spans(_prepare(text).translate(_APOSTROPHES), term))


def check(text: str, rules: Rules, language: str = "en", field: str = "") -> list[Violation]:
    """Every violation in one text, taken as a whole ad: term matches in text order, then each
    required term it lacks. Matching depends on each term's script, not on `language`, so
    mixed copy ("Nike 跑鞋") is covered either way."""
    missing = [Violation("required", t, field, "missing") for t in rules.required if not contains(text, t)]
    return _term_violations(text, rules, field) + missing


def check_fields(fields: dict[str, str], rules: Rules, language: str) -> list[Violation]:
    """Term violations per field (with `field` set), then each required term that no field
    contains (with `field` empty)."""
    found = [v for f, text in fields.items() for v in _term_violations(text, rules, f)]
    missing = [t for t in rules.required if not any(contains(text, t) for text in fields.values())]
    return found + [Violation("required", t, "", "missing from every field") for t in missing]


# -- repair -----------------------------------------------------------------------------------


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _modifiers() -> tuple[tuple[str, ...], ...]:
    r = data.load("compliance")["repair"]
    return tuple(_longest_first(r[k]) for k in ("before", "after", "before_zh", "after_zh"))


def _is_cjk(ch: str) -> bool:
    return bool(_HAS_CJK.match(ch))


def _widen(text: str, s: int, e: int) -> tuple[int, int]:
    """Grow a match over what only makes sense with it: the rest of a hyphenated compound
    ("best-in-class"), intensifiers right before it ("very best", "号称最") and after it
    ("best ever", "最好的跑鞋" -> "跑鞋")."""
    before, after, before_zh, after_zh = _modifiers()
    word = r"[^\W_]"
    if not _is_cjk(text[s]):
        while m := re.search(rf"{word}+[\-\u2010\u2011]$", text[:s]):
            s = m.start()
        while m := re.match(rf"[\-\u2010\u2011]{word}+", text[e:]):
            e += m.end()
    changed = True
    while changed:
        changed = False
        head = text[:s].rstrip()
        for mod in before:
            if head.lower().endswith(mod) and (len(head) == len(mod) or not head[-len(mod) - 1].isalnum()):
                s, changed = len(head) - len(mod), True
                break
        for mod in before_zh:
            if text[:s].endswith(mod):
                s, changed = s - len(mod), True
                break
    for mod in after:
        m = re.match(rf"\s+({re.escape(mod)})(?!{word})", text[e:], re.IGNORECASE)
        if m:
            e += m.end()
            break
    if _is_cjk(text[e - 1]):
        e += next((len(mod) for mod in after_zh if text.startswith(mod, e)), 0)
    return s, e


def _cut(text: str, s: int, e: int) -> str:
    """Remove text[s:e], keeping the words around it apart and the grammar around it right."""
    head, tail = text[:s], text[e:]
    if head and tail and not head[-1].isspace() and not tail[0].isspace() and not (_is_cjk(head[-1]) or _is_cjk(tail[0])):
        head += " "
    article = re.search(r"(?:^|\s)(an?)\s*$", head, re.IGNORECASE)
    nxt = re.match(r"\s*([^\W\d_])", tail)
    if article and nxt:  # "an unbeatable price" -> "a price"
        a = article.group(1)
        fixed = ("an" if nxt.group(1).lower() in "aeiou" else "a")
        fixed = fixed.capitalize() if a[0].isupper() else fixed
        head = head[: article.start(1)] + fixed + head[article.end(1) :]
    sentence_start = not head.strip() or head.rstrip()[-1] in ".!?。！？"
    if sentence_start and (text[s].isupper() or not text[s].isalpha()) and nxt:  # "Best shoes" -> "Shoes"
        i = nxt.start(1)
        tail = tail[:i] + tail[i].upper() + tail[i + 1 :]
    return head + tail


_TIDY = [
    (re.compile(r"[ \t]{2,}"), " "),
    (re.compile(r"\s+([,.;:!?%)\]}，。！？、；：）】》])"), r"\1"),  # no space before closing punctuation
    (re.compile(r"([(\[{（【《])\s+"), r"\1"),
    (re.compile(r"\(\s*\)|\[\s*\]|（\s*）|【\s*】"), ""),
    (re.compile(r"[,;:，、；：]+\s*(?=[,.;:!?，。！？、；：]|$)"), ""),  # ", ." -> "."
    (re.compile(r"(\s[\-–—|/·•])(?:\s[\-–—|/·•])+(?=\s|$)"), r"\1"),  # "a — — b" -> "a — b"
    (re.compile(r"^[\s,.;:!?\-–—|/·•，。！？、；：]+|[\s,;:\-–—|/·•，、；：]+$"), ""),
]


def _tidy(text: str) -> str:
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()


def repair(text: str, violations: list[Violation], language: str = "en", rules: Rules | None = None) -> str | None:
    """Text with every removable term match taken out and the punctuation tidied, or None when
    the variant must be dropped: a health claim, profanity, a competitor, a category in
    `rules.drop`, a missing required term, or nothing sensible left (no words, or a newly
    dangling end as in "Be the best" -> "Be the").

    `violations` are this one text's (e.g. one field's from `check_fields`). A returned text
    is guaranteed to have no term violations under `rules` (by default: the default rules
    plus the violated terms) and to keep every required term it had."""
    if rules is None:
        extra: dict[str, list[str]] = {}
        for v in violations:
            if v.rule in CATEGORIES:
                extra.setdefault(v.rule, []).append(v.term)
        rules = _defaults().extended(extra)
    drop = ALWAYS_DROP | rules.drop
    if any(v.rule not in CATEGORIES or v.rule in drop for v in violations):
        return None
    out = _prepare(text)
    kept = [t for t in rules.required if contains(out, t)]
    for _ in range(3):  # a removal can bring two halves of a new match together ("第最一")
        found = _matches(out.translate(_APOSTROPHES), rules)
        if not found:
            break
        if any(c in drop for _, _, c, _ in found):
            return None
        spans = sorted(_widen(out, s, e) for s, e, _, _ in found)
        merged = [list(spans[0])]
        for s, e in spans[1:]:
            if s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        for s, e in reversed(merged):
            out = _cut(out, s, e)
        out = _tidy(out)
    if _matches(out.translate(_APOSTROPHES), rules) or not any(unicodedata.category(c)[0] in "LN" for c in out):
        return None
    if any(not contains(out, t) for t in kept) or (dangling_end(out, language) and not dangling_end(text, language)):
        return None
    return out
