"""A test set of product photos drawn by us, each with its true mask: the hard cases for a
colour-distance cutout (labels near the background colour, glass, thin straps, handles with
holes, white on white). Deterministic: the same pixels every run."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = (640, 640)


def _paper(bg=(236, 236, 233), sweep: float = 0.06, seed: int = 0) -> Image.Image:
    """Studio paper: a soft top-to-bottom sweep and camera noise."""
    w, h = SIZE
    rng = np.random.default_rng(seed)
    shade = 1 - sweep * (1 - np.linspace(0, 1, h))[:, None, None]
    a = np.asarray(bg, np.float32)[None, None] * shade * np.ones((h, w, 1), np.float32)
    a += rng.normal(0, 1.4, (h, w, 3))
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))


def _shadow(im: Image.Image, box, strength: int = 90) -> Image.Image:
    sh = Image.new("L", im.size, 0)
    ImageDraw.Draw(sh).ellipse(box, fill=strength)
    sh = sh.filter(ImageFilter.GaussianBlur(10))
    return Image.composite(Image.new("RGB", im.size, (0, 0, 0)), im, sh)


def _finish(im: Image.Image, mask: Image.Image, seed: int = 1) -> tuple[Image.Image, np.ndarray]:
    """Camera noise over everything; the true mask as booleans."""
    rng = np.random.default_rng(seed)
    a = np.asarray(im, np.float32) + rng.normal(0, 1.2, (im.height, im.width, 3))
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8)), np.asarray(mask) > 127


def _layer(draw_fn) -> tuple[Image.Image, Image.Image]:
    """Draw the product at 4x and reduce: anti-aliased pixels and an exact coverage mask."""
    big = Image.new("RGBA", (SIZE[0] * 4, SIZE[1] * 4), (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(big), 4)
    small = big.resize(SIZE, Image.LANCZOS)
    return small, small.getchannel("A")


def _on(bg: Image.Image, layer: Image.Image) -> Image.Image:
    out = bg.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")


def bottle_white_label():
    """A green bottle with a near-white printed label: the label is product, not a hole."""

    def draw(d, s):
        d.rounded_rectangle([250 * s, 80 * s, 390 * s, 130 * s], radius=8 * s, fill=(30, 30, 30, 255))  # cap
        d.rounded_rectangle([210 * s, 120 * s, 430 * s, 560 * s], radius=40 * s, fill=(40, 110, 70, 255))
        d.rectangle([225 * s, 250 * s, 415 * s, 430 * s], fill=(240, 240, 236, 255))  # label
        d.rectangle([290 * s, 330 * s, 350 * s, 345 * s], fill=(120, 120, 118, 255))  # a small logo

    layer, mask = _layer(draw)
    return _finish(_on(_shadow(_paper(), [190, 540, 450, 580]), layer), mask)


def bottle_blank_label():
    """A plain label the colour of the paper: no print to tell it from the backdrop."""

    def draw(d, s):
        d.rounded_rectangle([210 * s, 100 * s, 430 * s, 560 * s], radius=40 * s, fill=(150, 40, 40, 255))
        d.rectangle([225 * s, 260 * s, 415 * s, 420 * s], fill=(238, 237, 233, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_paper(sweep=0.0), layer), mask)


def mug_with_handle():
    """A mug whose handle encloses a real opening: the backdrop shows through it."""

    def draw(d, s):
        d.rounded_rectangle([170 * s, 180 * s, 420 * s, 520 * s], radius=24 * s, fill=(30, 120, 140, 255))
        d.ellipse([360 * s, 250 * s, 520 * s, 440 * s], fill=(30, 120, 140, 255))
        d.ellipse([395 * s, 290 * s, 485 * s, 400 * s], fill=(0, 0, 0, 0))
        d.rounded_rectangle([170 * s, 180 * s, 420 * s, 520 * s], radius=24 * s, fill=(30, 120, 140, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_shadow(_paper(), [160, 505, 470, 545]), layer), mask)


def white_mug_with_handle():
    """A white mug with a handle on light paper: edges only by shading."""

    def draw(d, s):
        d.ellipse([360 * s, 250 * s, 520 * s, 440 * s], fill=(208, 208, 206, 255))
        d.ellipse([395 * s, 290 * s, 485 * s, 400 * s], fill=(0, 0, 0, 0))
        d.rounded_rectangle([170 * s, 180 * s, 420 * s, 520 * s], radius=24 * s, fill=(214, 214, 212, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_paper(), layer), mask)


def glass_jar():
    """A clear glass jar: a thin dark rim, a faint tint, a highlight."""

    def draw(d, s):
        d.rounded_rectangle([200 * s, 140 * s, 440 * s, 540 * s], radius=30 * s, fill=(120, 130, 135, 255))
        d.rounded_rectangle([206 * s, 146 * s, 434 * s, 534 * s], radius=26 * s, fill=(214, 224, 228, 255))
        d.rectangle([230 * s, 180 * s, 245 * s, 480 * s], fill=(250, 252, 252, 255))  # highlight
        d.rectangle([190 * s, 110 * s, 450 * s, 145 * s], fill=(90, 90, 95, 255))  # lid

    layer, mask = _layer(draw)
    return _finish(_on(_paper(), layer), mask)


def bag_with_thin_strap():
    """A bag with a thin strap loop: the loop is product, the space inside it is not."""

    def draw(d, s):
        d.arc([220 * s, 90 * s, 420 * s, 330 * s], start=180, end=360, fill=(90, 50, 25, 255), width=6 * s)
        d.line([220 * s, 210 * s, 220 * s, 300 * s], fill=(90, 50, 25, 255), width=6 * s)
        d.line([420 * s, 210 * s, 420 * s, 300 * s], fill=(90, 50, 25, 255), width=6 * s)
        d.rounded_rectangle([170 * s, 290 * s, 470 * s, 540 * s], radius=20 * s, fill=(200, 150, 40, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_shadow(_paper(), [160, 525, 480, 565]), layer), mask)


def watch_with_straps():
    """A watch whose thin straps run out of the frame (top and bottom)."""

    def draw(d, s):
        d.rectangle([290 * s, 0, 350 * s, 640 * s], fill=(60, 40, 30, 255))
        d.ellipse([240 * s, 240 * s, 400 * s, 400 * s], fill=(180, 180, 185, 255))
        d.ellipse([255 * s, 255 * s, 385 * s, 385 * s], fill=(30, 50, 120, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_paper(), layer), mask)


def white_box_on_white():
    """A white box on white paper with a soft shadow: barely any colour difference."""

    def draw(d, s):
        d.rectangle([180 * s, 200 * s, 460 * s, 500 * s], fill=(246, 246, 244, 255))
        d.rectangle([200 * s, 330 * s, 440 * s, 360 * s], fill=(234, 234, 231, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_shadow(_paper(bg=(240, 240, 238)), [170, 485, 470, 520], 60), layer), mask)


def shoe_white_midsole():
    """A shoe with a white midsole between a blue upper and a black outsole."""

    def draw(d, s):
        d.rounded_rectangle([120 * s, 240 * s, 520 * s, 400 * s], radius=60 * s, fill=(30, 60, 180, 255))
        d.rectangle([110 * s, 390 * s, 530 * s, 430 * s], fill=(244, 244, 242, 255))
        d.rounded_rectangle([105 * s, 425 * s, 535 * s, 450 * s], radius=8 * s, fill=(20, 20, 20, 255))

    layer, mask = _layer(draw)
    return _finish(_on(_shadow(_paper(), [110, 440, 540, 470]), layer), mask)


CASES = {
    "bottle_white_label": bottle_white_label,
    "bottle_blank_label": bottle_blank_label,
    "mug_with_handle": mug_with_handle,
    "white_mug_with_handle": white_mug_with_handle,
    "glass_jar": glass_jar,
    "bag_with_thin_strap": bag_with_thin_strap,
    "watch_with_straps": watch_with_straps,
    "white_box_on_white": white_box_on_white,
    "shoe_white_midsole": shoe_white_midsole,
}


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """The mask with every region not connected to the image border filled (its outline)."""
    from creative.encode.cutout import label

    labels, n = label(~mask)
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    return mask | ~np.isin(labels, sorted(border | {0}))
