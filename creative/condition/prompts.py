"""The copywriter's prompt: the product's facts, a few example ads, and the structured answer
format the decoder fills in (`condition.structured`) and the fine-tuner trains on.

    messages = copy_messages(facts, examples=select_examples(facts, k=2))
    answer_prefix("meta")          # "Facebook ad\nPrimary text:" -- where the model starts writing
    format_answer("meta", fields)  # an example's or a training target's answer, same format

One prompt serves every platform of a product: only the answer's first line (the platform's
header) differs, so the rows of one product share the prompt's cached keys and values. Labels
and headers live in prompts.toml [format]; the examples in examples.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from creative import data
from creative.condition.grounding import ground

if TYPE_CHECKING:
    from creative.encode import Analysis
    from creative.inputs.product import Facts

CAPTIONS = "captions"  # the pseudo-platform whose fields are the photo's alt text and caption
# alt text: screen readers cut around 125 characters; a caption is one sentence
CAPTION_LIMITS = {"alt": 125, "descriptive": 200}


@dataclass(frozen=True)
class Example:
    """One example ad: a product's facts and what a careful marketer wrote for it."""

    facts: "Facts"
    category: str
    copy: dict[str, dict[str, str]]  # platform -> field -> text
    captions: dict[str, str] = field(default_factory=dict)  # alt, descriptive

    def answer(self, platform: str) -> dict[str, str]:
        return self.captions if platform == CAPTIONS else self.copy.get(platform, {})


def fields_of(platform: str) -> list[str]:
    """The fields the model writes for a platform, in order (the button label is chosen from a
    list per tone, not written)."""
    if platform == CAPTIONS:
        return list(CAPTION_LIMITS)
    return [f for f in data.load("platforms")[platform]["fields"] if f != "cta"]


def field_limits(platform: str) -> dict[str, int]:
    """Each written field's limit, in characters as the platform counts them."""
    if platform == CAPTIONS:
        return dict(CAPTION_LIMITS)
    limits = data.load("platforms")[platform]["fields"]
    return {f: int(limits[f]) for f in fields_of(platform)}


def header(platform: str) -> str:
    return data.load("prompts")["format"]["platforms"][platform]


def label(field_name: str) -> str:
    return data.load("prompts")["format"]["labels"][field_name]


def format_answer(platform: str, fields: dict[str, str]) -> str:
    """The structured answer for one platform: its header, then "Label: text" per field, in the
    platform's field order (platforms.toml)."""
    lines = [header(platform)] + [f"{label(f)}: {fields[f]}" for f in fields_of(platform) if fields.get(f)]
    return "\n".join(lines)


def answer_prefix(platform: str) -> str:
    """Where the model starts writing: the platform's header and its first field's label."""
    return f"{header(platform)}\n{label(fields_of(platform)[0])}:"


def _limits_line(language: str, platforms: list[str]) -> str:
    parts = [f"{header(p)}: " + ", ".join(f"{label(f)} {n}" for f, n in field_limits(p).items()) for p in platforms]
    return data.load("prompts")["format"][language]["limits"].format(limits="; ".join(parts))


def _user_turn(facts: "Facts", analysis: "Analysis | None", language: str, platforms: list[str], angle: str | None = None) -> str:
    fmt = data.load("prompts")["format"][language]
    grounding = ground(facts, analysis, language)
    lines = [grounding.facts]
    if grounding.tags:
        lines.append(f"{data.load('prompts')[language]['tags_header']} {', '.join(grounding.tags)}")
    lines.append(fmt["request"].format(tone=data.load("tones")[facts.tone]["guidance"]))
    lines.append(_limits_line(language, platforms))
    if angle:
        lines.append(data.load("prompts")[language]["angle"].format(angle=angle))
    return "\n".join(lines)


def copy_messages(
    facts: "Facts",
    *,
    examples: list[Example] = (),
    analysis: "Analysis | None" = None,
    language: str | None = None,
    platforms: list[str] | None = None,
    angle: str | None = None,
) -> list[dict[str, str]]:
    """Chat messages that ask for the ads of `facts`: a system turn, each example as a user turn
    (its facts) and an assistant turn (its ads on every platform in `platforms`), then the
    product's own user turn. The assistant's answer starts with `answer_prefix(platform)`.

    `platforms` (default: every platform in platforms.toml and the captions) only decides
    which limits are listed and which blocks the examples show, so one prompt serves all.
    `angle` (what to lead with) ends the product's turn: variants that differ only there share
    everything before it."""
    language = language or facts.language
    platforms = platforms or all_platforms()
    fmt = data.load("prompts")["format"][language]
    messages = [{"role": "system", "content": fmt["system"]}]
    for ex in examples:
        blocks = [format_answer(p, ex.answer(p)) for p in platforms if ex.answer(p)]
        messages += [{"role": "user", "content": _user_turn(ex.facts, None, language, platforms)}, {"role": "assistant", "content": "\n\n".join(blocks)}]
    messages.append({"role": "user", "content": _user_turn(facts, analysis, language, platforms, angle)})
    return messages


def all_platforms() -> list[str]:
    return list(data.load("platforms")) + [CAPTIONS]


# -- examples -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_examples() -> tuple[Example, ...]:
    """Every example ad in examples.toml, validated as Facts (a broken example fails loudly)."""
    from creative.inputs.product import Facts

    out = []
    for i, raw in enumerate(data.load("examples")["example"]):
        try:
            facts = Facts(**{k: raw[k] for k in ("title", "brand", "description", "audience", "attributes", "tone", "language") if k in raw})
        except ValueError as e:
            raise ValueError(f"examples.toml: example {i + 1} ({raw.get('title', '?')}): {e}") from e
        out.append(Example(facts, raw.get("category", ""), raw.get("copy", {}), raw.get("captions", {})))
    return tuple(out)


_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]")


def _words(facts: "Facts") -> set[str]:
    text = " ".join([facts.title, facts.description, facts.audience, *facts.attributes.keys(), *facts.attributes.values()]).lower()
    return set(_WORD.findall(text))


def select_examples(facts: "Facts", k: int, language: str | None = None, pool: tuple[Example, ...] | None = None) -> list[Example]:
    """The k examples closest to `facts`: same language only, then by word overlap of the facts
    (Jaccard), with a bonus for the same tone; ties keep file order."""
    language = language or facts.language
    pool = load_examples() if pool is None else pool
    mine = _words(facts)

    def closeness(ex: Example) -> float:
        theirs = _words(ex.facts)
        overlap = len(mine & theirs) / max(1, len(mine | theirs))
        return overlap + (0.1 if ex.facts.tone == facts.tone else 0.0)

    same = [ex for ex in pool if ex.facts.language == language]
    return sorted(same, key=closeness, reverse=True)[:k]
