"""The `generate` stage for text: captions and ad copy, conditioned on the product.

    results = write(models, [TextRequest(product, analysis, "meta", n=3), ...])   # one batch
    -> per request: drafts that fit, comply and pass the publishability gate (rank.rank_text
       orders them), what was dropped and why, and what ran without its model

Every platform and caption request of a product (of several products, too) is decoded in one
structured batch (`condition.structured`): all fields of a variant in one answer, each within
its platform's character budget. Each variant is then cleaned, fitted to its limits, checked and
repaired against the compliance rules, and held to the publishability gate (`generate.gate`).
When fewer than n LM variants pass, copy built from the product's own facts (`generate.facts`)
fills the rest, and `notes` says so. Nothing here invents text: every field comes from the LM,
the profile's captioner, or the product's facts, and each candidate says which in `source`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from creative import data
from creative.condition import Grounding, Guidance, ground, leaks_instructions, sequence_logprob
from creative.condition.prompts import CAPTIONS, answer_prefix, copy_messages, field_limits, fields_of, label, select_examples
from creative.condition.structured import FieldSpec, Row, decode_rows
from creative.generate import gate
from creative.generate.compliance import Rules, check_fields, load_rules, repair
from creative.generate.facts import facts_copy
from creative.generate.limits import dangling_end, fit, platform_spec, text_length
from creative.inputs.product import clean_text

if TYPE_CHECKING:
    from creative.encode import Analysis
    from creative.inputs.product import Facts, Product
    from creative.models import Models

CTA_LIMIT = 25  # platforms without a CTA field still get a button label this short
FACTS = "facts template"


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
    text = _unmatched_closers(text)
    if not finished and " " in text:
        text = text.rsplit(" ", 1)[0]
        # a sentence the budget cut ("... non-slip underside. Machine") goes back to the last
        # whole one when that keeps most of the text
        whole = [m.end() for m in re.finditer(r"[.!?。！？](?=\s)", text)]
        if whole and whole[-1] >= 0.3 * len(text):
            text = text[: whole[-1]]
    return text


def _unmatched_closers(text: str) -> str:
    """Without a ')' or '"' that closes nothing ("One size fits all.)"): small models close
    brackets they never opened."""
    depth, out = 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out).strip()


def usable(text: str) -> bool:
    """Reject markup, prompt echoes and number soup: what a small LM emits when it fails."""
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 and letters >= 0.5 * len(text.replace(" ", "")) and not re.search(r"[<>{}\[\]|]|product data|商品资料", text, re.I)


# -- requests ---------------------------------------------------------------------------


@dataclass
class TextRequest:
    """Copy for one platform (or the product photo's captions: platform CAPTIONS)."""

    product: "Product"
    analysis: "Analysis"
    platform: str = "generic"
    n: int = 3  # variants wanted; about n * oversample (ranking.toml) are written and checked
    tone: str | None = None  # None: the product's
    language: str | None = None  # None: the product's
    seed: int = 0
    rules: Rules | None = None

    def __post_init__(self) -> None:
        self.tone = self.tone or self.product.tone
        self.language = self.language or self.product.language
        if self.tone not in data.load("tones"):
            raise ValueError(f"unknown tone {self.tone!r}; choose one of {', '.join(data.load('tones'))}")
        if self.platform != CAPTIONS:
            platform_spec(self.platform)  # an unknown platform fails here, naming the choices
        if self.n < 1:
            raise ValueError("n must be at least 1")

    @property
    def section(self) -> str:
        return "captions" if self.platform == CAPTIONS else "copy"

    def limits(self) -> tuple[dict[str, int], str]:
        """The fields written, with their limits, and how the platform counts characters."""
        if self.platform == CAPTIONS:
            return field_limits(CAPTIONS), "chars"
        spec = platform_spec(self.platform)
        return {f: spec.fields[f] for f in fields_of(self.platform)}, spec.counting


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


# -- the batch --------------------------------------------------------------------------


def write(
    models: "Models",
    requests: list[TextRequest],
    *,
    guidance: Guidance = Guidance(),
    prefix: Any = None,
    progress: Callable[[float], None] | None = None,
) -> list[TextResult]:
    """Every request's drafts, in request order, from one batched decode of every variant of
    every request the LM can write (see the module docstring). `prefix` (a learned ClipCap
    prefix) adds caption variants decoded after it. Raises ValueError for an unknown tone or
    platform (at TextRequest)."""
    notes_of = {id(r): _notes_and_guidance(models, r.language) for r in requests}
    lm_requests = [r for r in requests if notes_of[id(r)][0]]
    decoded = _decode(models, lm_requests, guidance, prefix, progress) if lm_requests else {}
    out = []
    cta_memo: dict[tuple, dict[str, float]] = {}  # a product's buttons are scored once for all its platforms
    for r in requests:
        lm_ok, clip_ok, notes = notes_of[id(r)]
        out.append(_finish(models, r, decoded.get(id(r), []), lm_ok, clip_ok, list(notes), cta_memo))
    return out


def _variants(r: TextRequest) -> int:
    return max(1, r.n) * int(data.load("ranking")[r.section]["oversample"])


def _decode(models: "Models", requests: list[TextRequest], guidance: Guidance, prefix: Any, progress) -> dict[int, list[Candidate]]:
    """request id -> raw LM candidates (captions: one per kind of each answer)."""
    lm = models.get("lm")
    tok = lm.tokenizer
    cfg = data.load("ranking")["decoding"]
    clip = models.clip if models.available("clip") else None
    few_shot = int(models.resolutions["lm"].entry.options.get("few_shot", cfg["few_shot"]))
    # one prompt per product: every platform it asks for, so all its rows share the prompt
    platforms_of: dict[int, list[str]] = {}
    for r in requests:
        platforms_of.setdefault(id(r.product), [])
        if r.platform not in platforms_of[id(r.product)]:
            platforms_of[id(r.product)].append(r.platform)
    prompts: dict[tuple[int, str], str] = {}
    rows: list[Row] = []
    owners: list[tuple[TextRequest, int, bool]] = []

    def prompt_ids(r: TextRequest) -> list[int]:
        key = (id(r.product), r.language)
        if key not in prompts:
            examples = select_examples(r.product, few_shot, r.language) if few_shot else []
            ordered = [p for p in [*data.load("platforms"), CAPTIONS] if p in platforms_of[id(r.product)]]
            messages = copy_messages(r.product, examples=examples, analysis=r.analysis, language=r.language, platforms=ordered)
            prompts[key] = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return tok(prompts[key] + answer_prefix(r.platform), add_special_tokens=False).input_ids

    for r in requests:
        limits, counting = r.limits()
        # a small model wanders off in long fields: it writes at most max_chars of any field
        # (the platform's limit still applies to everything else)
        specs = [
            FieldSpec(f, min(limit, int(cfg["max_chars"])), counting, () if j == 0 else tuple(tok("\n" + label(f) + ":", add_special_tokens=False).input_ids), _temperature(limit, guidance, cfg))
            for j, (f, limit) in enumerate(limits.items())
        ]
        copy_ids = _fact_tokens(tok, r.product)
        numbers = gate.known(r.product).numbers
        # English words held to the gate's word rules as they are written (Chinese: jieba judges
        # words only once they are written)
        lexicon = gate.Lexicon(r.product) if r.language == "en" else None
        target = _target(r, clip)
        ids = prompt_ids(r)
        for i in range(_variants(r)):
            greedy = i == 0 and guidance.temperature is None  # the first variant decodes greedily
            rows.append(Row(ids, specs, r.seed * 1000 + i, greedy, r.language, copy_ids, target, numbers=numbers, lexicon=lexicon))
            owners.append((r, i, False))
            if prefix is not None and r.platform == CAPTIONS and r.analysis.embedding is not None:
                rows.append(Row(ids, specs, r.seed * 1000 + i, greedy, r.language, copy_ids, target, prefix.prefix_embeds(r.analysis.embedding.fused), numbers, lexicon))
                owners.append((r, i, True))
    results = decode_rows(lm, rows, clip=clip, settings=guidance, progress=progress)
    out: dict[int, list[Candidate]] = {}
    for (r, i, prefixed), d in zip(owners, results):
        source = "prefix" if prefixed else ("lm+clip" if d.clip_guided else "lm")
        fields = {f: clean_output(text, d.finished[f]) for f, text in d.fields.items()}
        if r.platform == CAPTIONS:
            out.setdefault(id(r), []).extend(Candidate({"caption": fields[kind]}, source, kind, r.seed * 1000 + i, fluency=d.mean_logprob) for kind in fields)
        else:
            out.setdefault(id(r), []).append(Candidate(fields, source, _angle(r, i), r.seed * 1000 + i, fluency=d.mean_logprob))
    return out


def _temperature(limit: int, guidance: Guidance, cfg: dict) -> float:
    if guidance.temperature is not None:
        return guidance.temperature
    # short fields (headlines) sample cooler: fewer words, each one must be right
    return float(cfg["temperature_short"] if limit <= cfg["short_field"] else cfg["temperature"])


def _angle(r: TextRequest, i: int) -> str:
    return "greedy" if i == 0 else "sampled"


def _fact_tokens(tok: Any, facts: "Facts") -> frozenset[int]:
    """First tokens of the brand's and the title's words (with and without a leading space): a
    small bonus, so the model copies names as written."""
    text = " ".join([facts.title, facts.brand])
    words = set(re.findall(r"[\w'’-]+", text))
    ids = set()
    for w in words:
        for form in (w, " " + w):
            encoded = tok(form, add_special_tokens=False).input_ids
            if encoded:
                ids.add(encoded[0])
    return frozenset(ids)


def _target(r: TextRequest, clip: Any) -> np.ndarray | None:
    """What CLIP guidance and ranking aim at: the fused embedding for copy, the image's for captions."""
    if clip is None or r.analysis.embedding is None:
        return None
    return r.analysis.embedding.image if r.platform == CAPTIONS else r.analysis.embedding.fused


def _finish(models: "Models", r: TextRequest, raw: list[Candidate], lm_ok: bool, clip_ok: bool, notes: list[str], cta_memo: dict | None = None) -> TextResult:
    """A request's raw candidates checked and gated, topped up from the facts when fewer than n
    pass, a call to action on each copy variant."""
    rules = r.rules or load_rules()
    grounding = ground(r.product, r.analysis, r.language)
    limits, counting = r.limits()
    name_field = "caption" if r.platform == CAPTIONS else "headline"
    if r.platform == CAPTIONS:
        drafts, dropped = [], []
        for kind, limit in limits.items():
            d, x = _check([c for c in raw if c.kind == kind], r.product, grounding, {"caption": limit}, counting, rules, r.language, name_field)
            drafts, dropped = drafts + d, dropped + x
    else:
        drafts, dropped = _check(raw, r.product, grounding, limits, counting, rules, r.language, name_field)
    wanted = max(1, r.n)
    if len(drafts) < wanted:
        facts = _facts_candidates(r, limits, counting)
        checked: list[Candidate] = []
        if r.platform == CAPTIONS:
            for kind, limit in limits.items():
                checked += _check([c for c in facts if c.kind == kind], r.product, grounding, {"caption": limit}, counting, rules, r.language, name_field)[0]
        else:
            checked = _check(facts, r.product, grounding, limits, counting, rules, r.language, name_field)[0]
        seen = {c.text for c in drafts}
        per_variant = 2 if r.platform == CAPTIONS else 1
        short = wanted * per_variant - len(drafts)
        # twice what is short: ranking drops near-duplicates, and a product with few facts
        # has facts variants that differ in one field only
        extra = [c for c in checked if c.text not in seen][: 2 * short]
        if lm_ok and raw and extra:
            rules_hit = sorted({v["rule"] for c in dropped for v in c.violations})
            notes.append(f"{min(short, len(extra))} of {r.section} ({r.platform}) built from product facts: {len(raw) - len(drafts)} of {len(raw)} LM variants failed ({', '.join(rules_hit) or 'none passed'})")
        drafts += extra
    if not drafts:  # said, never silent: a product with no copy for a platform it asked for
        rules_hit = sorted({v["rule"] for c in dropped for v in c.violations})
        notes.append(f"no {r.section} for {r.platform}: nothing the LM wrote nor any copy built from the facts passed ({', '.join(rules_hit) or 'no facts to build from'})")
    if r.platform != CAPTIONS:
        ctas = _ctas(models, lm_ok, r, counting, {} if cta_memo is None else cta_memo)
        for j, c in enumerate(drafts):
            c.fields["cta"] = ctas[j % len(ctas)]
            c.limits["cta"] = _cta_limit(r.platform)
    for c in drafts + dropped:
        c.lengths = {f: text_length(v, counting) for f, v in c.fields.items()}
    return TextResult(drafts, dropped, raw, notes, _target(r, models.clip if clip_ok else None))


def _facts_candidates(r: TextRequest, limits: dict[str, int], counting: str) -> list[Candidate]:
    if r.platform == CAPTIONS:  # each kind on its own: a product may have words for one only
        return [
            Candidate({"caption": v[kind]}, FACTS, kind, r.seed * 1000 + i)
            for kind, limit in limits.items()
            for i, v in enumerate(facts_copy(r.product, {kind: limit}, counting, max(1, r.n) * 2, r.seed))
        ]
    variants = facts_copy(r.product, limits, counting, max(1, r.n) * 2, r.seed)
    return [Candidate(v, FACTS, "product facts", r.seed * 1000 + i) for i, v in enumerate(variants)]


def _cta_limit(platform: str) -> int:
    return platform_spec(platform).fields.get("cta", CTA_LIMIT)


def _ctas(models: "Models", lm_ok: bool, r: TextRequest, counting: str, memo: dict[tuple, dict[str, float]]) -> list[str]:
    """The tone's calls to action that fit the button, the LM's most fluent first. `memo` keeps
    the scores of a product's buttons for its other platforms (same prompt, same buttons)."""
    options = [c for c in data.load("prompts")["cta"][r.language][r.tone] if text_length(c, counting) <= _cta_limit(r.platform)]
    if not lm_ok or len(options) < 2:
        return options
    key = (id(r.product), r.language, r.tone)
    if key not in memo:
        every = data.load("prompts")["cta"][r.language][r.tone]
        # the title and tone are what a button depends on; the whole fact sheet made this
        # prompt cost a third of a product's copy time
        messages = [{"role": "user", "content": f"Write a {r.tone} call to action button label for: {clean_text(r.product.title)}"}]
        memo[key] = dict(zip(every, sequence_logprob(models.get("lm"), messages, every)))
    return sorted(options, key=lambda o: -memo[key][o])


def _check(
    raw: list[Candidate], facts: "Facts", grounding: Grounding, limits: dict[str, int], counting: str, rules: Rules, language: str, name_field: str | None
) -> tuple[list[Candidate], list[Candidate]]:
    """Each raw variant made to fit and comply, then held to the publishability gate; or dropped
    with the reasons. Returns (drafts, dropped)."""
    drafts: list[Candidate] = []
    dropped: list[Candidate] = []
    for cand in raw:
        c = Candidate(dict(cand.fields), cand.source, cand.kind, cand.seed, fluency=cand.fluency, limits={f: limits[f] for f in cand.fields})
        if any(leaks_instructions(v, grounding) for v in c.fields.values()):
            c.violations.append({"rule": "injection", "term": "", "detail": "echoes or obeys instructions found in the product data"})
            dropped.append(c)
            continue
        if not all(usable(v) for v in c.fields.values()):
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
        for f, v in c.fields.items():
            fixed = gate.respell_names(v, facts)
            if fixed != v:
                c.fields[f] = fixed
                c.repairs.append(f"{f}: names spelt as the facts spell them")
        named = gate.with_brand(c.fields.get("headline", ""), facts, limits.get("headline", 0), counting)
        if named:  # a headline that names no product, led by the brand where it fits
            c.fields["headline"] = named
            c.repairs.append("headline: the brand put first (it named no product)")
        if not c.violations:
            c.violations += [r.to_dict() for r in gate.check(c.fields, facts, language, name_field=name_field if name_field in c.fields else None)]
        (dropped if c.violations else drafts).append(c)
    return drafts, dropped




# -- the single-request doors (Studio.copy, Studio.captions) --------------------------------


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
    against the compliance `rules` and the publishability gate, a call to action per tone.

    Raises ValueError for an unknown tone or platform. Every variant that failed a check is in
    `dropped` with the reason; drafts built from the product's facts fill in when fewer than n
    LM variants pass, and `notes` says so."""
    request = TextRequest(product, analysis, platform, n, tone, language, seed, rules)
    return write(models, [request], guidance=guidance)[0]


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
    """Short alt texts (at most 125 characters, where screen readers cut) and one-sentence
    descriptions (200) of the product photo (rank them with `rank.rank_text`, against the
    image embedding in `target`): from the LM (CLIP-guided when a CLIP model is there; also
    after the learned `prefix` when given), the captioner, or the product's facts. Every
    candidate that failed a check is in `dropped` with the reason."""
    result = write(models, [TextRequest(product, analysis, CAPTIONS, n, None, language, seed)], guidance=guidance, prefix=prefix)[0]
    return add_captioner(models, product, result, language or product.language, seed)


def add_captioner(models: "Models", product: "Product", result: TextResult, language: str, seed: int) -> TextResult:
    """The profile's captioner's captions added to a caption result (English only), gated like the rest."""
    if not models.available("captioner"):
        result.notes.append("captioner unavailable (optional)")
        return result
    if language != "en":
        return result
    raw = [Candidate({"caption": clean_output(t)}, "captioner", "descriptive", seed) for t in models.get("captioner").caption(product.load_images())]
    drafts, dropped = _check(raw, product, ground(product, None, language), {"caption": field_limits(CAPTIONS)["descriptive"]}, "chars", load_rules(), language, "caption")
    for c in drafts + dropped:
        c.lengths = {"caption": len(c.fields["caption"])}
    result.raw += raw
    result.kept += drafts
    result.dropped += dropped
    return result
