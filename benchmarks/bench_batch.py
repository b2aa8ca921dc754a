"""Throughput of the whole pipeline on the `tiny` profile, as ratios measured in one run:

1. `studio.generate_many(products)` vs `studio.generate(p)` in a loop (same products, same options);
2. the batch script's local engine vs `--engine ray` with 2 workers (same catalog, same options);
3. peak memory (max RSS) of this process and of its children (Ray workers).

    OMP_NUM_THREADS=1 python benchmarks/bench_batch.py [--repeat 2]

Tiny models make the model work small, so this measures the pipeline's own overheads
(encoding, composition, I/O, scheduling); with real weights the model work dominates.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OPTIONS = dict(sizes=["1080x1080", "1200x628", "300x250"], platforms=["banner"], n_captions=1, n_copies=1, n_visuals=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("CREATIVE_HOME", tempfile.mkdtemp(prefix="creative-bench-"))
    os.environ["HF_HUB_OFFLINE"] = "1"

    from creative.batch import BatchOptions, run_batch
    from creative.inputs.catalog import read_catalog
    from creative.studio import Studio

    studio = Studio.from_profile("tiny", device="cpu")
    products = [r.product for r in read_catalog(REPO / "samples" / "catalog.csv")]
    studio.generate(products[0], **OPTIONS)  # load every model once, outside the timings

    def best_of(fn) -> float:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    many = best_of(lambda: studio.generate_many(products, **OPTIONS))
    loop = best_of(lambda: [studio.generate(p, **OPTIONS) for p in products])

    options = BatchOptions(profile="tiny", sizes=OPTIONS["sizes"], platforms=OPTIONS["platforms"], n_captions=1, n_copies=1, n_visuals=1, threads=1)
    engines = {}
    for engine in ("local", "ray"):
        def run(engine=engine):
            with tempfile.TemporaryDirectory() as out:
                summary = run_batch(REPO / "samples" / "catalog.csv", out, options=options, engine=engine, workers=2, progress=False)
                assert summary.ok, summary.failed
        engines[engine] = best_of(run)

    n = len(products)
    results = {
        "products": n,
        "generate_many_products_per_min": round(60 * n / many, 1),
        "generate_loop_products_per_min": round(60 * n / loop, 1),
        "generate_many_speedup": round(loop / many, 2),
        "batch_local_products_per_min": round(60 * n / engines["local"], 1),
        "batch_ray_2_workers_products_per_min": round(60 * n / engines["ray"], 1),
        "ray_vs_local_speedup": round(engines["local"] / engines["ray"], 2),
        "max_rss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "max_rss_mb_children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "torch_threads": os.environ.get("OMP_NUM_THREADS", "default"),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(results, indent=2))
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "batch.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
