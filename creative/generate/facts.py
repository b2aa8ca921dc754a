"""Copy built from the product's own facts: the fallback that passes the publishability gate by
construction (every word comes from the facts), and the offline path for languages the
language model cannot write.

    variants = facts_copy(facts, "meta", n=3)   # [{"primary_text": ..., "headline": ..., ...}]

Structures are data (templates.toml); each variant rotates the templates and the features it
uses, so variants differ in structure, not only in wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from creative import data
from creative.condition.grounding import strip_instructions

if TYPE_CHECKING:
    from creative.inputs.product import Facts

# a trailing measure ("500 ml", "22L"); a bare number is part of the name ("Trailrunner 2")
_UNIT_TAIL = re.compile(r"(\s+[\d.,/-]+\s*[A-Za-z%°]{1,4})+$")
_FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class _Parts:
    values: dict[str, str]  # placeholder -> text ("" when the facts have none)
    features: list[str]


def _safe(text: str) -> str:
    # catalog text is data: instruction-like sentences never reach copy
    return strip_instructions(text)[0].strip()


def noun(facts: "Facts") -> str:
    """The product's noun from its title: the main clause without brand and trailing sizes,
    its last two words in English ("running shoe") when there is a brand to name it (else the
    whole clause), its longest word in Chinese."""
    main = _main_clause(facts)
    if facts.language == "zh":
        chunks = [c for c in re.split(r"\s+", main) if re.search(r"[\u4e00-\u9fff]", c)]
        return max(chunks, key=len) if chunks else main
    words = [w.strip(".;:!?") for w in main.split() if not re.fullmatch(r"[\d.,/-]+[A-Za-z%°]{1,3}", w)]
    if not facts.brand:  # without a brand the title's first words are the only name there is
        return " ".join(words)
    # a model number rides on its word: "Pace Runner 2" names "Pace Runner 2", not "Runner 2"
    keep = 3 if words and re.fullmatch(r"[\d.]+", words[-1]) else 2
    return " ".join(words[-keep:]) if words else main


def _main_clause(facts: "Facts") -> str:
    """The title up to its first comma, bracket or preposition, without brand and trailing sizes."""
    main = re.split(r"[,，(（|]", _safe(facts.title))[0].strip()
    if facts.language == "en":
        ends = data.load("templates")["phrases"]["noun_ends"]
        main = re.split(rf"\s+(?:{'|'.join(map(re.escape, ends))})\s+", main, maxsplit=1)[0]
    if facts.brand and main.lower().startswith(facts.brand.lower()):
        main = main[len(facts.brand) :].strip()
    return _UNIT_TAIL.sub("", main).strip()


def model_name(facts: "Facts") -> str:
    """The model's name: the capitalised words (and a number after one) that open the title
    after the brand ("Pace Runner" of "Loftstep Pace Runner road running shoe"); "" when none."""
    # a title that does not open with the brand is a sentence: its capital is no name
    if facts.language != "en" or not facts.brand or not _safe(facts.title).lower().startswith(facts.brand.lower()):
        return ""
    words = _main_clause(facts).split()
    out: list[str] = []
    for i, w in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if w[:1].isupper() and not re.fullmatch(r"[A-Z]{1,2}", w) or (out and re.fullmatch(r"[\d.]+", w) and not _UNIT_WORD.fullmatch(after)):
            out.append(w)
        else:
            break
    return " ".join(out)


_UNIT_WORD = re.compile(r"(?i)mm|cm|m|l|ml|g|kg|in|oz|lb|v|w|ah|mah|gb|tb|%|pcs|pieces?")


def name_forms(facts: "Facts") -> list[str]:
    """How copy may name the product, longest first: brand, model and noun; brand, model and
    the noun's last word; brand and noun (without a brand: the noun alone)."""
    brand, n, model = _safe(facts.brand), noun(facts), model_name(facts)
    sep = "" if facts.language == "zh" else " "
    plain = f"{brand}{sep}{n}".strip() if brand and brand.lower() not in n.lower() else n
    forms = []
    if model and model.lower() not in n.lower():
        last = n.split()[-1] if n.split() else ""
        # "Pace Runner running shoe" says it twice: the noun's first word shares the model's root
        if n and n.split()[0][:4].lower() != model.split()[-1][:4].lower():
            forms.append(f"{brand} {model} {n}")
        if last:
            forms.append(f"{brand} {model} {last}")
    return list(dict.fromkeys([*forms, plain]))


def feature_phrases(facts: "Facts") -> list[str]:
    """Each attribute but the colour as a short phrase ("8 mm drop", "engineered mesh upper")."""
    spec = data.load("templates")["phrases"]
    out = []
    for key, value in facts.attributes.items():
        key_text, value = key.replace("_", " ").strip(), _safe(value)
        if not value or value.lower() in spec["absent"] or key.lower() in spec["colour_keys"]:  # the colour has its own place
            continue
        if re.search(r"[,;，；]", value):  # a list inside a list reads as noise
            continue
        if value.lower() in spec["present"]:
            # a short key word that is no English word is an acronym: "bpa_free" -> "BPA free"
            key_text = " ".join(w.upper() if len(w) <= 4 and facts.language == "en" and _zipf(w) < 3 else w for w in key_text.split())
            phrase = key_text if value.lower() in ("yes", "true", "y") else f"{key_text} {value}"
        elif facts.language == "zh":
            phrase = _zh_phrase(key_text, value, spec)
        elif key.lower() in spec["value_only"] or any(w in value.lower() for w in key_text.lower().split()):
            phrase = value
        elif key.lower() in spec["key_first"]:
            phrase = f"{key_text} {value}"
        else:
            phrase = f"{value} {key_text}"
        out.append(phrase)
    return list(dict.fromkeys(out))


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _zh_phrase(key: str, value: str, spec: dict) -> str:
    """A Chinese attribute as a phrase: a material names its part ("灯罩材质=亚麻" -> "亚麻灯罩"),
    a measure its key ("续航=约38小时" -> "续航约38小时"; "40毫米" alone says nothing), a verb key
    goes first ("适用=洗碗机和微波炉" -> "适用洗碗机和微波炉"), else the value ("主动降噪")."""
    for suffix in spec["zh_material_suffixes"]:
        if key.endswith(suffix) and len(key) > len(suffix):
            return value + key[: -len(suffix)]
    if key in spec["zh_key_first"] and not value.startswith(key):
        return key + value
    if re.match(r"[约~≈]?\d", value) and key not in value:  # a number with no name: "40毫米"
        return key + value
    return value


def _join(items: list[str], language: str) -> str:
    t = data.load("templates")[language]
    if len(items) < 2:
        return "".join(items)
    return t["join"].join(items[:-1]) + t["last_join"] + items[-1]


def _parts(facts: "Facts", variant: int, n_features: int = 3, name_form: int = -1) -> _Parts:
    features = feature_phrases(facts)
    # each variant starts its features further along, so variants name different facts
    rotated = features[variant % len(features) :] + features[: variant % len(features)] if features else []
    colour = next((_safe(v) for k, v in facts.attributes.items() if k.lower() in data.load("templates")["phrases"]["colour_keys"]), "")
    sentence = _FIRST_SENTENCE.split(_safe(facts.description), maxsplit=1)[0].strip() if facts.description else ""
    name_noun = noun(facts)
    brand = _safe(facts.brand)
    name = name_forms(facts)[name_form]
    features_text = _join(rotated[:n_features], facts.language)
    values = {
        "title": _safe(facts.title).rstrip(".。"),
        "brand": brand,
        "noun": name_noun,
        "name": name,
        # a colour the noun already says ("钴蓝" in "钴蓝釉陶瓷台灯") is not said twice
        "colour": "" if colour.lower() in name_noun.lower() else (colour.capitalize() if facts.language == "en" else colour),
        "feature": rotated[0] if rotated else "",
        "Feature": rotated[0][:1].upper() + rotated[0][1:] if rotated else "",
        "features": features_text,
        "Features": features_text[:1].upper() + features_text[1:],
        "audience": _safe(facts.audience),
        "sentence": sentence,
    }
    return _Parts(values, rotated)


def fill(kind: str, facts: "Facts", limit: int, counting: str, variant: int = 0) -> list[str]:
    """Every template of `kind` (headline, body, body_last_resort, alt, descriptive) that the
    facts can fill and that fits `limit` whole (with fewer features when three do not fit, a
    shorter name when the longest does not), starting from template `variant`; no duplicates."""
    from creative.generate.limits import text_length

    templates = data.load("templates")[facts.language][kind]
    forms = range(len(name_forms(facts)))
    out = []
    for i in range(len(templates)):
        template = templates[(variant + i) % len(templates)]
        names = re.findall(r"{(\w+)}", template)
        tries = [(k, f) for k in ((3, 2, 1) if {"features", "Features"} & set(names) else (3,)) for f in (forms if "name" in names else (0,))]
        for n_features, form in tries:
            values = _parts(facts, variant, n_features, form).values
            if not all(values.get(n) for n in names):
                break
            text = template.format(**values)
            text = text[:1].upper() + text[1:] if facts.language == "en" else text
            if text_length(text, counting) <= limit:
                out.append(text)
                break
    return list(dict.fromkeys(out))


def _plain(text: str) -> str:
    # what a reader compares: "Pace Runner." says what "pace runner" says
    return re.sub(r"[\W_]+", " ", text).strip().lower()


def _fresh(text: str, used: list[str]) -> bool:
    # a field that opens with another ("Loftstep shoe" / "Loftstep shoe: 8 mm drop") repeats it
    plain = _plain(text)
    return not any(plain.startswith(u) or u.startswith(plain) for u in used)


def facts_copy(facts: "Facts", fields: dict[str, int], counting: str, n: int, seed: int = 0) -> list[dict[str, str]]:
    """Up to n variants for fields {name: limit}: the headline from headline templates, every
    other field from body templates (captions: alt and descriptive), each variant rotating
    templates and features (from a point set by `seed`). Variants whose fields would repeat
    each other are skipped."""
    out: list[dict[str, str]] = []
    for variant in range(seed, seed + max(n, 1) * 2):
        fields_text: dict[str, str] = {}
        names = list(fields)
        if (variant - seed) % 2:  # every other variant gives its body fields their facts in reverse order
            names = [f for f in names if f == "headline"] + [f for f in reversed(names) if f != "headline"]
        for j, f in enumerate(names):
            limit = fields[f]
            kind = f if f in ("alt", "descriptive") else ("headline" if f == "headline" else "body")
            used = [_plain(t) for t in fields_text.values()]
            options = [t for t in fill(kind, facts, limit, counting, variant + j) if _fresh(t, used)]
            if not options and kind == "body":  # nothing says more: the name alone
                options = [t for t in fill("body_last_resort", facts, limit, counting, variant + j) if _fresh(t, used)]
            if options:
                fields_text[f] = options[0]
        fields_text = {f: fields_text[f] for f in fields if f in fields_text}
        if len(fields_text) == len(fields) and fields_text not in out:
            out.append(fields_text)
        if len(out) >= n:
            break
    return out
