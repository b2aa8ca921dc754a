#!/usr/bin/env python3
"""Draw the example brand's logo (samples/brand/logo.png): a peak mark and a wordmark.

Drawn here from shapes and DejaVu Sans Bold, so the file carries no third-party rights.
    python samples/brand/make_logo.py
"""

from __future__ import annotations

import os

from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
PRIMARY = (15, 76, 92)  # keep in step with brand.toml
ACCENT = (227, 100, 20)
SS = 4  # drawn at 4x, reduced for smooth edges


def main() -> None:
    w, h = 720, 160
    im = Image.new("RGBA", (w * SS, h * SS), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    s = SS
    # mark: two overlapping peaks, the front one with a snow cap
    d.polygon([(8 * s, 140 * s), (62 * s, 40 * s), (116 * s, 140 * s)], fill=PRIMARY)
    d.polygon([(60 * s, 140 * s), (100 * s, 70 * s), (140 * s, 140 * s)], fill=ACCENT)
    d.polygon([(62 * s, 40 * s), (48 * s, 66 * s), (58 * s, 60 * s), (66 * s, 68 * s), (76 * s, 66 * s)], fill=(255, 255, 255))
    font = ImageFont.truetype("DejaVuSans-Bold.ttf", 74 * s)
    d.text((158 * s, 92 * s), "NORTHPEAK", font=font, fill=PRIMARY, anchor="lm")
    im = im.resize((w, h), Image.LANCZOS)
    im = im.crop(im.getbbox())
    im.save(os.path.join(HERE, "logo.png"), optimize=True)


if __name__ == "__main__":
    main()
