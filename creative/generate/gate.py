"""The publishability gate: would a marketer publish this text as it is?

Every shipped text (copy fields, captions, banner words) passes `check`; what fails is dropped
with the reasons. The rules, with their data in gate.toml:

- placeholder   a stand-in for content ("product name", "Headline:", "lorem ipsum"), a field
                made only of filler words ("Great product!") or of a number alone ("20 cm")
- punctuation   an ellipsis, or a question that opens with no question word ("... cold? Order")
- price_as_data a price written as a data field is ("34 USD per order"): the banner shows the
                price from the facts; copy that quotes it reads as a feed dump
- loop          a word three times in a field, a word twice in a row, a repeated phrase
- misspelt_name a near miss of the brand or a product name ("Loft step", "Lofstep")
- invented_name a capitalised name the facts never mention ("by Lotta Brando")
- non_word      a word that is neither in the facts nor a real word of the language (wordfreq
                Zipf frequency; Chinese segmented by jieba through wordfreq)
- script        letters of a script the product's language does not use
- unsupported_claim  a claim of claims (gate.toml [[claim]]: eco, handmade, waterproof,
                luxury, origin, award, hype, a material or colour...) that the facts give no
                evidence for
- unsupported_number a number or model code the facts do not contain ("12 kg" on a shoe,
                "VG-3" for "VG-10")
- dangling_end  a field that stops mid-clause ("... bottle is a", "with")
- no_product_name    a headline (or caption) naming neither the brand nor the title's nouns
- repeats_field two fields saying the same thing
- cut_title     the title cut off inside its noun phrase ("... insulated water"), or a field
                ending, unpunctuated, on a word the facts only use to begin a phrase ("... of lip"
                for "lip balm")
- example_echo  four words in a row from one of the prompt's example ads (another product)
- off_facts     mostly words the facts never mention, or one specific detail they never
                mention ("cork canvas" when the facts say waxed canvas): made up, however fluent

Facts-built text passes by construction; LM text is held to the same rules.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from creative import data
from creative.generate.compliance import contains
from creative.textunits import dangling_end, text_length

if TYPE_CHECKING:
    from creative.inputs.product import Facts

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HAN = re.compile(r"[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Rejection:
    rule: str
    field: str
    term: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "term": self.term, "field": self.field, "detail": self.detail}


@lru_cache(maxsize=1)
def _rules() -> dict:
    return data.load("gate")


def _find(terms: list[str], text: str) -> str | None:
    return next((t for t in terms if contains(text, t)), None)


@lru_cache(maxsize=4096)
def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba announces its dictionary
    return zipf_frequency(word, language)


# -- what the facts say ------------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    text: str  # every fact, lower-cased, one string
    words: frozenset[str]  # lower-cased words of the facts
    numbers: frozenset[str]
    names: tuple[str, ...]  # brand and title words that are names (rare words), as spelt
    title_words: frozenset[str]  # content words of the title, lower-cased
    brand: str


def _norm_number(n: str) -> str:
    n = n.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", n) else n.replace(",", ".")
    return n.rstrip("0").rstrip(".") if "." in n else n


def known(facts: "Facts") -> _Known:
    """What the product's facts contain: their words, numbers and names."""
    parts = [facts.title, facts.brand, facts.description, facts.audience, facts.currency, *facts.attributes.keys(), *facts.attributes.values()]
    for price in (facts.price, facts.sale_price):
        if price is not None:
            parts += [f"{price:g}", f"{price:.2f}"]
    text = " ".join(parts)
    words = {w.lower().replace("’", "'") for w in _LATIN_WORD.findall(text)}
    words |= {p for w in list(words) for p in w.split("-")} | {w.replace("-", "") for w in words}  # "pre-seasoned", "preseasoned"
    words |= set(_HAN.findall(text))
    numbers = {_norm_number(n) for n in _NUMBER.findall(text)}
    stop = set(_rules()["stopwords"])
    title_words = {w.lower() for w in _LATIN_WORD.findall(facts.title) if len(w) >= 3 and w.lower() not in stop}
    title_words |= {w for run in _HAN.findall(facts.title) for w in _han_words(run)}
    names = [w for w in _LATIN_WORD.findall(f"{facts.brand} {facts.title}") if len(w) >= 4 and _zipf(w.lower(), "en") < 3.5]
    return _Known(text.lower(), frozenset(words), frozenset(numbers), tuple(dict.fromkeys(names)), frozenset(title_words), facts.brand)


def _han_words(run: str) -> list[str]:
    from wordfreq import tokenize

    logging.getLogger("jieba").setLevel(logging.WARNING)
    return [w for w in tokenize(run, "zh") if len(w) >= 2]


# -- the rules ---------------------------------------------------------------------------


class Lexicon:
    """The words English copy for one product may use, for the decoder to hold each word to
    while it writes (`condition.structured.Row.lexicon`): the gate's non_word, misspelt_name
    and invented_name rules asked of a word as it is written, so a small model's "Lambwool",
    "Keylessly" or "Fjel Mark" never gets written at all.

    `prefix_ok(partial)`: a word not yet finished can still become an allowed word.
    `word_ok(word, sentence_start)`: a finished word passes those rules."""

    def __init__(self, facts: "Facts"):
        self.k = known(facts)
        self.stems = frozenset(_stem(w) for w in self.k.words)
        forms = {w for w in self.k.words if re.fullmatch(r"[a-z'’-]+", w)}
        forms |= {s + end for s in {_stem(w) for w in forms} for end in ("", "s", "es", "ed", "ing")}
        self.prefixes = frozenset(f[:i] for f in forms for i in range(1, len(f) + 1))

    def prefix_ok(self, partial: str) -> bool:
        low = partial.lower().replace("’", "'")
        *done, last = low.split("-")
        if any(d and not self.word_ok(d, True) for d in done):
            return False
        last = re.sub(r"'s?$", "", last)
        return not last or len(last) < 3 and last.isalpha() or last in self.prefixes or last in _english_prefixes()

    def word_ok(self, word: str, sentence_start: bool) -> bool:
        if not _is_word(word, self.k, self.stems):
            return False
        low = _bare(word)
        if _near_miss(low, self.k):
            return False  # misspelt_name
        # invented_name: a capitalised word inside a sentence the facts do not know
        return sentence_start or not word[0].isupper() or word.isupper() or low in self.k.words or _zipf(low, "en") >= _rules()["min_zipf_name"]


@lru_cache(maxsize=1)
def _english_prefixes() -> frozenset[str]:
    """Every beginning of every English word the gate counts as real (Zipf >= min_zipf): about
    65,000 words, 150,000 prefixes, built once a process (under a second)."""
    from wordfreq import iter_wordlist, zipf_frequency

    words = []
    for w in iter_wordlist("en"):  # most frequent first
        if zipf_frequency(w, "en") < _rules()["min_zipf"]:
            break
        if _LATIN_WORD.fullmatch(w):
            words.append(w)
    return frozenset(w[:i] for w in words for i in range(1, len(w) + 1))


def _placeholder(text: str) -> str | None:
    # the answer format's own section headers ("Facebook ad") are the prompt leaking in
    headers = [h.lower() for h in data.load("prompts")["format"]["platforms"].values()]
    hit = _find(_rules()["placeholders"] + headers, text)
    if hit:
        return hit
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    if words and all(w in set(_rules()["generic_words"]) for w in words) and not _HAN.search(text):
        return text
    # a number and its unit alone ("20 cm", "A 20 cm") say nothing about what it measures
    if not _HAN.search(text) and not any(len(w) >= 3 and w not in _rules()["stopwords"] for w in words):
        return text
    return None


def _loop(text: str, language: str, k: "_Known | None" = None) -> str | None:
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    for a, b in zip(words, words[1:]):
        if a == b and a not in ("very", "so"):
            return f"{a} {b}"
    content = [w for w in words if len(w) >= 3 and w not in _rules()["stopwords"]]
    for w in set(content):
        if content.count(w) >= 3:
            return w
    bigrams = [g for g in zip(words, words[1:]) if all(len(w) >= 3 and w not in _rules()["stopwords"] for w in g)]
    for g in set(bigrams):
        phrase = " ".join(g)
        if bigrams.count(g) >= 2 and not (k and k.text.count(phrase) >= 2):  # the facts may say it twice too
            return phrase
    if language == "zh":
        for run in _HAN.findall(text):
            for n in (2, 3, 4):
                grams = [run[i : i + n] for i in range(len(run) - n + 1)]
                for g in set(grams):
                    if grams.count(g) >= 3 or (n >= 3 and grams.count(g) >= 2):
                        return g
    return None


def _names(text: str, k: _Known) -> tuple[str, str] | None:
    """(rule, term) for a misspelt or invented name."""
    words = _LATIN_WORD.findall(text)
    near = _rules()["near_name"]
    for w in words:
        if _near_miss(_bare(w), k):
            return "misspelt_name", w
    for a, b in zip(words, words[1:]):  # a name split in two: "Loft step" for "Loftstep"
        joined = (a + b).lower()
        if a.lower() not in k.words and b.lower() not in k.words and any(difflib.SequenceMatcher(None, joined, n.lower()).ratio() >= near for n in k.names):
            return "misspelt_name", f"{a} {b}"
    # a capitalised word inside a sentence is a name: the facts must know it
    for sentence in re.split(r"(?<=[.!?:;])\s+", text):
        for i, w in enumerate(_LATIN_WORD.findall(sentence)):
            if i and w[0].isupper() and _bare(w) not in k.words and not w.isupper() and _zipf(_bare(w), "en") < _rules()["min_zipf_name"]:
                return "invented_name", w
    return None


def _near_miss(low: str, k: _Known) -> bool:
    """A word the facts do not have that is close to one of their names ("lofstep")."""
    return low not in k.words and any(difflib.SequenceMatcher(None, low, n.lower()).ratio() >= _rules()["near_name"] for n in k.names)


def _bare(word: str) -> str:
    """A word without its possessive ("Foundry's" -> "foundry"), lower-cased."""
    low = word.lower().replace("’", "'")
    return low[:-2] if low.endswith("'s") else low


def _is_word(w: str, k: _Known, stems: set[str] | frozenset[str]) -> bool:
    """A word of the facts (or one of their stems), an acronym, a short word, or a real English
    word (every part of a hyphenated one)."""
    low = _bare(w)
    if low in k.words or len(low) < 3 or w.isupper() or low.replace("-", "") in k.words:
        return True
    parts = [p for p in low.split("-") if p]
    return all(p in k.words or _stem(p) in stems or _zipf(p.strip("'"), "en") >= _rules()["min_zipf"] for p in parts)


def _non_word(text: str, k: _Known, language: str) -> str | None:
    stems = {_stem(w) for w in k.words}
    for w in _LATIN_WORD.findall(text):
        if not _is_word(w, k, stems):
            return w
    if language == "zh":
        for run in _HAN.findall(text):
            for w in _han_words(run):
                if w not in k.text and _zipf(w, "zh") < 1.0 and not all(c in k.text for c in w):
                    return w
    return None


def _script(text: str, language: str) -> str | None:
    for ch in text:
        if not ch.isalpha() or ch.isascii():
            continue
        name = unicodedata.name(ch, "")
        ok = "LATIN" in name if language == "en" else ("CJK" in name or "LATIN" in name)
        if not ok:
            return ch
    return None


def _claim(text: str, k: _Known) -> str | None:
    for claim in _rules()["claim"]:
        hit = _find(claim["terms"], text)
        if hit and not (_find(claim["evidence"], k.text) or _find([hit], k.text)):
            return f"{claim['name']}: {hit}"
    return None


_MEASURE = re.compile(r"(\d+(?:[.,]\d+)*)\s*((?:mm|cm|m|km|g|kg|mg|ml|l|oz|lb|lbs|in|inch|inches|h|hrs|hours|min|w|v|mah|gb|tb|hz|khz|°c|°f|°|%|毫升|升|克|千克|厘米|毫米|米|小时|分钟)(?:/[a-z²³]+)?)(?![A-Za-z])", re.IGNORECASE)


_CODE = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def _number(text: str, k: _Known) -> str | None:
    """A number the facts do not contain, a model code they do not spell this way ("VG-3" for
    "VG-10"), or a measurement they give with another unit ("12 kg" when the facts say "12"
    only as a size)."""
    for n in _NUMBER.findall(text):
        if _norm_number(n) not in k.numbers:
            return n
    for code in _CODE.findall(text):
        if code.lower() not in k.text and not _MEASURE.fullmatch(code):
            return code
    for value, unit in _MEASURE.findall(text):
        pattern = rf"(?<![\d.,]){re.escape(value)}\s*{re.escape(unit.lower())}(?![a-z])"
        if not re.search(pattern, k.text):
            return f"{value} {unit}"
    # a size system's label with another number: "UK 10" when the facts say "UK 8" and "UK 6-12"
    for label, value in _LABELLED.findall(text):
        if label.lower() in k.text and not re.search(rf"\b{re.escape(label.lower())}\s*{re.escape(value)}(?![\d.,])", k.text):
            return f"{label} {value}"
    return None


_LABELLED = re.compile(r"\b([A-Z]{2,3})\s*(\d+(?:[.,]\d+)?)(?![\d.,]*\s*(?:-|–|to)\s*\d)")


def _cut_title(text: str, facts: "Facts", phrases: bool = True) -> str | None:
    """A field that is the title cut short inside its noun phrase ("... insulated water" of
    "... insulated water bottle 750 ml"): the last word kept and the first cut are lower-case
    words of one phrase. A cut after a name ("Loftstep Pace Runner") or at a comma is fine."""
    title = facts.title.split()
    words = text.split()
    n = len(words)
    if 1 < n < len(title) and [w.lower() for w in words] == [w.lower() for w in title[:n]]:
        last, nxt = title[n - 1], title[n]
        if last[:1].islower() and nxt[:1].islower() and last[-1:].isalnum():
            return text
    return (_cut_phrase(text, facts) or _cut_name(text, facts)) if phrases else None


def _cut_name(text: str, facts: "Facts") -> str | None:
    """A field that opens inside the product's name: "Runner road running shoe" for "Loftstep
    Pace Runner road running shoe" (the name is the title's capitalised words after the brand)."""
    words = facts.title.split()
    if facts.brand and words and words[0].lower() == facts.brand.lower():
        words = words[1:]
    name = []
    for w in words:
        if not w[:1].isupper():
            break
        name.append(w.strip(",").lower())
    first = text.split()[0].strip(",:").lower() if text.split() else ""
    if first in name[1:] and not text.lower().startswith(" ".join(name)):
        return text
    return None


def _punctuation(text: str) -> str | None:
    if "..." in text or "…" in text:
        return "..."
    for sentence in re.findall(r"[^.!?。！？]*\?", text):
        words = _LATIN_WORD.findall(sentence)
        if words and words[0].lower() not in _rules()["question_openers"]:
            return sentence.strip()
    return None


_PRICE_AS_DATA = re.compile(r"\d+(?:[.,]\d+)?\s*(?:[A-Z]{3})\b|\b[A-Z]{3}\s*\d")


def _price_as_data(text: str) -> str | None:
    from creative.inputs.prices import currency_in

    for m in _PRICE_AS_DATA.finditer(text):
        if currency_in(m.group(0)):
            return m.group(0)
    return None


def _open_clause(text: str) -> bool:
    """One word into a clause ("... the handle that goes"), or a bare number after a comma
    ("750 ml water bottle, 24"): the field stopped before it was done."""
    words = text.split()
    if re.search(r",\s*\d+$", text):
        return True
    return len(words) >= 2 and text[-1].isalnum() and words[-2].lower() in _rules()["clause_openers"]


def _cut_phrase(text: str, facts: "Facts") -> str | None:
    """A field with no closing punctuation that ends on a word the facts only ever use as the
    first half of a phrase ("... 4.8 g of lip" where the facts say "lip balm" and nothing else
    with "lip"): the budget cut it mid-phrase."""
    if not text or not text[-1].isalpha():
        return None
    last = text.split()[-1].lower()
    if len(last) < 3 or last in set(_rules()["stopwords"]):
        return None
    # the title's and description's phrases (an attribute's value stands alone: "movement = automatic")
    facts_text = " | ".join([facts.title, facts.description]).lower()  # no phrase runs across facts
    stop = set(_rules()["stopwords"])
    nexts = [m.group(1) for m in re.finditer(rf"(?<![\w-]){re.escape(last)}(?![\w-])(?:\s+([a-z][\w-]*))?", facts_text)]
    # every use goes on into the same phrase: "lip balm", "lip balm" (not "collar with ...")
    if nexts and all(n and n not in stop for n in nexts):
        return text
    return None


@lru_cache(maxsize=1)
def _example_grams() -> frozenset[str]:
    """Every run of four words in the example ads the copy prompt shows (examples.toml)."""
    from creative.condition.prompts import load_examples

    texts = [t for ex in load_examples() for fields in [*ex.copy.values(), ex.captions] for t in fields.values()]
    return frozenset(g for t in texts for g in _grams(t, 4))


def _grams(text: str, n: int) -> list[str]:
    words = re.findall(r"[a-z0-9]+|[\u3400-\u9fff]", text.lower())
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def _example_echo(text: str, k: _Known) -> str | None:
    """Four words in a row from an example ad, one of them a content word the product's facts do not
    have: the model copied another product's ad (facts two products share are no echo)."""
    facts = set(_grams(k.text, 4))
    for g in _grams(text, 4):
        if g in _example_grams() and g not in facts and any(w not in k.words and len(w) >= 3 and w not in _rules()["stopwords"] for w in g.split()):
            return g
    return None


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _off_facts(text: str, k: _Known, language: str, details: bool = True) -> str | None:
    """Text mostly about things the facts never mention (gate.toml: off_facts_share), or with a
    specific detail they never mention (a word rarer than detail_zipf): those words, or None."""
    if language != "en":
        return None
    rules = _rules()
    stop, ad = set(rules["stopwords"]) | set(rules["generic_words"]), set(rules["ad_words"])
    facts = {_stem(w) for w in k.words}
    content = [w.lower() for w in _LATIN_WORD.findall(text) if len(w) >= 4]
    content = [w for w in content if w not in stop and w not in ad and _zipf(w, "en") < rules["common_zipf"]]
    off = [w for w in content if _stem(w) not in facts and not any(_stem(p) in facts for p in w.split("-"))]
    if len(off) >= rules["off_facts_min"] and len(off) > rules["off_facts_share"] * len(content):
        return ", ".join(off[:4])
    if not details:
        return None
    # a word of the same root as a fact ("grip" of "grippy", "weighing" of "weight") is no new
    # detail; a word inside a fact's compound is ("loft" of "Loftstep")
    related = [f for f in facts if len(f) >= 4]

    def same_root(a: str, b: str) -> bool:
        return len(a) >= 4 and b.startswith(a) and len(b) - len(a) <= 3

    details = [w for w in off if _zipf(w, "en") < rules["detail_zipf"] and not any(same_root(_stem(w), f) or same_root(f, _stem(w)) for f in related)]
    return ", ".join(details[:4]) or None


def names_product(text: str, k: _Known) -> bool:
    """Whether text names the product: its brand, or a content word of its title."""
    low = text.lower()
    if k.brand and k.brand.lower() in low:
        return True
    words = {w.lower() for w in _LATIN_WORD.findall(text)}
    words |= {w.rstrip("s") for w in words}
    if any(w in words or w.rstrip("s") in words for w in k.title_words if w.isascii()):
        return True
    return any(w in text for w in k.title_words if not w.isascii())


# -- the gate ----------------------------------------------------------------------------


def check(fields: dict[str, str], facts: "Facts", language: str | None = None, *, name_field: str | None = None, model_written: bool = True) -> list[Rejection]:
    """Every reason `fields` (field -> text) could not be published for the product of `facts`;
    [] when it can. `name_field` must name the product (brand or a title noun): the headline
    of copy, the caption of a caption; None checks that some field does. `model_written`
    False (ads people wrote, as training data) leaves out the rules for a small model's noise,
    which good human copy breaks on purpose: questions with no question word ("Rain in the
    forecast?"), single words the facts never give ("evenings", "sorted"), a field ending on a
    word that begins a phrase of the facts ("... 80% wool, 20% cashmere"), or one word into a
    clause ("Kids' camera that prints")."""
    language = language or facts.language
    k = known(facts)
    out: list[Rejection] = []
    for f, text in fields.items():
        if not text:
            continue
        checks = [
            ("placeholder", _placeholder(text), "a placeholder or filler instead of content"),
            ("punctuation", _punctuation(text) if model_written else None, "an ellipsis, or a question with no question in it"),
            ("price_as_data", _price_as_data(text) if language == "en" else None, "a price written like a data feed"),
            ("loop", _loop(text, language, k), "a repeated word or phrase"),
            ("script", _script(text, language), f"letters the product's language ({language}) does not use"),
            ("unsupported_claim", _claim(text, k), "a claim the product's facts do not support"),
            ("unsupported_number", _number(text, k), "a number the product's facts do not contain"),
            ("non_word", _non_word(text, k, language), "not a word of the language, nor in the facts"),
            ("cut_title", _cut_title(text, facts, phrases=model_written), "cut off mid-phrase (the title, or a phrase of the facts)"),
            ("example_echo", _example_echo(text, k), "copied from an example ad, not from this product's facts"),
            ("off_facts", _off_facts(text, k, language, details=model_written), "about things the product's facts never mention"),
        ]
        named = _names(text, k)
        if named:
            checks.append((named[0], named[1], "a name the facts do not spell this way" if named[0] == "misspelt_name" else "a name the facts never mention"))
        if dangling_end(text, language) or model_written and _open_clause(text):
            checks.append(("dangling_end", text.split()[-1] if text.split() else text, "stops mid-clause"))
        out += [Rejection(rule, f, term, detail) for rule, term, detail in checks if term]
    texts = [re.sub(r"[\W_]+", " ", t).strip().lower() for t in fields.values() if t]
    # the same words again, or a field that opens with another ("Loftstep shoe" / "Loftstep shoe: 8 mm drop")
    if any(i != j and b.startswith(a) and len(a.split()) >= 2 for i, a in enumerate(texts) for j, b in enumerate(texts)) or len(set(texts)) < len(texts):
        out.append(Rejection("repeats_field", "", "", "one field says what another says"))
    named_text = fields.get(name_field, "") if name_field else " ".join(fields.values())
    if named_text and not names_product(named_text, k):
        out.append(Rejection("no_product_name", name_field or "", "", "names neither the brand nor the product"))
    return out


def informative(fields: dict[str, str], facts: "Facts") -> bool:
    """Whether the text tells a shopper something beyond the title: a word or number of the
    description or attributes that the title does not contain."""
    title = {w.lower() for w in _LATIN_WORD.findall(facts.title)} | set(_NUMBER.findall(facts.title)) | set(_HAN.findall(facts.title))
    extra_text = " ".join([facts.description, *facts.attributes.values()])
    stop = set(_rules()["stopwords"]) | set(_rules()["generic_words"])
    extra = {w.lower() for w in _LATIN_WORD.findall(extra_text) if len(w) >= 3} | set(_NUMBER.findall(extra_text))
    extra |= {w for run in _HAN.findall(extra_text) for w in _han_words(run)}
    extra -= title | stop
    text = " ".join(fields.values())
    mine = {w.lower() for w in _LATIN_WORD.findall(text)} | set(_NUMBER.findall(text))
    return bool(mine & extra) or any(w in text for w in extra if not w.isascii())


def respell_names(text: str, facts: "Facts") -> str:
    """`text` with every name of the facts (brand, title words that are names) spelt as the facts
    spell them when only the case differs ("LOFTSTEP", "loftstep" -> "Loftstep"). A rare word
    the facts write in lower case ("beeswax") is no name: its case is the sentence's."""
    for name in known(facts).names:
        if name.islower():
            continue
        text = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", name, text, flags=re.IGNORECASE)
    return text


def with_brand(text: str, facts: "Facts", limit: int, counting: str = "chars") -> str | None:
    """`text` led by the brand ("Loftstep: 265 g, 8 mm drop") when it names no product, every
    content word of it is a fact, and the brand fits within `limit`; None when it needs no
    brand, there is none to give, or the text is not worth one."""
    k = known(facts)
    if not text or not facts.brand or names_product(text, k):
        return None
    stems = {_stem(w) for w in k.words}
    # only a headline made of the facts ("265 g, 8 mm drop") is worth a brand: never "Melted",
    # nor a bare "20 cm"
    content = [_bare(w) for w in _LATIN_WORD.findall(text) if len(w) >= 3 and w.lower() not in _rules()["stopwords"]]
    if not content or not all(w in k.words or _stem(w) in stems for w in content):
        return None
    sep = "：" if facts.language == "zh" else ": "
    named = f"{facts.brand}{sep}{text}"
    return named if text_length(named, counting) <= limit else None
