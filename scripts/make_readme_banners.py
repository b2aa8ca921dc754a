#!/usr/bin/env python3
"""Render docs/sample-banners.png: banners of the sample catalog made by the OFFLINE default.

The `auto` profile with the hub offline and no cached weights is what a fresh machine (and CI)
runs: no diffusion model, so every visual is the procedural studio backdrop, and the copy comes
from the product facts. This image is what the README shows, so it shows what offline users get.

    python scripts/make_readme_banners.py            # writes docs/sample-banners.png
    python scripts/make_readme_banners.py --out DIR  # also keeps every banner and its sidecar
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Which products, in which size and style: one row per product, one column per size.
ROWS = [
    ("SHOE-001", "studio"),
    ("BOTTLE-001", "bold"),
    ("MUG-001", "lifestyle"),
    ("BACKPACK-001", "minimal"),
    ("WATCH-001", "luxury"),
    ("HEADPHONE-001", "seasonal"),
]
SIZES = ["1080x1080", "1200x628", "1080x1920", "300x250", "160x600"]
CELL_H = 400  # every banner is scaled to this height in the grid
GAP = 18


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also save every banner (and its JSON sidecar) here")
    parser.add_argument("--grid", type=Path, default=REPO / "docs" / "sample-banners.png")
    args = parser.parse_args(argv)

    # Offline, with a fresh cache: exactly what a new user or CI sees.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("CREATIVE_HOME", tempfile.mkdtemp(prefix="creative-readme-"))
    os.environ.setdefault("HF_HUB_CACHE", str(Path(os.environ["CREATIVE_HOME"]) / "hf-cache"))
    sys.path.insert(0, str(REPO))
    from PIL import Image

    from creative.inputs.catalog import read_catalog
    from creative.compose import load_brand_kit
    from creative.studio import Studio

    studio = Studio.from_profile("auto")
    products = {row.sku: row.product for row in read_catalog(REPO / "samples" / "catalog.csv") if row.product}
    brand = load_brand_kit(REPO / "samples" / "brand" / "brand.toml")
    grid_rows = []
    for sku, style in ROWS:
        product = products[sku]
        kit = brand if product.brand == brand.name else None  # the example kit is Northpeak's
        banners = studio.banners(product, sizes=SIZES, n=1, style=style, seed=1, brand=kit)
        print(f"{sku}: {banners[0].metadata['visual_source']} visuals, cutout {banners[0].metadata['cutout']['method']}")
        row = []
        for b in banners:
            if args.out:
                b.save(args.out / f"{sku.lower()}-{b.size}.png")
            row.append(b.image.resize((round(b.image.width * CELL_H / b.image.height), CELL_H), Image.LANCZOS))
        grid_rows.append(row)

    width = max(sum(im.width for im in row) + GAP * (len(row) + 1) for row in grid_rows)
    height = len(grid_rows) * (CELL_H + GAP) + GAP
    grid = Image.new("RGB", (width, height), (236, 236, 238))
    y = GAP
    for row in grid_rows:
        x = GAP
        for im in row:
            grid.paste(im, (x, y))
            x += im.width + GAP
        y += CELL_H + GAP
    grid = grid.resize((width // 2, height // 2), Image.LANCZOS)  # README width; keeps the file small
    args.grid.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.grid, optimize=True)
    print(f"wrote {args.grid} ({grid.width}x{grid.height}, {args.grid.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
