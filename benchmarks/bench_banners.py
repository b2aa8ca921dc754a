#!/usr/bin/env python3
"""Banner timings: cutout and composition per product across every size (offline, procedural
backdrops), and the diffusion step: the tiny test pipeline, and a full-size SD 1.5-architecture
UNet + VAE with random weights (what a CPU pays per step at 512 px; skipped when too slow).

    python benchmarks/bench_banners.py                # everything
    python benchmarks/bench_banners.py --skip-full    # no full-size UNet
    python benchmarks/bench_banners.py --steps 2 --budget 120
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


def bench_composition() -> None:
    from creative.inputs.catalog import read_catalog
    from creative.compose import all_sizes
    from creative.encode.cutout import product_cutout
    from creative.studio import Studio

    studio = Studio.from_profile("auto")
    studio.models.resolutions  # resolve once, outside the timings
    rows = []
    for row in read_catalog(REPO / "samples" / "catalog.csv"):
        if not row.product:
            continue
        product = row.product
        photo = product.load_images(keep_alpha=True)[0]
        t0 = time.perf_counter()
        cut = product_cutout(studio.models, photo)
        t_cut = time.perf_counter() - t0
        t0 = time.perf_counter()
        banners = studio.banners(product, n=1, seed=0)
        t_all = time.perf_counter() - t0
        rows.append((row.sku, cut.method, f"{t_cut * 1000:.0f}", len(banners), f"{t_all:.2f}", f"{t_all / len(banners) * 1000:.0f}"))
    print(f"\nOffline banners (auto profile, hub offline: procedural backdrops), {len(all_sizes())} sizes, n=1")
    table(rows, ("product", "cutout", "cutout ms", "banners", "all sizes s", "per banner ms"))
    per = [float(r[4]) for r in rows]
    print(f"median per product, all sizes: {statistics.median(per):.2f} s")


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
    args = parser.parse_args()

    os.environ["HF_HUB_OFFLINE"] = "1"  # the offline default, as CI and a fresh machine see it
    os.environ.setdefault("CREATIVE_HOME", tempfile.mkdtemp(prefix="creative-bench-"))
    os.environ.setdefault("HF_HUB_CACHE", str(Path(os.environ["CREATIVE_HOME"]) / "hf-cache"))
    sys.path.insert(0, str(REPO))
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, device {device}")
    parts = args.only or ["composition", "tiny"] + ([] if args.skip_full else ["full"])
    if "composition" in parts:
        bench_composition()
    if "tiny" in parts:
        bench_tiny_diffusion()
    if "full" in parts:
        bench_full_unet(args.steps, args.budget, device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
