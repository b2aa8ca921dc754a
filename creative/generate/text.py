"""The `generate` stage for text: captions and ad copy, conditioned on the product.

    ground(product, analysis) -> per variant: angle + seed -> guided LM decoding per field
      -> clean -> reject injection echoes -> fit platform limits -> compliance check/repair
      -> drop near-duplicates -> score (CLIP alignment + LM fluency) -> MMR -> best first

Nothing here invents text: every field comes from the LM, the profile's captioner, or (when
no LM can write the language) a template filled with the product's own facts, and each
candidate says which in `source`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from creative import data
from creative.condition import Grounding, Guidance, ground, guided_generate, leaks_instructions, sequence_logprob, strip_instructions
from creative.generate.compliance import Rules, check_fields, load_rules, repair
from creative.generate.limits import dangling_end, fit, platform_spec, text_length
from creative.inputs.product import clean_text

if TYPE_CHECKING:
    from creative.encode import Analysis
    from creative.inputs.product import Product
    from creative.models import Models

CTA_LIMIT = 25  # platforms without a CTA field still get a button label this short


@dataclass
class Candidate:
    """One caption or copy variant, with everything that decided its rank."""

    fields: dict[str, str]
    source: str  # lm | lm+clip | captioner | prefix | facts template
    kind: str = ""  # captions: alt | descriptive; copy: the angle
    seed: int = 0
    score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    violations: list[dict[str, str]] = field(default_factory=list)  # why it was dropped (empty when kept)
    repairs: list[str] = field(default_factory=list)
    lengths: dict[str, int] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)
    fluency: float | None = None

    @property
    def text(self) -> str:
        return " ".join(v for v in self.fields.values() if v)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("fluency")
        d["score"] = round(self.score, 4)
        d["scores"] = {k: round(v, 4) for k, v in self.scores.items()}
        return d


@dataclass
class TextResult:
    kept: list[Candidate]  # fit, compliant drafts; best first once ranked (`rank.rank_text`)
    dropped: list[Candidate]  # with violations saying why
    raw: list[Candidate]  # LM outputs before limits and compliance (for measurement)
    notes: list[str]  # fallbacks: what ran without its model
    target: np.ndarray | None = None  # (d,) the CLIP embedding candidates are ranked against; None without CLIP

    def __iter__(self):
        return iter(self.kept)

    def __len__(self) -> int:
        return len(self.kept)

    def __getitem__(self, i: int) -> Candidate:
        return self.kept[i]


# -- output cleaning ------------------------------------------------------------------

_LABEL = re.compile(r"^\s*(?:[\w ]{1,20}|[\u4e00-\u9fff]{1,6})\s*[:：]\s+", re.UNICODE)
_QUOTES = "\"'“”‘’「」『』*#`"


def clean_output(text: str, finished: bool = True) -> str:
    """Strip what small LMs wrap answers in: quotes, markdown, a leading 'Headline:' label.
    Text cut off by the token budget loses its last, possibly half-written, word."""
    text = clean_text(text.replace("\ufffd", ""), multiline=True)  # control characters, broken bytes
    text = text.splitlines()[0] if text else ""
    for _ in range(2):
        text = _LABEL.sub("", text, count=1).strip().strip(_QUOTES).strip()
    text = re.sub(r"\s+", " ", text)
    if not finished and " " in text:
        text = text.rsplit(" ", 1)[0]
    return text


def usable(text: str) -> bool:
    """Reject markup, prompt echoes and number soup: what a small LM emits when it fails."""
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 and letters >= 0.5 * len(text.replace(" ", "")) and not re.search(r"[<>{}\[\]|]|product data|商品资料", text, re.I)


# -- shared plumbing ------------------------------------------------------------------


def _lm_languages(models: "Models") -> list[str]:
    entry = models.resolutions["lm"].entry
    return list(entry.options.get("languages", ["en", "zh"])) if entry else []


def _notes_and_guidance(models: "Models", language: str) -> tuple[bool, bool, list[str]]:
    notes = []
    lm_ok = models.available("lm") and language in _lm_languages(models)
    if not models.available("lm"):
        notes.append(f"lm unavailable ({models.resolutions['lm'].reason}): text built from product facts")
    elif not lm_ok:
        notes.append(f"lm {models.resolutions['lm'].model} cannot write '{language}': text built from product facts")
    clip_ok = models.available("clip")
    if not clip_ok:
        notes.append("clip unavailable: no CLIP-guided decoding; ranked by LM fluency only")
    return lm_ok, clip_ok, notes


def _fill_templates(kind: str, product: "Product", language: str) -> list[str]:
    """Facts-only text: each template whose placeholders the product can fill."""
    def safe(text: str) -> str:  # catalog text is data: instruction-like sentences never reach copy
        return strip_instructions(text)[0]

    values = [safe(v) for v in product.attributes.values() if safe(v)]
    sep = "、" if language == "zh" else ", "
    facts = {
        "title": safe(product.title),
        "brand": safe(product.brand),
        "feature": values[0] if values else "",
        "features": sep.join(values[:3]) or safe(product.description.split("\n")[0]),
        "audience": safe(product.audience),
    }
    out = []
    for template in data.load("templates")[language][kind]:
        names = re.findall(r"{(\w+)}", template)
        # a fact already in the title would only repeat it ("Blue" + "Blue mug")
        repeats = "title" in names and any(n != "title" and facts[n].lower() in facts["title"].lower() for n in names)
        if all(facts[n] for n in names) and not repeats:
            out.append(template.format(**facts))
    return list(dict.fromkeys(out))


# -- ad copy --------------------------------------------------------------------------


def _fields_for(platform: str) -> tuple[dict[str, int], str]:
    spec = platform_spec(platform)
    limits = dict(spec.fields)
    limits.setdefault("cta", CTA_LIMIT)
    return limits, spec.counting


def _variant_guidance(guidance: Guidance, i: int) -> Guidance:
    if guidance.temperature is not None:  # the caller decided, for every variant
        return guidance
    return Guidance(guidance.top_k, guidance.alpha, guidance.beta, guidance.clip_tau, 0.0 if i == 0 else 0.7)


def _max_tokens(limit: int) -> int:
    # about 3-4 characters a token in English; Chinese is about one token a character
    return min(64, limit // 2 + 6)


def _pick_cta(models: "Models", lm_ok: bool, grounding: Grounding, headline: str, tone: str, language: str, limit: int, counting: str) -> tuple[str, float | None]:
    options = [c for c in data.load("prompts")["cta"][language][tone] if text_length(c, counting) <= limit]
    if not lm_ok or len(options) == 1:
        return options[0], None
    msgs = grounding.messages(f"Headline: {headline}\nWrite a call to action button label.", tone=tone)
    scores = sequence_logprob(models.get("lm"), msgs, options)
    best = int(np.argmax(scores))
    return options[best], scores[best]


def generate_copy(
    models: "Models",
    product: "Product",
    *,
    platform: str = "generic",
    n: int = 3,
    tone: str | None = None,
    language: str | None = None,
    seed: int = 0,
    analysis: "Analysis",
    rules: Rules | None = None,
    guidance: Guidance = Guidance(),
) -> TextResult:
    """Ad-copy drafts for one platform (rank them with `rank.rank_text`, against the fused
    product embedding in `target`): about n * oversample variants (ranking.toml), each field
    within the platform's character limit (platforms.toml; Google counts CJK double), checked
    and repaired against the compliance `rules`, with a call to action chosen per tone.

    Raises ValueError for an unknown tone or platform. Every variant that failed a check is
    in `dropped` with the reason; when every LM variant fails, drafts are built from the
    product's facts and `notes` says so."""
    tone = tone or product.tone
    language = language or product.language
    if tone not in data.load("tones"):
        raise ValueError(f"unknown tone {tone!r}; choose one of {', '.join(data.load('tones'))}")
    limits, counting = _fields_for(platform)
    rules = rules or load_rules()
    grounding = ground(product, analysis, language)
    lm_ok, clip_ok, notes = _notes_and_guidance(models, language)
    target = analysis.embedding.fused if clip_ok and analysis.embedding is not None else None
    lm_fields = [f for f in limits if f != "cta"]
    angles = data.load("prompts")["angles"][language]
    names = data.load("prompts")["field_names"][language]
    field_prompt = data.load("prompts")[language]["field"]
    cfg = data.load("ranking")["copy"]

    raw: list[Candidate] = []
    drafts: list[Candidate] = []
    if lm_ok:
        lm = models.get("lm")
        clip = models.clip if target is not None else None
        for i in range(max(n, 1) * cfg["oversample"]):
            angle, s = angles[i % len(angles)], seed * 1000 + i
            # the first variant decodes greedily, the rest sample among the re-scored top-k: small
            # LMs often ignore the angle, and greedy variants would then come out identical
            g = _variant_guidance(guidance, i)
            fields, logprobs = {}, []
            for f in lm_fields:
                msgs = grounding.messages(field_prompt.format(field=names.get(f, f), limit=limits[f]), tone=tone, angle=angle)
                out = guided_generate(lm, msgs, max_new_tokens=_max_tokens(limits[f]), clip=clip, target=target, guidance=g, seed=s, max_chars=int(limits[f] * 1.5))
                fields[f] = clean_output(out.text, out.finished)
                logprobs.append(out.mean_logprob)
            source = "lm+clip" if clip is not None else "lm"
            raw.append(Candidate(dict(fields), source, angle, s, fluency=float(np.mean(logprobs))))
    else:
        raw = _template_copy(product, lm_fields, language, seed)

    drafts, dropped = _check_copy(raw, grounding, limits, counting, rules, language)
    if raw and not drafts and lm_ok:
        notes.append(f"every LM variant was dropped ({', '.join(sorted({v['rule'] for c in dropped for v in c.violations}))}): copy built from product facts")
        more, more_dropped = _check_copy(_template_copy(product, lm_fields, language, seed), grounding, limits, counting, rules, language)
        drafts, dropped = more, dropped + more_dropped

    for c in drafts:
        c.fields["cta"], _ = _pick_cta(models, lm_ok, grounding, c.fields.get("headline", ""), tone, language, limits["cta"], counting)
        c.lengths = {f: text_length(v, counting) for f, v in c.fields.items()}
    return TextResult(drafts, dropped, raw, notes, target)


def _template_copy(product: "Product", fields: list[str], language: str, seed: int) -> list[Candidate]:
    headlines = _fill_templates("headline", product, language)
    bodies = _fill_templates("body", product, language) or headlines
    return [
        Candidate({f: (headline if f == "headline" else bodies[i % len(bodies)]) for f in fields}, "facts template", "product facts", seed * 1000 + i)
        for i, headline in enumerate(headlines)
    ]


def _check_copy(raw: list[Candidate], grounding: Grounding, limits: dict[str, int], counting: str, rules: Rules, language: str) -> tuple[list[Candidate], list[Candidate]]:
    """Each raw variant, made to fit and comply, or dropped with the reasons."""
    drafts: list[Candidate] = []
    dropped: list[Candidate] = []
    for cand in raw:
        c = Candidate(dict(cand.fields), cand.source, cand.kind, cand.seed, fluency=cand.fluency, limits=dict(limits))
        if any(leaks_instructions(v, grounding) for v in c.fields.values()):
            c.violations.append({"rule": "injection", "term": "", "detail": "echoes or obeys instructions found in the product data"})
            dropped.append(c)
            continue
        if c.source != "facts template" and not all(usable(v) for v in c.fields.values()):
            c.violations.append({"rule": "unusable", "term": "", "detail": "markup, prompt echo or no words"})
            dropped.append(c)
            continue
        for f, v in list(c.fields.items()):
            shortened = fit(v, limits[f], counting, language)
            if shortened and dangling_end(shortened, language):
                # text that fits can still stop on "the" or "Product:": cut back to a clean end
                shortened = fit(shortened, text_length(shortened, counting) - 1, counting, language)
            if shortened != v:
                c.repairs.append(f"{f}: shortened to a clean end within the {limits[f]}-character limit")
            c.fields[f] = shortened
        found = check_fields(c.fields, rules, language)
        for f in list(c.fields):
            mine = [v for v in found if v.field == f]
            if mine:
                fixed = repair(c.fields[f], mine, language)
                if fixed is None:
                    c.violations += [asdict(v) for v in mine]
                else:
                    c.fields[f] = fit(fixed, limits[f], counting, language)
                    c.repairs += [f"{f}: removed {v.rule} '{v.term}'" for v in mine]
        # re-check after the last fit: a cut can expose a term (e.g. "...最近" cut to "...最")
        c.violations += [d for d in map(asdict, check_fields(c.fields, rules, language)) if d not in c.violations]
        empty = [f for f, v in c.fields.items() if not v]
        if empty:
            c.violations.append({"rule": "empty", "term": "", "field": ",".join(empty), "detail": "nothing usable fits the limit"})
        (dropped if c.violations else drafts).append(c)
    return drafts, dropped


# -- captions -------------------------------------------------------------------------


def generate_captions(
    models: "Models",
    product: "Product",
    *,
    n: int = 4,
    language: str | None = None,
    seed: int = 0,
    analysis: "Analysis",
    guidance: Guidance = Guidance(),
    prefix: Any = None,
) -> TextResult:
    """Short alt texts and one-sentence descriptions of the product photo (rank them with
    `rank.rank_text`, against the pooled image embedding in `target`).

    About n * oversample (ranking.toml) candidates, half alt texts (at most 125 characters,
    where screen readers cut) and half descriptions (200), from the LM (CLIP-guided when a
    CLIP model is there; also through the learned `prefix` when given), the captioner, or,
    when no LM writes the language, templates of the product's facts. Every candidate that
    failed a check is in `dropped` with the reason."""
    language = language or product.language
    grounding = ground(product, analysis, language)
    lm_ok, clip_ok, notes = _notes_and_guidance(models, language)
    target = analysis.embedding.image if clip_ok and analysis.embedding is not None else None
    prompts = data.load("prompts")[language]
    limits = {"alt": 125, "descriptive": 200}  # alt text: screen readers cut around 125 characters
    raw: list[Candidate] = []
    per_kind = max(1, (n * data.load("ranking")["captions"]["oversample"] + 1) // 2)
    if lm_ok:
        lm = models.get("lm")
        clip = models.clip if target is not None else None
        for kind in ("alt", "descriptive"):
            for i in range(per_kind):
                s = seed * 1000 + i
                g = _variant_guidance(guidance, i)
                out = guided_generate(lm, grounding.messages(prompts[f"caption_{kind}"]), max_new_tokens=40, clip=clip, target=target, guidance=g, seed=s)
                raw.append(Candidate({"caption": clean_output(out.text, out.finished)}, "lm+clip" if clip else "lm", kind, s, fluency=out.mean_logprob))
                if prefix is not None:
                    embeds = prefix.prefix_embeds(analysis.embedding.fused)
                    out = guided_generate(lm, grounding.messages(prompts[f"caption_{kind}"]), max_new_tokens=40, clip=clip, target=target, guidance=g, seed=s, prefix_embeds=embeds)
                    raw.append(Candidate({"caption": clean_output(out.text, out.finished)}, "prefix", kind, s, fluency=out.mean_logprob))
    else:
        for kind in ("alt", "descriptive"):
            raw += [Candidate({"caption": t}, "facts template", kind, seed) for t in _fill_templates(f"caption_{kind}", product, language)]
    if models.available("captioner") and language == "en":
        images = product.load_images()
        for text in models.get("captioner").caption(images):
            raw.append(Candidate({"caption": clean_output(text)}, "captioner", "descriptive", seed))
    elif not models.available("captioner"):
        notes.append("captioner unavailable (optional)")

    drafts, dropped = [], []
    for cand in raw:
        c = Candidate(dict(cand.fields), cand.source, cand.kind, cand.seed, fluency=cand.fluency, limits={"caption": limits[cand.kind]})
        if leaks_instructions(c.fields["caption"], grounding):
            c.violations.append({"rule": "injection", "term": "", "detail": "echoes or obeys instructions found in the product data"})
        elif c.source != "facts template" and not usable(c.fields["caption"]):
            c.violations.append({"rule": "unusable", "term": "", "detail": "markup, prompt echo or no words"})
        else:
            c.fields["caption"] = fit(c.fields["caption"], limits[c.kind], "chars", language)
            if not c.fields["caption"]:
                c.violations.append({"rule": "empty", "term": "", "detail": "no usable caption"})
        c.lengths = {"caption": len(c.fields["caption"])}
        (dropped if c.violations else drafts).append(c)
    return TextResult(drafts, dropped, raw, notes, target)
