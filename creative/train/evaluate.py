"""How well a copywriter writes, measured with the real copy stage: the share of LM-written
variants that pass every check a shipped variant passes (limits, compliance, the
publishability gate), and the share of those that say something beyond the title.

    result = evaluate_copy(models, [(facts, ["meta", "banner"]), ...], n=1, seed=0)
    result.pass_rate, result.informative_rate, result.rejections

Each product's platforms are written in one `generate.text.write` call, as `creative batch`
writes them, so decoding (prompt, few-shot examples or none, per the profile's lm entry;
temperatures, angles, seeds) is exactly the pipeline's. A raw variant passes when the copy
stage keeps it (`_check`: fit, compliance, gate): the kept list before any facts-built top-up,
which carries the source "facts template" and is not counted. The copy stage reads only a
product's facts here: no photo, so no CLIP tags or guidance, the same for every model compared.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from creative.generate import gate
from creative.generate.text import FACTS, TextRequest, write

if TYPE_CHECKING:
    from creative.inputs.product import Facts
    from creative.models import Models

LM_SOURCES = ("lm", "lm+clip")


@dataclass
class CopyEval:
    """Counts over every LM-written variant of every (product, platform) asked for."""

    requests: int = 0
    variants: int = 0  # raw LM-written variants
    passed: int = 0  # ... kept by the copy stage
    informative: int = 0  # ... of the passed: tell a fact beyond the title (gate.informative)
    rejections: Counter = field(default_factory=Counter)  # rule -> variants it dropped
    seconds: float = 0.0
    samples: list[dict[str, Any]] = field(default_factory=list)  # every variant: product, platform, fields, passed, why not

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.variants if self.variants else None

    @property
    def informative_rate(self) -> float | None:
        """Of the variants that passed."""
        return self.informative / self.passed if self.passed else None

    def to_dict(self, samples: bool = True) -> dict[str, Any]:
        d = {
            "requests": self.requests,
            "variants": self.variants,
            "passed": self.passed,
            "pass_rate": _r(self.pass_rate),
            "informative": self.informative,
            "informative_rate": _r(self.informative_rate),
            "informative_of_all": _r(self.informative / self.variants if self.variants else None),
            "rejections": dict(self.rejections.most_common()),
            "seconds": round(self.seconds, 1),
        }
        return d | ({"samples": self.samples} if samples else {})


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def facts_analysis(models: "Models", facts: "Facts") -> Any:
    """What the copy stage is told about a product that comes without a photo: its facts only."""
    from creative.encode import Analysis

    return Analysis(facts, None, {}, None, None, models.resolutions, ["evaluated from the facts alone: no photo, no CLIP"])


def evaluate_copy(
    models: "Models",
    items: list[tuple["Facts", list[str]]],
    *,
    n: int = 1,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> CopyEval:
    """Write copy for every (facts, platforms) item with the copy stage (`n` variants wanted per
    platform: n x oversample are decoded, ranking.toml) and count what passes. Raises
    RoleUnavailableError when `models` has no lm; ValueError for an unknown platform."""
    out = CopyEval()
    start = time.perf_counter()
    for k, (facts, platforms) in enumerate(items):
        analysis = facts_analysis(models, facts)
        requests = [TextRequest(facts, analysis, p, n, seed=seed) for p in platforms]  # type: ignore[arg-type] - the copy stage reads facts only
        for r, result in zip(requests, write(models, requests)):
            out.requests += 1
            kept = {c.seed: c for c in result.kept if c.source != FACTS}
            why = {c.seed: sorted({v["rule"] for v in c.violations}) for c in result.dropped}
            for c in result.raw:
                if c.source not in LM_SOURCES:
                    continue
                out.variants += 1
                passed = c.seed in kept
                useful = passed and gate.informative({f: v for f, v in kept[c.seed].fields.items() if f != "cta"}, facts)
                out.passed += passed
                out.informative += useful
                out.rejections.update(why.get(c.seed, []))
                out.samples.append({
                    "title": facts.title, "platform": r.platform, "seed": c.seed, "kind": c.kind, "raw": c.fields,
                    "kept": {f: v for f, v in kept[c.seed].fields.items() if f != "cta"} if passed else None,
                    "passed": passed, "informative": useful, "rejected_by": why.get(c.seed, []),
                })
        if progress:
            progress(k + 1, len(items))
    out.seconds = time.perf_counter() - start
    return out
