#!/usr/bin/env python3
"""Ad copy and captions with the real offline LM (SmolLM2-135M, `auto`, hub offline): how much
of what the LM writes is publishable, how much of what ships is, and how fast it is written.

    python benchmarks/bench_copy.py                       # both catalogs + the speed comparison
    python benchmarks/bench_copy.py --skip-speed          # quality only
    python benchmarks/bench_copy.py --catalog samples/catalog.csv --products 2

Quality, per catalog (samples/catalog.csv and benchmarks/catalog2/catalog.csv, every platform
of every product, plus its captions, at the demo's settings: 2 copies and 2 captions, seed 0):
  shipped pass   share of shipped variants (kept after ranking) that pass the publishability
                 gate (generate.gate.check); the gate is the gate: this must be 100%
  LM pass        share of LM-written variants (TextResult.raw, before any fallback) that pass
                 every check (limits, compliance, gate) and become drafts
  informative    share of shipped variants carrying a fact beyond the title (gate.informative)
  within limit   share of LM-written variants whose every field is within its platform limit
                 as decoded (before any cut)
  distinct-n     unique / all word n-grams (CJK: characters) over a product x platform's
                 shipped variants, averaged

Speed: copy and captions for one product on 3 platforms (SHOE-001: google_rsa, meta, banner;
2 copies, 2 captions), the batched engine vs the per-variant loop of commit ff852aa (before
this engine; its code is checked out from git into a temporary folder and run in a
subprocess), same machine, same run, one torch thread each, models loaded and warmed first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = "ff852aa"  # the last commit with the per-variant, per-field decoding loop
SPEED_SKU = "SHOE-001"
SPEED_PLATFORMS = ["google_rsa", "meta", "banner"]
N_COPIES, N_CAPTIONS, SEED = 2, 2, 0


def table(rows: list[tuple], header: tuple) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def distinct(texts: list[str], n: int) -> float | None:
    grams = []
    for text in texts:
        toks = re.findall(r"[\u4e00-\u9fff]|[^\W\u4e00-\u9fff]+", text.lower())
        grams += [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return len(set(grams)) / len(grams) if grams else None


def written(c) -> dict[str, str]:
    return {f: v for f, v in c.fields.items() if f != "cta"}


# -- quality -----------------------------------------------------------------------------


def bench_catalog(studio, path: Path, limit: int | None) -> dict:
    from creative.condition.prompts import CAPTIONS
    from creative.generate import gate
    from creative.generate.text import FACTS, TextRequest, write
    from creative.inputs.catalog import read_catalog
    from creative.rank.text import rank_text
    from creative.textunits import text_length

    rows = [r for r in read_catalog(path) if r.product is not None][:limit]
    per_product, lm_raw, lm_pass, within, shipped, shipped_pass, informative = [], 0, 0, 0, 0, 0, 0
    d1, d2 = [], []
    rules_seen: dict[str, int] = {}
    examples: list[dict] = []
    for row in rows:
        p = row.product
        analysis = studio.analyze(p)
        requests = [TextRequest(p, analysis, CAPTIONS, N_CAPTIONS, seed=SEED)] + [TextRequest(p, analysis, q, N_COPIES, seed=SEED) for q in p.platforms]
        t = time.perf_counter()
        results = write(studio.models, requests)
        seconds = time.perf_counter() - t
        for r, res in zip(requests, results):
            limits, counting = r.limits()
            raw = [c for c in res.raw if c.source != FACTS]
            passed = [c for c in res.kept if c.source != FACTS]
            lm_raw += len(raw)
            lm_pass += len(passed)
            for c in raw:
                within += all(text_length(v, counting) <= (limits[c.kind] if r.platform == CAPTIONS else limits[f]) for f, v in c.fields.items())
            for c in res.dropped:
                for v in c.violations:
                    rules_seen[v["rule"]] = rules_seen.get(v["rule"], 0) + 1
            kept = rank_text(res, r.n, r.section, None).kept
            name_field = "caption" if r.platform == CAPTIONS else "headline"
            for c in kept:
                shipped += 1
                shipped_pass += not gate.check(written(c), p, name_field=name_field)
                informative += gate.informative(written(c), p)
                if len(examples) < 400:
                    examples.append({"sku": row.sku, "platform": r.platform, "source": c.source, **written(c)})
            texts = [" ".join(written(c).values()) for c in kept]
            for n, acc in ((1, d1), (2, d2)):
                value = distinct(texts, n)
                if value is not None:
                    acc.append(value)
        per_product.append({"sku": row.sku, "language": p.language, "platforms": p.platforms, "seconds": round(seconds, 1)})
        print(f"  {row.sku}: {seconds:.1f} s", flush=True)
    return {
        "catalog": str(path.relative_to(REPO)),
        "products": len(rows),
        "shipped": shipped,
        "shipped_pass": share(shipped_pass, shipped),
        "lm_written": lm_raw,
        "lm_pass": share(lm_pass, lm_raw),
        "lm_within_limit": share(within, lm_raw),
        "informative": share(informative, shipped),
        "distinct1": round(statistics.fmean(d1), 4) if d1 else None,
        "distinct2": round(statistics.fmean(d2), 4) if d2 else None,
        "rejections": dict(sorted(rules_seen.items(), key=lambda kv: -kv[1])),
        "per_product": per_product,
        "shipped_examples": examples,
    }


# -- speed -------------------------------------------------------------------------------

_OLD = r"""
import json, sys, time
from creative.catalog import read_catalog
from creative.studio import Studio
studio = Studio.from_profile("auto")
product = next(r.product for r in read_catalog(sys.argv[1]) if r.sku == sys.argv[2])
platforms = sys.argv[3].split(",")
studio.copy(product, platform="banner", n=1, seed=99)  # model load, first-call kernels
tok = studio.model("lm").tokenizer
t = time.perf_counter()
caps = studio.captions(product, n=int(sys.argv[5]), seed=0)
copies = [studio.copy(product, platform=p, n=int(sys.argv[4]), seed=0) for p in platforms]
seconds = time.perf_counter() - t
tokens = sum(len(tok(v, add_special_tokens=False).input_ids) for r in [caps, *copies] for c in r.raw for v in c.fields.values())
print(json.dumps({"seconds": seconds, "tokens": tokens}))
"""


def bench_speed(studio) -> dict:
    from creative.condition.prompts import CAPTIONS
    from creative.generate.text import FACTS, TextRequest, write
    from creative.inputs.catalog import read_catalog

    catalog = REPO / "samples" / "catalog.csv"
    product = next(r.product for r in read_catalog(catalog) if r.sku == SPEED_SKU)
    analysis = studio.analyze(product)
    requests = [TextRequest(product, analysis, CAPTIONS, N_CAPTIONS, seed=SEED)] + [TextRequest(product, analysis, p, N_COPIES, seed=SEED) for p in SPEED_PLATFORMS]
    write(studio.models, [TextRequest(product, analysis, "banner", 1, seed=99)])  # first-call kernels, outside the timing
    t = time.perf_counter()
    results = write(studio.models, requests)
    new_seconds = time.perf_counter() - t
    tok = studio.models.get("lm").tokenizer
    new_tokens = sum(len(tok(v, add_special_tokens=False).input_ids) for res in results for c in res.raw if c.source != FACTS for v in c.fields.values())

    with tempfile.TemporaryDirectory() as tmp:
        # today's per-variant loop, as it was: its own code and profiles, the same caches
        archive = subprocess.run(["git", "archive", BASELINE, "creative", "models"], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = dict(os.environ, PYTHONPATH=tmp, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")
        out = subprocess.run([sys.executable, "-c", _OLD, str(catalog), SPEED_SKU, ",".join(SPEED_PLATFORMS), str(N_COPIES), str(N_CAPTIONS)], env=env, cwd=tmp, capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(f"the baseline failed:\n{out.stderr[-2000:]}")
        old = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "product": SPEED_SKU,
        "platforms": SPEED_PLATFORMS,
        "n_copies": N_COPIES,
        "n_captions": N_CAPTIONS,
        "baseline_commit": BASELINE,
        "per_variant_loop_seconds": round(old["seconds"], 2),
        "per_variant_loop_tokens_per_second": round(old["tokens"] / old["seconds"], 1),
        "batched_seconds": round(new_seconds, 2),
        "batched_tokens_per_second": round(new_tokens / new_seconds, 1),
        "speedup": round(old["seconds"] / new_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", action="append", help="default: samples/catalog.csv and benchmarks/catalog2/catalog.csv")
    parser.add_argument("--products", type=int, default=None, help="only the first N products of each catalog")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--profile", default="auto")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "copy.json"))
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch

    torch.set_num_threads(args.threads)
    from creative.studio import Studio

    studio = Studio.from_profile(args.profile)
    roles = {r: (res.model if res.available else f"unavailable: {res.reason}") for r, res in studio.models.resolutions.items()}
    catalogs = [Path(c).resolve() for c in (args.catalog or [REPO / "samples" / "catalog.csv", REPO / "benchmarks" / "catalog2" / "catalog.csv"])]
    result: dict = {"profile": args.profile, "roles": roles, "threads": args.threads, "seed": SEED, "catalogs": []}
    if not args.skip_speed:
        print("speed: batched engine vs the per-variant loop of", BASELINE, flush=True)
        result["speed"] = bench_speed(studio)
    for path in catalogs:
        print(f"quality: {path.relative_to(REPO)}", flush=True)
        result["catalogs"].append(bench_catalog(studio, path, args.products))

    print()
    table(
        [
            (c["catalog"], c["products"], c["shipped"], f"{c['shipped_pass']:.0%}", c["lm_written"], f"{(c['lm_pass'] or 0):.0%}", f"{(c['lm_within_limit'] or 0):.0%}", f"{c['informative']:.0%}", c["distinct1"], c["distinct2"])
            for c in result["catalogs"]
        ],
        ("catalog", "products", "shipped", "shipped pass", "LM written", "LM pass", "LM within limit", "informative", "distinct-1", "distinct-2"),
    )
    for c in result["catalogs"]:
        print(f"{c['catalog']} rejections: " + ", ".join(f"{k} {v}" for k, v in c["rejections"].items()))
    if "speed" in result:
        s = result["speed"]
        print(f"\nspeed ({s['product']}, {', '.join(s['platforms'])}; {N_COPIES} copies, {N_CAPTIONS} captions): per-variant loop {s['per_variant_loop_seconds']} s "
              f"({s['per_variant_loop_tokens_per_second']} tok/s), batched {s['batched_seconds']} s ({s['batched_tokens_per_second']} tok/s): {s['speedup']}x")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    bad = [c["catalog"] for c in result["catalogs"] if c["shipped_pass"] != 1.0]
    assert not bad, f"shipped copy that fails the gate: {bad}"


if __name__ == "__main__":
    main()
