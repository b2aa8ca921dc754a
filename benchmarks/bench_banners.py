#!/usr/bin/env python3
"""Banner timings: cutout and composition per product across every size (offline, procedural
backdrops), beside the code before issue #14 in the same run; and the diffusion step: the tiny
test pipeline, and a full-size SD 1.5-architecture UNet + VAE with random weights (what a CPU
pays per step at 512 px; skipped when too slow).

    python benchmarks/bench_banners.py                # everything
    python benchmarks/bench_banners.py --skip-full    # no full-size UNet
    python benchmarks/bench_banners.py --steps 2 --budget 120
    python benchmarks/bench_banners.py --only composition             # writes benchmarks/results/banners.json
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def table(rows: list[tuple], header: tuple) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


BASELINE = "ff852aa"  # today's code before issue #14 (fonts, shaping, cutout, composition speed)


def composition_worker(rounds: int) -> None:
    """Time the code on PYTHONPATH (this checkout, or a baseline revision unpacked elsewhere):
    per sample product, the cutout alone and `studio.banners` in every size (n=1, procedural
    backdrops, 1 thread). Prints one JSON line: {sku: {"cutout": [s...], "banners": [s...]}}."""
    import json

    import torch

    torch.set_num_threads(1)
    from creative.studio import Studio

    try:  # this layout: stages in folders, a Models registry
        from creative.encode.cutout import product_cutout
        from creative.inputs.catalog import read_catalog
    except ImportError:  # the baseline's layout (flat modules, stages take the Studio)
        from creative.catalog import read_catalog
        from creative.cutout import product_cutout

    studio = Studio.from_profile("auto")
    models = getattr(studio, "models", studio)  # what product_cutout takes in each layout
    models.resolutions  # resolve once, outside the timings
    products = [row.product for row in read_catalog(REPO / "samples" / "catalog.csv") if row.product]
    out: dict[str, dict] = {}
    for product in products:  # warm-up: imports, font files, caches every run has after its first product
        try:
            studio.banners(product, n=1, seed=0)
        except Exception as e:  # noqa: BLE001 - a baseline may fail where fonts are missing: reported
            out[product.sku] = {"error": f"{type(e).__name__}: {e}"}
    for _ in range(rounds):
        for product in products:
            if "error" in out.get(product.sku, {}):
                continue
            photo = product.load_images(keep_alpha=True)[0]
            t0 = time.perf_counter()
            cut = product_cutout(models, photo)
            t_cut = time.perf_counter() - t0
            t0 = time.perf_counter()
            banners = studio.banners(product, n=1, seed=0)
            t_all = time.perf_counter() - t0
            row = out.setdefault(product.sku, {"cutout": [], "banners": [], "method": cut.method, "n": len(banners)})
            row["cutout"].append(t_cut)
            row["banners"].append(t_all)
    print(json.dumps(out))


def _run_worker(root: Path, rounds: int, env: dict) -> dict:
    import json
    import subprocess

    cmd = [sys.executable, str(REPO / "benchmarks" / "bench_banners.py"), "--worker", str(rounds)]
    run = subprocess.run(cmd, capture_output=True, text=True, env=dict(env, PYTHONPATH=str(root)), cwd=REPO, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"benchmark worker for {root} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def bench_composition(baseline: str | None, rounds: int, repeats: int, out_json: Path | None) -> None:
    """This code and the baseline revision, alternately in the same run (so both see the same
    machine load), `repeats` times `rounds` rounds each; medians per product, then the median
    over products, and their ratio."""
    import json
    import subprocess

    env = dict(os.environ)
    impls = {"current": REPO}
    tmp = None
    if baseline:
        tmp = Path(tempfile.mkdtemp(prefix="creative-baseline-"))
        archive = subprocess.run(["git", "-C", str(REPO), "archive", baseline, "creative", "models"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        impls["baseline"] = tmp
    times: dict[str, dict[str, dict]] = {name: {} for name in impls}
    for _ in range(repeats):
        for name, root in impls.items():
            for sku, row in _run_worker(root, rounds, env).items():
                acc = times[name].setdefault(sku, {"cutout": [], "banners": [], "method": row.get("method"), "error": row.get("error")})
                acc["cutout"] += row.get("cutout", [])
                acc["banners"] += row.get("banners", [])
    rows, summary = [], {}
    for name in impls:
        per = {sku: r for sku, r in times[name].items() if r["banners"]}
        total = [statistics.median(r["banners"]) for r in per.values()]
        cut = [statistics.median(r["cutout"]) for r in per.values()]
        compose = [statistics.median([b - c for b, c in zip(r["banners"], r["cutout"])]) for r in per.values()]
        summary[name] = {
            "products": len(per),
            "failed": {sku: r["error"] for sku, r in times[name].items() if r.get("error")},
            "median_total_s": round(statistics.median(total), 4) if total else None,
            "median_cutout_s": round(statistics.median(cut), 4) if cut else None,
            "median_composition_s": round(statistics.median(compose), 4) if compose else None,
            "per_product": {sku: {"method": r["method"], "total_s": round(statistics.median(r["banners"]), 4), "cutout_s": round(statistics.median(r["cutout"]), 4)} for sku, r in per.items()},
        }
        for sku, r in per.items():
            b, c = statistics.median(r["banners"]), statistics.median(r["cutout"])
            rows.append((name, sku, r["method"], f"{c * 1000:.0f}", f"{b:.3f}", f"{(b - c):.3f}", f"{b / 11 * 1000:.0f}"))
    print(f"\nOffline banners (auto profile, hub offline: procedural backdrops), 11 sizes, n=1, 1 thread; medians of {repeats}x{rounds} runs")
    table(rows, ("code", "product", "cutout", "cutout ms", "all sizes s", "composition s (no cutout)", "per banner ms"))
    for name, s in summary.items():
        print(f"{name}: median per product: all sizes {s['median_total_s']} s, composition of 11 sizes {s['median_composition_s']} s, cutout {s['median_cutout_s']} s" + (f"; failed: {s['failed']}" if s["failed"] else ""))
    if "baseline" in summary and summary["baseline"]["median_total_s"]:
        common = sorted(set(summary["baseline"]["per_product"]) & set(summary["current"]["per_product"]))
        ratio_total = statistics.median([summary["baseline"]["per_product"][k]["total_s"] / summary["current"]["per_product"][k]["total_s"] for k in common])
        comp = {name: {k: statistics.median([b - c for b, c in zip(times[name][k]["banners"], times[name][k]["cutout"])]) for k in common} for name in impls}
        ratio_comp = statistics.median([comp["baseline"][k] / comp["current"][k] for k in common])
        summary["speedup"] = {"products_compared": len(common), "all_sizes": round(ratio_total, 2), "composition": round(ratio_comp, 2), "baseline": baseline}
        print(f"speed-up against {baseline} (median over the {len(common)} products both ran): all sizes {ratio_total:.2f}x, composition {ratio_comp:.2f}x")
    if out_json:
        out_json.parent.mkdir(parents=True, exist_ok=True)
        out_json.write_text(json.dumps(summary, indent=2) + "\n")
        print(f"results: {out_json}")


def bench_tiny_diffusion() -> None:
    from PIL import Image, ImageDraw

    from creative.encode.cutout import cut_out
    from creative.generate.visuals import BannerOptions, propose_visuals
    from creative.studio import Studio

    studio = Studio.from_profile("tiny", device="cpu")
    im = Image.new("RGB", (256, 256), "white")
    ImageDraw.Draw(im).rounded_rectangle([60, 70, 200, 200], radius=20, fill=(200, 30, 30))
    cut = cut_out(im)
    rows = []
    for mode in ("background", "inpaint", "img2img"):
        propose_visuals(studio.models, cut, title="warm-up", options=BannerOptions(n=3, mode=mode))  # model load, first-call kernels
        t0 = time.perf_counter()
        result = propose_visuals(studio.models, cut, title="bag", options=BannerOptions(n=3, mode=mode))
        dt = time.perf_counter() - t0
        size = result.visuals[0].image.size if result.visuals[0].image else None
        rows.append((mode, "tiny-sd", f"{size[0]}x{size[1]}" if size else "-", 3, f"{dt * 1000:.0f}"))
    print("\nTiny diffusion (random 4 MB pipeline: plumbing, not quality), K=3 proposals in one batched call, incl. safety screen")
    table(rows, ("mode", "model", "size", "K", "ms"))


def bench_full_unet(steps: int, budget: float, device: str) -> None:
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel

    print(f"\nSD 1.5-architecture UNet (860M) + VAE, random weights, 512x512, batch 1, {steps} step(s), {device}")
    t0 = time.perf_counter()
    with torch.no_grad():
        unet = UNet2DConditionModel(
            sample_size=64,
            block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2,
            cross_attention_dim=768,
            attention_head_dim=8,
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        ).eval()
        vae = AutoencoderKL(
            block_out_channels=(128, 256, 512, 512),
            down_block_types=("DownEncoderBlock2D",) * 4,
            up_block_types=("UpDecoderBlock2D",) * 4,
            latent_channels=4,
        ).eval()
    dtype = torch.float16 if device == "cuda" else torch.float32
    unet, vae = unet.to(device, dtype), vae.to(device, dtype)
    build = time.perf_counter() - t0
    gen = torch.Generator("cpu").manual_seed(0)
    latents = torch.randn((1, 4, 64, 64), generator=gen).to(device, dtype)
    text = torch.randn((1, 77, 768), generator=gen).to(device, dtype)
    rows = [("build (random init)", f"{build:.1f}")]
    step_times = []
    with torch.inference_mode():
        for i in range(steps):
            t0 = time.perf_counter()
            latents = unet(latents, 999 - i * 250, encoder_hidden_states=text).sample
            if device == "cuda":
                torch.cuda.synchronize()
            step_times.append(time.perf_counter() - t0)
            if sum(step_times) > budget:
                rows.append(("(stopped: over budget)", f"{budget:.0f}"))
                break
        for i, t in enumerate(step_times):
            rows.append((f"UNet step {i + 1}", f"{t:.2f}"))
        if sum(step_times) <= budget:
            t0 = time.perf_counter()
            vae.decode(latents / 0.18215).sample
            if device == "cuda":
                torch.cuda.synchronize()
            rows.append(("VAE decode 512x512", f"{time.perf_counter() - t0:.2f}"))
    table(rows, ("stage", "s"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2, help="full-size UNet steps (1-2 is enough for a per-step time)")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds allowed for the full-size UNet steps")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--device", default=None)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (on a busy machine 1 avoids oversubscription)")
    parser.add_argument("--only", choices=["composition", "tiny", "full"], action="append", help="run only these parts")
    parser.add_argument("--baseline", default=BASELINE, help="git revision timed beside this code ('' for none)")
    parser.add_argument("--rounds", type=int, default=2, help="composition: timed passes over the samples per worker")
    parser.add_argument("--repeats", type=int, default=2, help="composition: workers per implementation, alternating")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "banners.json", help="write the composition results here")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.environ["HF_HUB_OFFLINE"] = "1"  # the offline default, as CI and a fresh machine see it
    os.environ.setdefault("CREATIVE_HOME", tempfile.mkdtemp(prefix="creative-bench-"))
    os.environ.setdefault("HF_HUB_CACHE", str(Path(os.environ["CREATIVE_HOME"]) / "hf-cache"))
    if args.worker is not None:  # the implementation under test comes from PYTHONPATH
        composition_worker(args.worker)
        return 0
    sys.path.insert(0, str(REPO))
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, device {device}")
    parts = args.only or ["composition", "tiny"] + ([] if args.skip_full else ["full"])
    if "composition" in parts:
        bench_composition(args.baseline or None, args.rounds, args.repeats, args.json)
    if "tiny" in parts:
        bench_tiny_diffusion()
    if "full" in parts:
        bench_full_unet(args.steps, args.budget, device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
