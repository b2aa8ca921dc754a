"""The studio's edit loop, as ratios in one run: what a marketer waits for after each action.

    .venv/bin/python benchmarks/bench_studio.py                 # tiny profile, 4 sizes, 3 looks
    .venv/bin/python benchmarks/bench_studio.py --profile auto  # offline default (SmolLM2; slow)

For one sample product it times, with one torch thread and warm models:
  generate           the whole pipeline (Workbench.generate)
  edit               new words on one look, re-rendered in every size (no diffusion)
  regenerate_visuals new visual proposals for the unlocked looks
  regenerate_copy    new copy for every platform, unlocked looks re-worded
  zip_cold           the download, every image encoded
  edit_then_zip      an edit and the download rebuilt (only the edited look is encoded again)
and reports each as a ratio of `generate`. Results: benchmarks/results/studio.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="tiny")
    parser.add_argument("--sku", default="SHOE-001")
    parser.add_argument("--sizes", default="1080x1080,1200x628,1080x1920,300x250")
    parser.add_argument("--platforms", default="banner,meta")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "studio.json"))
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    from creative.inputs.catalog import read_catalog
    from creative.compose import BannerCopy
    from creative.studio import Studio
    from creative.ui.workbench import Settings, Workbench

    product = next(r for r in read_catalog(REPO / "samples" / "catalog.csv") if r.sku == args.sku).product
    studio = Studio.from_profile(args.profile)
    settings = Settings(sizes=args.sizes.split(","), platforms=args.platforms.split(","), n_captions=2, n_copies=2, n_visuals=3)
    bench = Workbench(studio, product, settings)
    bench.generate()  # warm-up: models load, caches fill
    edits = iter(f"Edited headline {i}" for i in range(10_000))

    def edit() -> None:
        look = bench.looks()[0]
        bench.edit(look.key, BannerCopy(next(edits), look.words.subline, look.words.cta))

    def zip_cold() -> None:
        bench._encoded.clear()  # forget every PNG encoded so far
        bench.zip()

    def edit_then_zip() -> None:  # what the studio does for each edit: re-render, rebuild the download
        edit()
        bench.zip()

    seconds = {
        "generate": timed(bench.generate, args.repeat),
        "edit": timed(edit, args.repeat),
        "regenerate_visuals": timed(bench.regenerate_visuals, args.repeat),
        "regenerate_copy": timed(bench.regenerate_copy, args.repeat),
        "zip_cold": timed(zip_cold, args.repeat),
        "edit_then_zip": timed(edit_then_zip, args.repeat),
    }
    ratios = {k: round(v / seconds["generate"], 4) for k, v in seconds.items()}
    result = {
        "profile": args.profile,
        "product": args.sku,
        "sizes": settings.sizes,
        "platforms": settings.platforms,
        "looks": settings.n_visuals,
        "repeat": args.repeat,
        "torch_threads": 1,
        "seconds_median": {k: round(v, 3) for k, v in seconds.items()},
        "ratio_to_generate": ratios,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'action':<20}{'seconds':>10}{'x generate':>12}")
    for k, v in seconds.items():
        print(f"{k:<20}{v:>10.2f}{ratios[k]:>12.3f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
