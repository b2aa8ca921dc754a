"""Draw a `LayerSpec`: backdrop, product (shadow or card frame), plates, text, button, logo.

`render` is the only code that draws a banner: composing one draws it, and a UI that edited
the copy draws it again the same way, from the spec and its assets, without running diffusion.
"""

from __future__ import annotations

import copy
import weakref
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from creative.colour import AA_NORMAL, RGB, contrast_ratio, from_hls, parse_hex, relative_luminance, to_hex, to_hls, worst_contrast
from creative.compose.shaping import draw_line
from creative.compose.spec import LayerSpec, TextBlock
from creative.compose.typeset import Placed, fit_block, line_origins
from creative.geometry import Box
from creative.inputs.brand import BrandKit

DARK, LIGHT = (17, 17, 17), (255, 255, 255)
PLATE_OPACITIES = (0.55, 0.7, 0.85, 1.0)  # tried in order: the lightest plate that gives AA contrast


@dataclass
class Rendered:
    image: Image.Image  # RGB
    spec: LayerSpec  # a copy with the measured fields filled (sizes, lines, ink boxes, contrast)
    ink: Image.Image  # L: where text glyphs were drawn, for bounds checks


def render(spec: LayerSpec, assets: dict[str, Image.Image]) -> Image.Image:
    """Re-render a banner from its spec: `assets` holds "product", "visual" and "logo" images."""
    return render_banner(spec, assets).image


def render_banner(spec: LayerSpec, assets: dict[str, Image.Image]) -> Rendered:
    spec = copy.deepcopy(spec)
    brand = BrandKit(**spec.brand) if spec.brand else None
    canvas = _background(spec, assets)  # RGB throughout: layers are pasted through their masks
    if canvas.mode != "RGB":
        canvas = canvas.convert("RGB")
    _product(canvas, spec, assets)
    ink = Image.new("L", canvas.size, 0)
    head = 0
    for block in spec.blocks:
        cap = None
        if head and [layer.role for layer in block.layers] == ["cta"]:
            # a button in a cell of its own stays below the headline in the hierarchy
            cap = max(block.min_size, round(head * 0.62))
        _text_block(canvas, ink, block, spec, brand, cap)
        head = head or next((layer.size for layer in block.layers if layer.role == "headline" and layer.lines), 0)
    if spec.logo and "logo" in assets:
        box = Box.of(spec.logo["box"])
        logo = assets["logo"].convert("RGBA").resize((box.w, box.h), Image.LANCZOS)
        canvas.paste(logo, (box.x, box.y), logo)
    return Rendered(canvas, spec, ink)


# -- background -------------------------------------------------------------------------


def _background(spec: LayerSpec, assets: dict[str, Image.Image]) -> Image.Image:
    bg = spec.background
    size = (spec.width, spec.height)
    box = Box.of(spec.product["box"])
    if bg["kind"] == "procedural":
        from creative.generate.visuals import render_backdrop

        return render_backdrop(bg["backdrop"], size, box, _footprint(spec, assets, box))
    visual = assets[bg.get("asset", "visual")].convert("RGB")
    cover = ImageOps.fit(visual, size, Image.LANCZOS)
    if bg.get("fit") != "aligned":
        return cover
    # A scene generated around the product (inpaint, img2img): scale and move it so its product
    # lands on the layout's product box; beyond its edges a blurred cover copy continues it.
    src = Box.of(bg["product_box"])
    s = box.h / src.h
    scaled = visual.resize((max(1, round(visual.width * s)), max(1, round(visual.height * s))), Image.LANCZOS)
    ox, oy = round(box.x - src.x * s), round(box.y - src.y * s)
    base = cover.filter(ImageFilter.GaussianBlur(max(2, size[0] // 40)))
    feather = max(2, round(min(scaled.size) * 0.04))
    mask = Image.new("L", scaled.size, 0)
    ImageDraw.Draw(mask).rectangle([feather, feather, scaled.width - 1 - feather, scaled.height - 1 - feather], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(feather / 2))
    base.paste(scaled, (ox, oy), mask)
    return base


# -- product ----------------------------------------------------------------------------


_PLACED: dict[int, tuple[weakref.ref, dict]] = {}  # id(asset) -> (the asset, {size: resized layer})


def placed_product(spec: LayerSpec, assets: dict[str, Image.Image]) -> tuple[Image.Image, Box]:
    """The product layer as drawn: the product asset resized to its box (RGBA), and the box.
    Lanczos after a fast box reduction to twice the size (Pillow's reducing_gap): the same look
    at a fraction of the cost for a large photo. Cached per asset and size (every proposal of a
    size shares it, and a re-render after a copy edit reuses it)."""
    box = Box.of(spec.product["box"])
    product = assets["product"]
    ref, sizes = _PLACED.get(id(product), (None, {}))
    if ref is None or ref() is not product:  # a new asset (an id can be reused after one is freed)
        if len(_PLACED) > 16:
            _PLACED.clear()
        sizes = {}
        _PLACED[id(product)] = (weakref.ref(product), sizes)
    if (box.w, box.h) not in sizes:
        sizes[(box.w, box.h)] = product.convert("RGBA").resize((box.w, box.h), Image.LANCZOS, reducing_gap=2.0)
    return sizes[(box.w, box.h)], box


def _footprint(spec: LayerSpec, assets: dict[str, Image.Image], box: Box) -> tuple[int, int]:
    """Left and right of where the product touches the floor: its lowest rows, not its widest
    part (a lamp stands on its base, not its shade)."""
    if spec.product.get("frame") or "product" not in assets:
        return box.x, box.right
    alpha = np.asarray(assets["product"].getchannel("A").resize((max(1, box.w // 4), max(1, box.h // 4)), Image.BOX)) > 96
    rows = np.flatnonzero(alpha.any(axis=1))
    if rows.size == 0:
        return box.x, box.right
    bottom = alpha[max(rows[0], rows[-1] - max(1, alpha.shape[0] // 10)) : rows[-1] + 1]
    cols = np.flatnonzero(bottom.any(axis=0))
    return box.x + int(cols[0]) * 4, box.x + int(cols[-1] + 1) * 4


def _multiply(canvas: Image.Image, mask: Image.Image, at: tuple[int, int], strength: float, tint: RGB = (0, 0, 0)) -> None:
    """Darken `canvas` under an L mask placed at `at` (a shadow)."""
    canvas.paste(tint, at, mask.point(lambda v: round(v * strength)))


def _soft_ellipse(w: int, h: int, blur: float) -> tuple[Image.Image, int]:
    """A blurred ellipse mask and its padding. A wide blur is smooth: it is made at a fraction of
    the size (blur / 4 px stays 4 px there) and enlarged, at a fraction of the cost."""
    pad = int(blur * 3) + 2
    f = max(1.0, blur / 4)
    sw, sh = max(2, round((w + 2 * pad) / f)), max(2, round((h + 2 * pad) / f))
    mask = Image.new("L", (sw, sh), 0)
    ImageDraw.Draw(mask).ellipse([pad / f, pad / f, (pad + w) / f, (pad + h) / f], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(blur / f))
    return (mask.resize((w + 2 * pad, h + 2 * pad), Image.BILINEAR) if f > 1 else mask), pad


def _floor_shadow(canvas: Image.Image, box: Box, footprint: tuple[int, int]) -> None:
    """A wide ambient shadow and a tight contact shadow where the product meets the floor."""
    x0, x1 = footprint
    fw = max(4, x1 - x0)
    cx, base = (x0 + x1) / 2, box.bottom
    for width, height, blur, strength in ((1.25, 0.09, 0.08, 0.22), (0.95, 0.03, 0.025, 0.38)):
        w, h = round(fw * width), max(2, round(min(box.h, fw) * height))
        mask, pad = _soft_ellipse(w, h, max(1.0, fw * blur))
        _multiply(canvas, mask, (round(cx - w / 2) - pad, round(base - h * 0.55) - pad), strength)


def _rounded(size: tuple[int, int], radius: int) -> Image.Image:
    """An anti-aliased rounded-rectangle mask: a solid rectangle whose four corners are a
    quarter circle drawn at 4x and box-reduced (only the corners need anti-aliasing)."""
    w, h = size
    r = max(1, min(radius, w // 2, h // 2))
    mask = Image.new("L", size, 255)
    big = Image.new("L", (r * 8, r * 8), 0)
    ImageDraw.Draw(big).ellipse([0, 0, r * 8 - 1, r * 8 - 1], fill=255)
    corner = big.reduce(4).crop((0, 0, r, r))  # the top-left quarter
    mask.paste(corner, (0, 0))
    mask.paste(corner.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (w - r, 0))
    mask.paste(corner.transpose(Image.Transpose.FLIP_TOP_BOTTOM), (0, h - r))
    mask.paste(corner.transpose(Image.Transpose.ROTATE_180), (w - r, h - r))
    return mask


def _product(canvas: Image.Image, spec: LayerSpec, assets: dict[str, Image.Image]) -> None:
    layer, box = placed_product(spec, assets)
    if spec.product.get("frame"):
        # A busy photo kept whole: a white-matted card with rounded corners and a soft shadow.
        mat = max(2, round(min(box.w, box.h) * 0.025))
        radius = max(2, round(min(box.w, box.h) * 0.045))
        outer = Box(box.x - mat, box.y - mat, box.w + 2 * mat, box.h + 2 * mat)
        blur = max(2.0, min(box.w, box.h) * 0.035)
        pad = int(blur * 3) + 2
        # the shadow is smooth: made at a quarter of the blur's scale, then enlarged
        f = max(1.0, blur / 4)
        small = (max(2, round(outer.w / f)), max(2, round(outer.h / f)))
        shadow = Image.new("L", (small[0] + 2 * round(pad / f), small[1] + 2 * round(pad / f)), 0)
        shadow.paste(_rounded(small, max(1, round((radius + mat) / f))), (round(pad / f), round(pad / f)))
        shadow = shadow.filter(ImageFilter.GaussianBlur(blur / f)).resize((outer.w + 2 * pad, outer.h + 2 * pad), Image.BILINEAR)
        _multiply(canvas, shadow, (outer.x - pad, outer.y - pad + round(blur * 0.6)), 0.4)
        canvas.paste((255, 255, 255), (outer.x, outer.y), _rounded((outer.w, outer.h), radius + mat))
        canvas.paste(layer.convert("RGB"), (box.x, box.y), _rounded((box.w, box.h), radius))
        return
    if spec.product.get("shadow"):
        _floor_shadow(canvas, box, _footprint(spec, assets, box))
    canvas.paste(layer, (box.x, box.y), layer)  # where its alpha is 255: the product's own pixels


# -- text -------------------------------------------------------------------------------


def _ink_box(p: Placed, align: str) -> Box:
    """Where the glyphs of a placed layer are (union of each line's ink at its origin); each
    line's own box goes to the layer's `line_boxes`."""
    boxes = [(x + line.ink[0], y + line.ink[1], x + line.ink[2], y + line.ink[3]) for (x, y), line in zip(line_origins(p, align), p.lines)]
    p.layer.line_boxes = [Box(int(b[0]), int(b[1]), max(1, int(b[2] - b[0])), max(1, int(b[3] - b[1]))) for b in boxes]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return Box(int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0)))


def _pixels(canvas: Image.Image, box: Box) -> np.ndarray:
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(canvas.width, box.right), min(canvas.height, box.bottom)
    region = canvas.crop((x0, y0, x1, y1))
    return np.asarray(region if region.mode == "RGB" else region.convert("RGB"))


def _text_colour(canvas: Image.Image, boxes: list[Box], preferred: RGB | None) -> tuple[RGB, float]:
    """The text colour with the best worst-case contrast over every box (preferred one first,
    when it reaches AA), and that contrast."""
    pixels = [_pixels(canvas, b) for b in boxes]

    def worst(c: RGB) -> float:
        return min(worst_contrast(c, px) for px in pixels)

    if preferred is not None and worst(preferred) >= AA_NORMAL:
        return preferred, worst(preferred)
    return max(((c, worst(c)) for c in (DARK, LIGHT)), key=lambda cw: cw[1])


def _plate(canvas: Image.Image, boxes: list[Box], size: int, text: RGB) -> dict:
    """The lightest backing plate (opposite of the text colour) under which every box reaches AA."""
    x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
    x1, y1 = max(b.right for b in boxes), max(b.bottom for b in boxes)
    px, py = round(size * 0.45), round(size * 0.3)
    box = Box(max(0, x0 - px), max(0, y0 - py), 0, 0)
    box.w, box.h = min(canvas.width, x1 + px) - box.x, min(canvas.height, y1 + py) - box.y
    fill = (0, 0, 0) if sum(text) > 382 else (255, 255, 255)
    mask = _rounded((box.w, box.h), max(2, round(size * 0.3)))
    region = canvas.crop((box.x, box.y, box.right, box.bottom))  # trials on the plate's area only
    local = [Box(b.x - box.x, b.y - box.y, b.w, b.h) for b in boxes]
    for opacity in PLATE_OPACITIES:
        trial = region.copy()
        plate = mask.point(lambda v, o=opacity: round(v * o))
        trial.paste(fill, (0, 0), plate)
        if all(worst_contrast(text, _pixels(trial, b)) >= AA_NORMAL for b in local) or opacity == 1.0:
            canvas.paste(fill, (box.x, box.y), plate)
            return {"box": box.to_list(), "fill": to_hex(fill), "opacity": opacity}
    raise AssertionError("unreachable")


def _button_fill(fill: RGB) -> tuple[RGB, RGB, float]:
    """Button fill and label colour with AA contrast: the better of white or dark on the fill,
    and the fill darkened or lightened step by step when neither reaches it."""
    h, l, s = to_hls(fill)
    for step in range(12):
        text = max((LIGHT, DARK), key=lambda c: float(contrast_ratio(relative_luminance(np.array(c)), relative_luminance(np.array(fill)))))
        ratio = float(contrast_ratio(relative_luminance(np.array(text)), relative_luminance(np.array(fill))))
        if ratio >= AA_NORMAL:
            return fill, text, ratio
        l = l - 0.06 if text == LIGHT else l + 0.06  # noqa: E741
        fill = from_hls(h, l, s)
    return (0, 0, 0), LIGHT, 21.0


def _text_block(canvas: Image.Image, ink: Image.Image, block: TextBlock, spec: LayerSpec, brand: BrandKit | None, max_size: int | None = None) -> None:
    placed = fit_block(block, brand, max_size, spec.language)
    if not placed:
        return
    preferred = parse_hex(brand.text) if brand else None
    texts = [p for p in placed if p.layer.role != "cta"]
    buttons = [p for p in placed if p.layer.role == "cta"]
    draw = ImageDraw.Draw(canvas)

    colour: RGB | None = None
    if texts:
        boxes = [_ink_box(p, block.align) for p in texts]
        fixed = [parse_hex(p.layer.colour) for p in texts if p.layer.colour]
        colour, ratio = (fixed[0], min(worst_contrast(fixed[0], _pixels(canvas, b)) for b in boxes)) if fixed else _text_colour(canvas, boxes, preferred)
        if ratio < AA_NORMAL:
            plate = _plate(canvas, boxes, texts[0].size, colour)
            for p in texts:
                p.layer.plate = plate
        for p, box in zip(texts, boxes):  # measured on what is behind the text, before any is drawn
            p.layer.ink = box
            p.layer.contrast = round(worst_contrast(colour, _pixels(canvas, box)), 2)
            p.layer.drawn_colour = to_hex(colour)
            p.layer.changes = list(dict.fromkeys(p.layer.changes))
        for p in texts:
            _draw_lines(canvas, ink, p, block.align, colour)

    for p in buttons:
        wanted = (p.layer.button or {}).get("requested")  # a fill a UI asked for; else the brand's
        base = parse_hex(wanted) if wanted else (parse_hex(brand.primary) if brand else _accent(spec))
        fill, text, _ = _button_fill(base)
        box = Box(p.x, p.y, p.w, p.h)
        radius = p.h // 2
        draw.rounded_rectangle([box.x, box.y, box.right - 1, box.bottom - 1], radius=radius, fill=fill)
        ink_box = _ink_box(p, "center")
        p.layer.ink = ink_box
        p.layer.contrast = round(worst_contrast(text, _pixels(canvas, _shrink(ink_box, box))), 2)
        _draw_lines(canvas, ink, p, "center", text)
        p.layer.drawn_colour = to_hex(text)
        p.layer.button = {"box": box.to_list(), "fill": to_hex(fill), "radius": radius, "requested": wanted}


def _shrink(ink: Box, button: Box) -> Box:
    """The text box clipped to the button (measured against the fill, not the anti-aliased rim)."""
    x0, y0 = max(ink.x, button.x + 1), max(ink.y, button.y + 1)
    x1, y1 = min(ink.right, button.right - 1), min(ink.bottom, button.bottom - 1)
    return Box(x0, y0, max(1, x1 - x0), max(1, y1 - y0))


def _draw_lines(canvas: Image.Image, ink: Image.Image, p: Placed, align: str, colour: RGB) -> None:
    for (x, y), line in zip(line_origins(p, align), p.lines):
        draw_line(canvas, ink, line, x, y, colour)


def _accent(spec: LayerSpec) -> RGB:
    accent = spec.background.get("backdrop", {}).get("accent") if spec.background.get("kind") == "procedural" else None
    return parse_hex(accent) if accent else (31, 41, 55)
