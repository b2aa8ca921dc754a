"""Layout: banner sizes and templates (data in sizes.toml and layouts.toml) -> a `LayerSpec`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from creative import data
from creative.compose.spec import BannerCopy, LayerSpec, TextBlock, TextLayer
from creative.geometry import Box, fit_box
from creative.inputs.brand import BrandKit


@dataclass(frozen=True)
class BannerSize:
    name: str
    width: int
    height: int
    platform: str
    safe: dict[str, float]  # fraction of each side kept free: top, bottom, left, right

    def safe_box(self) -> Box:
        s = self.safe
        x0, y0 = math.ceil(self.width * s["left"]), math.ceil(self.height * s["top"])
        x1, y1 = math.floor(self.width * (1 - s["right"])), math.floor(self.height * (1 - s["bottom"]))
        return Box(x0, y0, x1 - x0, y1 - y0)


def all_sizes() -> dict[str, BannerSize]:
    return {name: BannerSize(name, d["width"], d["height"], d["platform"], d["safe"]) for name, d in data.load("sizes")["sizes"].items()}


_WXH = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")


def banner_size(name: str) -> BannerSize:
    """A size from sizes.toml by name ("1080x1080"), or any WIDTHxHEIGHT with a 5% margin."""
    sizes = all_sizes()
    if name in sizes:
        return sizes[name]
    m = _WXH.match(name)
    if not m:
        raise ValueError(f"unknown banner size {name!r}: use WIDTHxHEIGHT or one of {', '.join(sizes)}")
    w, h = int(m.group(1)), int(m.group(2))
    key = f"{w}x{h}"
    if key in sizes:
        return sizes[key]
    if not (40 <= w <= 4096 and 40 <= h <= 4096):
        raise ValueError(f"banner size {name!r} out of range (40..4096 px a side)")
    return BannerSize(key, w, h, "custom", {"top": 0.05, "bottom": 0.05, "left": 0.05, "right": 0.05})


def template_for(width: int, height: int) -> tuple[str, dict[str, Any]]:
    aspect = width / height
    for name, t in data.load("layouts")["templates"].items():
        if aspect >= t["min_aspect"] and height >= t.get("min_height", 0):
            return name, t
    raise AssertionError("layouts.toml: the last template must have min_aspect = 0")


def _region(safe: Box, frac: list[float]) -> Box:
    x0, y0 = safe.x + round(safe.w * frac[0]), safe.y + round(safe.h * frac[1])
    x1, y1 = safe.x + round(safe.w * frac[2]), safe.y + round(safe.h * frac[3])
    return Box(x0, y0, max(1, x1 - x0), max(1, y1 - y0))


PODIUM_SHARE = 0.14  # of the product region's height, kept under the product for a podium


def plan(
    size: BannerSize,
    *,
    product_size: tuple[int, int],
    method: str,
    copy: BannerCopy,
    background: dict[str, Any],
    brand: BrandKit | None = None,
    logo_size: tuple[int, int] | None = None,
    language: str = "en",
) -> LayerSpec:
    """Place product, copy and logo for one banner size (no pixels yet: see `render`)."""
    name, t = template_for(size.width, size.height)
    typo = data.load("layouts")["typography"]
    safe = size.safe_box()

    region = _region(safe, t["product"])
    framed = method == "framed"
    podium = background.get("kind") == "procedural" and background.get("backdrop", {}).get("prop") == "podium" and not framed
    if podium:
        region = Box(region.x, region.y, region.w, max(1, round(region.h * (1 - PODIUM_SHARE))))
    pw, ph = product_size
    box = fit_box(region, pw / ph, fill=0.9 if framed else 0.96, anchor="center" if framed else t["product_anchor"])
    product = {"asset": "product", "box": box.to_list(), "method": method, "shadow": not framed, "frame": framed}

    text_region = _region(safe, t["text"])
    scale = math.sqrt(size.width * size.height)
    max_head = max(typo["min_px"], round(t["type"] * scale))

    def layer(role: str, text: str) -> TextLayer:
        if role == "headline":
            return TextLayer(role, text, "bold", t.get("headline_max_lines", typo["headline_max_lines"]), typo["headline_line_height"])
        if role == "subline":
            return TextLayer(role, text, "regular", t.get("subline_max_lines", typo["subline_max_lines"]), typo["subline_line_height"])
        return TextLayer(role, text, "bold", 1, 1.0)

    main = [layer("headline", copy.headline), layer("subline", copy.subline)]
    blocks = [TextBlock(text_region, t["align"], t["valign"], main, typo["min_px"], max_head)]
    if text_region.h < t.get("subline_min_height", 0):
        blocks[0].dropped.append("subline")
    cta = layer("cta", copy.cta)
    if "cta" in t:
        blocks.append(TextBlock(_region(safe, t["cta"]), "center", "center", [cta], typo["min_px"], max_head))
    else:
        main.append(cta)

    logo = None
    if brand is not None and brand.logo and logo_size and "logo" in t:
        lr = _region(safe, t["logo"])
        lb = fit_box(lr, logo_size[0] / logo_size[1])
        lb = Box(lr.x if t["align"] == "left" else lb.x, lr.y, lb.w, lb.h)
        logo = {"asset": "logo", "box": lb.to_list()}
    return LayerSpec(
        width=size.width,
        height=size.height,
        size_name=size.name,
        platform=size.platform,
        template=name,
        safe=safe,
        background=background,
        product=product,
        blocks=blocks,
        logo=logo,
        brand=None if brand is None else vars(brand).copy(),
        language=language,
    )
