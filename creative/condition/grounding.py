"""Grounding: product facts and the photo's top CLIP tags as a structured prompt.

Catalog text is fenced as data; sentences in it that read as instructions are dropped (and
recorded), and outputs that echo such text are rejected later (`leaks_instructions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from creative import data

if TYPE_CHECKING:
    from creative.encode import Analysis
    from creative.inputs.product import Product


@lru_cache(maxsize=1)
def _injection_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in data.load("prompts")["injection"]["patterns"]), re.IGNORECASE)


def looks_like_instruction(text: str) -> bool:
    """True when text reads as an instruction to a model (prompt injection) or carries a link."""
    return bool(_injection_re().search(text))


# A Latin sentence ends at punctuation followed by a space ("1.0 L" and "18/8" are not ends);
# Chinese punctuation and line breaks end one wherever they are.
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；\n])\s*")


def strip_instructions(text: str) -> tuple[str, list[str]]:
    """Remove sentences that read as instructions; return the rest and what was removed."""
    kept, dropped = [], []
    for sentence in _SENTENCE.split(text):
        if sentence.strip():
            (dropped if looks_like_instruction(sentence) else kept).append(sentence.strip())
    return " ".join(kept), dropped


@dataclass
class Grounding:
    """The product as the LM sees it: fenced facts, and what was withheld from the prompt."""

    facts: str  # the fenced <product> block
    tags: list[str]  # top CLIP tags in the product's language
    dropped: list[str] = field(default_factory=list)  # instruction-like sentences, not shown to the LM
    language: str = "en"

    def messages(self, instruction: str, tone: str | None = None, angle: str | None = None) -> list[dict[str, str]]:
        p = data.load("prompts")[self.language]
        lines = [p["facts_header"], self.facts]
        if self.tags:
            lines.append(f"{p['tags_header']} {', '.join(self.tags)}")
        if tone:
            lines.append(p["tone"].format(guidance=data.load("tones")[tone]["guidance"]))
        if angle:
            lines.append(p["angle"].format(angle=angle))
        lines.append(instruction)
        return [{"role": "system", "content": p["system"]}, {"role": "user", "content": "\n".join(lines)}]


def _fence(text: str) -> str:
    # The fence must not be closable from inside: angle brackets in catalog text become lookalikes.
    return text.replace("<", "‹").replace(">", "›")


def ground(product: "Product", analysis: "Analysis | None" = None, language: str | None = None, n_tags: int = 5) -> Grounding:
    language = language or product.language
    dropped: list[str] = []
    parts = []
    for name, value in [("title", product.title), ("brand", product.brand), ("description", product.description), ("audience", product.audience)]:
        clean, removed = strip_instructions(value)
        dropped += removed
        if clean:
            parts.append(f"{name}: {clean}")
    for key, value in product.attributes.items():
        clean, removed = strip_instructions(f"{key}: {value}")
        dropped += removed
        if clean:
            parts.append(clean)
    if product.price is not None:
        parts.append(f"price: {product.price:g} {product.currency}".rstrip())
    if product.sale_price is not None:
        parts.append(f"sale price: {product.sale_price:g} {product.currency}".rstrip())
    facts = "<product>\n" + _fence("\n".join(parts)) + "\n</product>"
    tags = [t.name(language) for t in analysis.top_tags(n_tags)] if analysis and analysis.tags else []
    return Grounding(facts, tags, dropped, language)


def leaks_instructions(output: str, grounding: Grounding) -> bool:
    """An output that obeys or echoes injected text: it reads as an instruction itself, or
    repeats a distinctive piece of a sentence we withheld from the prompt."""
    if looks_like_instruction(output):
        return True
    low = output.lower()
    for sentence in grounding.dropped:
        words = re.findall(r"\w+", sentence.lower())
        # any 3 consecutive words of a withheld sentence (or one CJK run of 4+ characters)
        grams = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)} | {w for w in words if len(w) >= 4 and not w.isascii()}
        if any(g in " ".join(re.findall(r"\w+", low)) for g in grams if g):
            return True
    return False
