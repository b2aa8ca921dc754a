#!/usr/bin/env python3
"""Render docs/sample-banners.png from what `make demo` made: the rank-1 banner of each sample
product in a few sizes, read from the batch output, so the README shows the demo's own output.

    make demo                                   # writes out/samples/
    python scripts/make_readme_banners.py       # reads out/samples/, writes docs/sample-banners.png
    python scripts/make_readme_banners.py --copy  # also prints each product's best copy lines

Raises SystemExit naming the missing file when the demo has not run (or a product failed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SKUS = ["SHOE-001", "BOTTLE-001", "MUG-001", "BACKPACK-001", "WATCH-001", "HEADPHONE-001"]
SIZES = ["1080x1080", "1200x628", "1080x1920", "300x250", "160x600"]
CELL_H = 400  # every banner is scaled to this height in the grid
GAP = 18


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=REPO / "out" / "samples", help="the folder `make demo` wrote")
    parser.add_argument("--grid", type=Path, default=REPO / "docs" / "sample-banners.png")
    parser.add_argument("--copy", action="store_true", help="print each product's best copy per platform (for the README)")
    args = parser.parse_args(argv)

    rows = []
    for sku in SKUS:
        folder = args.demo / sku
        paths = [folder / "banners" / f"{size}-1.png" for size in SIZES]
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise SystemExit(f"{missing[0]}: not found; run `make demo` first")
        row = []
        for p in paths:
            with Image.open(p) as im:
                row.append(im.convert("RGB").resize((round(im.width * CELL_H / im.height), CELL_H), Image.LANCZOS))
        rows.append(row)
        if args.copy:
            copy = json.loads((folder / "copy.json").read_text(encoding="utf-8"))
            for platform, result in copy.items():
                if result["variants"]:
                    best = result["variants"][0]
                    print(f"{sku} {platform} [{best['source']}]: " + " | ".join(f"{k}: {v}" for k, v in best["fields"].items()))
    width = max(sum(im.width for im in row) + GAP * (len(row) + 1) for row in rows)
    grid = Image.new("RGB", (width, len(rows) * (CELL_H + GAP) + GAP), "white")
    y = GAP
    for row in rows:
        x = GAP
        for im in row:
            grid.paste(im, (x, y))
            x += im.width + GAP
        y += CELL_H + GAP
    args.grid.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.grid, optimize=True)
    print(f"wrote {args.grid} ({grid.width}x{grid.height}) from {args.demo}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
