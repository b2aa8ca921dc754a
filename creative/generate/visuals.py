"""Banner visuals: K proposals per product, from diffusion or, offline, a procedural studio backdrop.

Modes (what the diffusion model is asked for):

- ``background``: text-to-image of an empty set; the product cutout is composited on it later.
- ``inpaint``: the product is placed on a canvas and the inpainting model paints everything
  around it; the product's own pixels are then pasted back through its mask, bit for bit.
- ``img2img``: a rough studio composition (procedural backdrop + product) is varied at a
  chosen strength, then the product is pasted back the same way.

All K proposals of a product are one batched pipeline call with one seeded generator each, so
the same seed gives the same visuals. Without diffusion weights (the offline case) every
proposal is a procedural backdrop (`visual_source: "procedural"`), drawn per banner size at
composition time, deterministic per seed. Generated images are screened by the profile's
safety model before use; flagged ones are dropped and recorded, never shipped unscreened.
"""

from __future__ import annotations

import inspect
import math
import re
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from creative import data
from creative.colour import RGB, from_hls, parse_hex, to_hex, to_hls, to_lab
from creative.encode.cutout import Cutout
from creative.geometry import Box, fit_box
from creative.inputs.brand import BrandKit
from creative.models import Models

MODES = ("auto", "background", "inpaint", "img2img")


@dataclass
class Visual:
    """One proposal for the look of a product's banners."""

    index: int
    seed: int
    source: str  # "diffusion" | "procedural"
    mode: str  # background | inpaint | img2img | procedural
    style: str
    prompt: str
    negative_prompt: str
    backdrop: dict[str, Any]  # procedural parameters (the backdrop itself, or img2img's starting point)
    image: Image.Image | None = None  # diffusion output; None for procedural (drawn per size)
    product_box: Box | None = None  # where the product sits in `image` (inpaint, img2img)
    safety: dict[str, Any] | str = "not needed (procedural)"
    model: str | None = None

    def background_spec(self) -> dict[str, Any]:
        """How composition draws this visual (see `creative.compose.render`)."""
        if self.image is None:
            return {"kind": "procedural", "backdrop": self.backdrop}
        if self.product_box is not None:
            return {"kind": "image", "asset": "visual", "fit": "aligned", "product_box": self.product_box.to_list()}
        return {"kind": "image", "asset": "visual", "fit": "cover"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "seed": self.seed,
            "visual_source": self.source,
            "mode": self.mode,
            "style": self.style,
            "prompt": self.prompt,
            "negative_prompt": self.negative_prompt,
            "safety": self.safety,
            "model": self.model,
        }


@dataclass
class VisualSet:
    visuals: list[Visual]
    mode: str  # the mode actually used
    dropped: list[dict[str, Any]] = field(default_factory=list)  # flagged by the safety model
    fallbacks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BannerOptions:
    """What the banners stage is asked for: the visuals it proposes and the sizes it composes.

    Raises ValueError at construction for an unknown style or mode, n < 1, or a strength
    outside (0, 1]."""

    sizes: list[str] | None = None  # "1080x1080", ...; None: every size in sizes.toml
    n: int = 3  # visual proposals (looks), each composed in every size
    style: str = "studio"  # a preset of styles.toml
    mode: str = "auto"  # auto | background | inpaint | img2img (see the module docstring)
    strength: float = 0.6  # img2img: how far the model may move from the starting composition
    seed: int = 0  # proposal i uses seed + i
    brand: BrandKit | None = None

    def __post_init__(self) -> None:
        styles = data.load("styles")["styles"]
        if self.style not in styles:
            raise ValueError(f"unknown style {self.style!r}; choose one of {', '.join(styles)}")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.n < 1:
            raise ValueError("n must be at least 1")
        if not 0.0 < self.strength <= 1.0:
            raise ValueError(f"strength must be in (0, 1], got {self.strength}")


# -- colours and prompt ---------------------------------------------------------------


def dominant_colours(cutout: Cutout, k: int = 5) -> list[RGB]:
    """The product's main colours, most characteristic first (frequent and saturated)."""
    im = cutout.product.convert("RGBA")
    im.thumbnail((96, 96), Image.BOX)
    px = np.asarray(im).reshape(-1, 4)
    px = px[px[:, 3] > 200][:, :3]
    if len(px) < 4:
        return [(128, 128, 128)]
    strip = Image.fromarray(px.reshape(1, -1, 3).astype(np.uint8), "RGB")
    q = strip.quantize(colors=k, method=Image.Quantize.MEDIANCUT)
    palette = np.asarray(q.getpalette()[: 3 * k]).reshape(-1, 3)
    counts = np.bincount(np.asarray(q).ravel(), minlength=k)[: len(palette)]
    scored = []
    for colour, count in zip(palette, counts):
        if count == 0:
            continue
        _, light, sat = to_hls(tuple(int(c) for c in colour))
        vivid = sat * (1 - abs(light - 0.5) * 1.6)
        scored.append((count / counts.sum() * (0.25 + vivid), tuple(int(c) for c in colour)))
    return [c for _, c in sorted(scored, reverse=True)]


def colour_name(rgb: RGB) -> str:
    """The nearest colour word (styles.toml [colour_names]) for a prompt."""
    names = data.load("styles")["colour_names"]
    lab = to_lab(rgb)
    return min(names, key=lambda n: float(np.linalg.norm(lab - to_lab(parse_hex(names[n])))))


def build_prompt(
    style: str,
    *,
    subject: str,
    tags: list[str],
    colours: list[RGB],
    mode: str,
) -> tuple[str, str]:
    """(prompt, negative prompt) from the style preset. Background mode describes an empty set:
    naming the product there would paint a second one behind the real one."""
    styles = data.load("styles")
    preset = styles["styles"][style]
    names = list(dict.fromkeys(colour_name(c) for c in colours))[:2]
    template = preset["background_prompt"] if mode == "background" else preset["prompt"]
    prompt = template.format(
        subject=subject or "a product",
        tags=", ".join(tags) or "modern",
        colours=" and ".join(names) or "neutral",
    )
    return re.sub(r"\s+", " ", prompt).strip(), styles["negative_prompt"]


def prompt_subject(caption: str | None, title: str) -> str:
    """The caption when there is an English one, else the title, kept short (CLIP reads 77 tokens)."""
    text = caption if caption and not re.search(r"[\u3000-\u9fff]", caption) else title
    if re.search(r"[\u3000-\u9fff]", text):
        return "the product"  # the diffusion text encoders read English
    words = text.split()
    return " ".join(words[:12])


# -- procedural backdrop ----------------------------------------------------------------


def _hue_sources(palette: list, lead: RGB, brand: BrandKit | None) -> list[tuple[float, float]]:
    """(hue, saturation weight) per palette entry of a style (see styles.toml), skipping the
    ones that do not apply (no brand kit; a grey product has no hue to echo or oppose)."""
    lead_h, _, lead_s = to_hls(lead)
    out: list[tuple[float, float]] = []
    for entry in palette:
        if isinstance(entry, (int, float)):
            out.append((entry / 360.0, 1.0))
        elif entry == "product" and lead_s > 0.12:
            out.append((lead_h, 1.0))
        elif entry == "complement" and lead_s > 0.12:
            out.append(((lead_h + 0.5) % 1.0, 0.8))
        elif entry == "brand" and brand is not None:
            hues = [to_hls(parse_hex(c)) for c in (brand.secondary, brand.primary)]
            out += [(h, 1.0) for h, _, sat in hues if sat > 0.1][:1]
        elif entry == "neutral":
            out.append((0.09, 0.35))  # warm grey
    return list(dict.fromkeys(out)) or [(0.09, 0.35)]


def make_backdrop(
    style: str,
    seed: int,
    index: int,
    product_colours: list[RGB],
    brand: BrandKit | None,
    product_aspect: float = 1.0,
    framed: bool = False,
) -> dict[str, Any]:
    """Parameters of one procedural backdrop: palette from the product and the brand, varied
    per proposal (which colour leads, the prop, where the light comes from)."""
    preset = data.load("styles")["styles"][style]
    rng = np.random.default_rng([seed, index, 7])
    lead = product_colours[0] if product_colours else (128, 128, 128)
    lead_h, lead_l, lead_s = to_hls(lead)
    sources = _hue_sources(preset["palette"], lead, brand)
    # the seed rotates which colour and prop lead, so another seed is another set of looks
    hue, weight = sources[(index + seed) % len(sources)]
    sat = preset["saturation"] * weight
    tone = preset["tone"]
    wall_top, wall_bottom = preset["wall"]
    floor = preset["floor"]
    if tone == "dark":
        accent = from_hls(0.11, 0.55, 0.55)  # warm gold: reads as premium on dark walls
        prop_colour = from_hls(hue, min(0.34, wall_bottom + 0.12), sat * 1.2)
    else:
        accent = from_hls(lead_h if lead_s > 0.2 else hue, 0.3 if tone == "light" else 0.22, 0.55)
        prop_colour = from_hls(hue, wall_top - (0.09 if tone == "light" else 0.12), min(1.0, sat * 1.3))
    props = preset["props"]
    prop = props[(index + seed) % len(props)]
    if prop == "podium" and (product_aspect > 1.3 or framed):
        prop = "sweep"  # a long, low product (a shoe from the side) overhangs any plinth; a card does not stand on one
    return {
        "style": style,
        "seed": int(seed),
        "index": int(index),
        "tone": tone,
        "wall_top": to_hex(from_hls(hue, wall_top, sat)),
        "wall_bottom": to_hex(from_hls(hue, wall_bottom, sat * 0.85)),
        "floor": to_hex(from_hls(hue, floor, sat * 0.7)),
        "prop": prop,
        "prop_colour": to_hex(prop_colour),
        "accent": to_hex(accent),
        "glow": float(preset["glow"]),
        "vignette": float(preset["vignette"]),
        "bokeh": int(preset["bokeh"]),
        "beams": float(preset["beams"]),
        "light_x": round(float(rng.uniform(0.25, 0.75)), 3),
        "grain": 1.2,
    }


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _rgb(hex_colour: str) -> np.ndarray:
    return np.asarray(parse_hex(hex_colour), dtype=np.float32)


def render_backdrop(params: dict[str, Any], size: tuple[int, int], product: Box, footprint: tuple[int, int] | None = None) -> Image.Image:
    """Draw a studio backdrop for a banner: a paper sweep from wall to floor behind the product,
    a soft light behind it, the style's prop (podium, disc, arch), bokeh or window light,
    vignette and fine grain. Smooth parts are computed at a quarter size and enlarged."""
    W, H = size
    rng = np.random.default_rng([params["seed"], params["index"], W, H])
    q = 4
    w, h = max(8, W // q), max(8, H // q)
    xs = (np.arange(w, dtype=np.float32) + 0.5) / w * W
    ys = (np.arange(h, dtype=np.float32) + 0.5) / h * H
    X, Y = np.meshgrid(xs, ys)
    cx, cy = product.x + product.w / 2, product.y + product.h / 2
    scale = max(product.w, product.h)

    # wall -> floor: the floor line sits a little above the product's base, and the sweep between
    # them is a soft curve, not a hard horizon.
    horizon = product.bottom - 0.22 * product.h
    band = max(0.06 * H, 0.12 * product.h)
    t_floor = _smoothstep(horizon - band, horizon + band * 0.6, Y)[..., None]
    t_wall = np.clip(Y / max(1.0, horizon), 0, 1)[..., None]
    wall = _rgb(params["wall_top"]) * (1 - t_wall) + _rgb(params["wall_bottom"]) * t_wall
    floor_far, floor_near = _rgb(params["floor"]), _rgb(params["floor"]) * 0.93
    t_near = np.clip((Y - horizon) / max(1.0, H - horizon), 0, 1)[..., None]
    floor = floor_far * (1 - t_near) + floor_near * t_near
    img = wall * (1 - t_floor) + floor * t_floor

    # key light from one side and a soft glow behind the product
    light = 1 + 0.05 * (1 - 2 * np.abs(X / W - params["light_x"]))[..., None]
    img *= light
    r = np.hypot((X - cx) / (1.1 * scale), (Y - (cy - 0.1 * product.h)) / (0.9 * scale))
    glow = params["glow"] * np.exp(-(r**2) * 1.6)[..., None]
    lighten_to = np.array([255, 250, 240], np.float32) if params["tone"] != "dark" else _rgb(params["prop_colour"]) * 1.8
    img += (np.minimum(lighten_to, 255) - img) * glow * (0.55 if params["tone"] != "dark" else 0.35)

    if params["beams"] > 0:  # window light falling across the wall
        d = (X * 0.8 + Y * 0.6) / max(W, H)
        beams = np.clip(np.sin(d * 9 + params["light_x"] * 6), 0, 1) ** 6
        img += (255 - img) * (0.1 * params["beams"] * beams * (1 - t_floor[..., 0]))[..., None]

    # vignette
    rv = np.hypot((X - W / 2) / (0.75 * W), (Y - H * 0.45) / (0.75 * H))
    img *= (1 - params["vignette"] * _smoothstep(0.45, 1.25, rv))[..., None]

    small = Image.fromarray(np.clip(img + 0.5, 0, 255).astype(np.uint8), "RGB")
    canvas = small.resize((W, H), Image.BILINEAR)  # a smooth field: bilinear is enough, and cheap

    if params["bokeh"]:
        _bokeh(canvas, params, rng, horizon)
    prop = params.get("prop") if H >= 160 else "sweep"  # a strip has no room for a prop
    if prop == "disc":
        _disc(canvas, params, product)
    elif prop == "arch":
        _arch(canvas, params, product, horizon)
    elif prop == "podium":
        _podium(canvas, params, product, footprint)

    # fine grain: a real backdrop is never digitally flat, and it hides 8-bit banding
    # (added in Pillow, one pass in C; the grain image is made once per look and cropped to size)
    return ImageChops.add(canvas, _grain(params["seed"], params["index"], float(params["grain"]), W, H), 1.0, -128)


@lru_cache(maxsize=4)
def _grain_field(seed: int, index: int, sigma: float, w: int, h: int) -> Image.Image:
    rng = np.random.default_rng([seed, index, 11])
    tile = np.clip(np.round(rng.normal(0, sigma, (128, 128))) + 128, 0, 255).astype(np.uint8)
    return Image.fromarray(np.tile(tile, (h // 128 + 1, w // 128 + 1))[:h, :w], "L").convert("RGB")


def _grain(seed: int, index: int, sigma: float, w: int, h: int) -> Image.Image:
    """Fine grain as an RGB image offset by 128: a 128 px tile of Gaussian noise (sigma in 8-bit
    levels), repeated. One field serves every banner size of a look (cropped from the largest)."""
    side = 2048 if max(w, h) <= 2048 else max(w, h)
    field = _grain_field(seed, index, sigma, side, side)
    return field.crop((0, 0, w, h))


def _aa_mask(size: tuple[int, int], draw_fn, ss: int = 3) -> Image.Image:
    """An anti-aliased mask: drawn at `ss` times the size, then box-reduced (exact coverage)."""
    big = Image.new("L", (size[0] * ss, size[1] * ss), 0)
    draw_fn(ImageDraw.Draw(big), ss)
    return big.reduce(ss)


def _paint(canvas: Image.Image, mask: Image.Image, colour: RGB | np.ndarray, at: tuple[int, int] = (0, 0), opacity: float = 1.0) -> None:
    layer = Image.new("RGB", mask.size, tuple(int(c) for c in colour))
    m = mask if opacity >= 1 else mask.point(lambda v: round(v * opacity))
    canvas.paste(layer, at, m)


def _disc(canvas: Image.Image, params: dict, product: Box) -> None:
    """A large soft-edged circle behind the product: a graphic accent used in a lot of retail ads."""
    # a wide product overlaps the disc's sides; the disc never reaches far below the product,
    # where the copy goes
    cx, cy = product.x + product.w / 2, product.y + product.h * 0.5
    r = min(0.5 * max(min(product.w, product.h * 1.6), product.h * 1.02), product.bottom + 0.05 * canvas.height - cy)
    box = (round(cx - r), round(cy - r), round(cx + r), round(cy + r))
    size = (box[2] - box[0], box[3] - box[1])
    mask = _aa_mask(size, lambda d, s: d.ellipse([0, 0, size[0] * s - 1, size[1] * s - 1], fill=255))
    _paint(canvas, mask, parse_hex(params["prop_colour"]), box[:2], 0.9)


def _arch(canvas: Image.Image, params: dict, product: Box, horizon: float) -> None:
    """A rounded arch standing behind the product, from the floor line up past its top."""
    w = max(product.w * 1.08, product.h * 0.7)
    top = max(product.y - 0.12 * product.h, 0.04 * canvas.height)
    base = horizon + 0.06 * product.h
    x0 = product.x + product.w / 2 - w / 2
    size = (max(2, round(w)), max(2, round(base - top)))

    def draw(d: ImageDraw.ImageDraw, s: int) -> None:
        d.ellipse([0, 0, size[0] * s - 1, size[0] * s - 1], fill=255)
        if size[1] > size[0] / 2:  # a low, wide arch is just its rounded top
            d.rectangle([0, size[0] * s / 2, size[0] * s - 1, size[1] * s - 1], fill=255)

    mask = _aa_mask(size, draw)
    _paint(canvas, mask, parse_hex(params["prop_colour"]), (round(x0), round(top)), 0.92)


def _podium(canvas: Image.Image, params: dict, product: Box, footprint: tuple[int, int] | None) -> None:
    """A cylindrical plinth the product stands on: top face at the product's base, shaded side,
    and its own soft shadow on the floor."""
    W, H = canvas.size
    fx0, fx1 = footprint or (product.x, product.right)
    # sized to the room the layout keeps under the product (PODIUM_SHARE of its region)
    rx = max(0.56 * product.w, 0.8 * (fx1 - fx0), 0.28 * product.h)
    ry = max(2.0, min(rx * 0.15, 0.06 * product.h))
    cx, top = product.x + product.w / 2, product.bottom - 0.25 * ry
    height = max(ry, min(0.09 * product.h, H - top - ry - 2))
    colour = np.asarray(parse_hex(params["prop_colour"]), np.float32)
    x0, y0 = round(cx - rx), round(top - ry)
    w, h = round(2 * rx), round(height + 2 * ry)
    if w < 4 or h < 4:
        return
    # floor shadow of the podium
    pad = round(ry * 2)
    sh = Image.new("L", (w + 2 * pad, round(2 * ry) + 2 * pad), 0)
    ImageDraw.Draw(sh).ellipse([pad - ry * 0.3, pad, pad + w + ry * 0.3, pad + 2 * ry], fill=255)
    sh = sh.filter(ImageFilter.GaussianBlur(ry * 0.7))
    canvas.paste((0, 0, 0), (x0 - pad, round(top + height - ry * 0.6) - pad), sh.point(lambda v: round(v * 0.28)))
    # body: cylinder shading across, darker towards the bottom
    u = (np.arange(w, dtype=np.float32) + 0.5) / w * 2 - 1
    lx = (params["light_x"] - 0.5) * 1.2
    shade_x = 0.78 + 0.22 * np.clip(np.sqrt(np.clip(1 - u * u, 0, 1)) * 0.9 + u * lx * 0.5, 0, 1)
    v = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    body = colour * (shade_x[None, :] * (1 - 0.08 * v))[..., None]
    body_img = Image.fromarray(np.clip(body + 0.5, 0, 255).astype(np.uint8), "RGB")

    def body_shape(d: ImageDraw.ImageDraw, s: int) -> None:
        d.rectangle([0, ry * s, w * s - 1, (h - ry) * s], fill=255)
        d.ellipse([0, (h - 2 * ry) * s, w * s - 1, h * s - 1], fill=255)

    canvas.paste(body_img, (x0, y0), _aa_mask((w, h), body_shape))
    # top face: lighter, with a soft highlight toward the light
    top_col = np.minimum(colour * 1.1 + 14, 255)
    face = _aa_mask((w, round(2 * ry)), lambda d, s: d.ellipse([0, 0, w * s - 1, 2 * ry * s - 1], fill=255))
    _paint(canvas, face, top_col, (x0, y0))


def _bokeh(canvas: Image.Image, params: dict, rng: np.random.Generator, horizon: float) -> None:
    """Out-of-focus light circles on the wall (lifestyle, seasonal)."""
    W, H = canvas.size
    overlay = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(overlay)
    for _ in range(params["bokeh"]):
        r = rng.uniform(0.025, 0.07) * min(W, H) + 2
        x, y = rng.uniform(0, W), rng.uniform(0, max(r, horizon * 0.9))
        d.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.uniform(50, 120)))
    overlay = overlay.filter(ImageFilter.GaussianBlur(max(1.0, min(W, H) * 0.006)))
    warm = (255, 236, 200) if params["tone"] != "light" else (255, 255, 250)
    _paint(canvas, overlay, warm, (0, 0), 0.6)


# -- diffusion --------------------------------------------------------------------------


def resolve_mode(models: Models, mode: str, cutout: Cutout) -> tuple[str, list[str]]:
    """The mode that will actually run here, and why it differs from the one asked for."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    diffusion, inpaint = models.available("diffusion"), models.available("inpaint")
    notes: list[str] = []
    if mode == "auto":
        # Background generation with the few-step text-to-image model is the fast path; our
        # cutout, shadow and layout already place the product well on a clean set.
        if diffusion:
            mode = "background"
        elif inpaint and cutout.method != "framed":
            mode = "inpaint"
        else:
            notes.append(f"diffusion unavailable ({models.resolutions['diffusion'].reason}): procedural studio backdrops instead")
            mode = "procedural"
    if mode in ("inpaint", "img2img") and cutout.method == "framed":
        notes.append(f"{mode} needs a cut-out product; the photo is framed ({cutout.notes[0] if cutout.notes else ''}), so background generation is used")
        mode = "background"
    if mode == "inpaint" and not inpaint:
        notes.append(f"inpaint unavailable ({models.resolutions['inpaint'].reason})")
        mode = "background"
    if mode in ("background", "img2img") and not diffusion:
        notes.append(f"diffusion unavailable ({models.resolutions['diffusion'].reason}): procedural studio backdrops instead")
        mode = "procedural"
    if mode != "procedural" and not models.available("safety"):
        notes.append(f"safety model unavailable ({models.resolutions['safety'].reason}): generated images are never used unscreened, so procedural backdrops instead")
        mode = "procedural"
    return mode, notes


def _gen_size(pipe, options: dict) -> tuple[int, int]:
    if "size" in options:
        return int(options["size"]), int(options["size"])
    side = int(pipe.unet.config.sample_size) * int(pipe.vae_scale_factor)
    return side, side


def _memory_savers(pipe, width: int, height: int, device: str) -> None:
    """Attention slicing where a CPU or a large image would otherwise need the whole attention
    matrix at once; VAE tiling for images of a megapixel and more."""
    if (device == "cpu" and width * height > 512 * 512) or width * height >= 1024 * 1024:
        if hasattr(pipe, "enable_attention_slicing"):
            pipe.enable_attention_slicing()
    if width * height >= 1024 * 1024 and hasattr(pipe, "vae") and hasattr(pipe.vae, "enable_tiling"):
        pipe.vae.enable_tiling()


def _call(pipe, **kwargs):
    """Call a diffusers pipeline with only the arguments it takes (LCM pipelines, for one,
    have no negative prompt)."""
    params = inspect.signature(pipe.__call__).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    return pipe(**{k: v for k, v in kwargs.items() if (takes_any or k in params) and v is not None})


_IMG2IMG: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()


def _img2img_pipe(text2img):
    """The image-to-image pipeline sharing the text-to-image one's weights (built once)."""
    if text2img not in _IMG2IMG:
        from diffusers import AutoPipelineForImage2Image

        pipe = AutoPipelineForImage2Image.from_pipe(text2img)
        pipe.set_progress_bar_config(disable=True)
        _IMG2IMG[text2img] = pipe
    return _IMG2IMG[text2img]


def scene_layout(size: tuple[int, int], product_size: tuple[int, int]) -> Box:
    """Where the product goes on an inpaint/img2img canvas: centred, standing low, with room
    around it for the model to paint a setting."""
    w, h = size
    region = Box(round(w * 0.2), round(h * 0.16), round(w * 0.6), round(h * 0.68))
    return fit_box(region, product_size[0] / product_size[1], anchor="bottom")


def _scene_start(cutout: Cutout, backdrop: dict, size: tuple[int, int]) -> tuple[Image.Image, Image.Image, Box]:
    """The starting canvas (procedural backdrop + product) and the product layer on it."""
    product = cutout.product
    box = scene_layout(size, product.size)
    params = dict(backdrop, prop="sweep", bokeh=0)
    canvas = render_backdrop(params, size, box).convert("RGBA")
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    layer.paste(product.resize((box.w, box.h), Image.LANCZOS), (box.x, box.y))
    canvas.alpha_composite(layer)
    return canvas.convert("RGB"), layer, box


def paste_product(scene: Image.Image, layer: Image.Image) -> Image.Image:
    """Put the product's own pixels back on a generated scene: where its alpha is 255 the result
    is the product bit for bit; its feathered edge blends over what the model painted."""
    out = scene.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")


def _generate(models: Models, mode: str, prompt: str, negative: str, seeds: list[int], cutout: Cutout, backdrops: list[dict], strength: float):
    """One batched pipeline call for all proposals. Returns (images, product box, model name)."""
    import torch

    role = "inpaint" if mode == "inpaint" else "diffusion"
    dm = models.get(role)
    pipe = dm.pipeline
    width, height = _gen_size(pipe, dm.options)
    steps = int(dm.options.get("steps", 4))
    guidance = float(dm.options.get("guidance_scale", 1.5))
    # CPU generators: the same seed gives the same noise on any device
    generators = [torch.Generator("cpu").manual_seed(int(s)) for s in seeds]
    n = len(seeds)
    common = dict(
        prompt=[prompt] * n,
        negative_prompt=[negative] * n if guidance > 1 else None,
        guidance_scale=guidance,
        generator=generators,
        output_type="pil",
    )
    if mode == "background":
        _memory_savers(pipe, width, height, dm.device)
        out = _call(pipe, num_inference_steps=steps, height=height, width=width, **common)
        return list(out.images), None, dm.name, None
    start, layer, box = _scene_start(cutout, backdrops[0], (width, height))
    if mode == "inpaint":
        alpha = layer.getchannel("A").point(lambda v: 255 if v > 8 else 0)
        keep = alpha.filter(ImageFilter.MaxFilter(3))
        paint = keep.point(lambda v: 255 - v)  # white: where the model paints
        _memory_savers(pipe, width, height, dm.device)
        out = _call(pipe, image=[start] * n, mask_image=[paint] * n, num_inference_steps=steps, height=height, width=width, strength=1.0, **common)
    else:
        i2i = _img2img_pipe(pipe)
        _memory_savers(i2i, width, height, dm.device)
        # img2img runs int(steps * strength) steps: at least one
        run_steps = max(steps, math.ceil(1 / max(strength, 1e-3)))
        out = _call(i2i, image=[start] * n, strength=strength, num_inference_steps=run_steps, **common)
    images = [paste_product(im.resize((width, height), Image.LANCZOS) if im.size != (width, height) else im, layer) for im in out.images]
    return images, box, dm.name, layer


def screen(models: Models, images: list[Image.Image]) -> list[dict[str, Any]]:
    """Safety-model scores for generated images; flagged at score >= threshold."""
    model = models.get("safety")
    res = models.resolutions["safety"]
    threshold = float(res.entry.options.get("threshold", model.threshold)) if res.entry else model.threshold
    scores = model.nsfw_scores(images)
    return [{"model": model.name, "score": round(float(s), 4), "threshold": threshold, "flagged": bool(s >= threshold)} for s in scores]


def propose_visuals(
    models: Models,
    cutout: Cutout,
    *,
    title: str,
    caption: str | None = None,
    tags: list[str] | None = None,
    options: BannerOptions = BannerOptions(),
) -> VisualSet:
    """K = options.n proposals for one product (see the module docstring for the modes).

    The prompt's subject is the best caption, else the title; `tags` (CLIP tags) and the
    brand's and product's colours steer it. Same options and seed, same visuals. Generated
    images are screened by the safety model; a flagged one is replaced by a procedural
    backdrop and recorded in `dropped`."""
    n, style, mode, seed, brand = options.n, options.style, options.mode, options.seed, options.brand
    used, fallbacks = resolve_mode(models, mode, cutout)
    product_colours = dominant_colours(cutout)
    colours = ([parse_hex(c) for c in brand.colours()] if brand else []) + product_colours[:2]
    seeds = [seed + i for i in range(n)]
    aspect = cutout.product.width / max(1, cutout.product.height)
    backdrops = [make_backdrop(style, seed, i, product_colours, brand, aspect, cutout.method == "framed") for i in range(n)]
    subject = prompt_subject(caption, title)
    tags = tags or []

    def procedural(i: int, note: str | None = None) -> Visual:
        prompt, negative = build_prompt(style, subject=subject, tags=tags, colours=colours, mode="background")
        return Visual(i, seeds[i], "procedural", "procedural", style, prompt, negative, backdrops[i], safety="not needed (procedural)")

    if used == "procedural":
        return VisualSet([procedural(i) for i in range(n)], "procedural", [], fallbacks)

    prompt, negative = build_prompt(style, subject=subject, tags=tags, colours=colours, mode=used)
    images, box, model_name, _ = _generate(models, used, prompt, negative, seeds, cutout, backdrops, options.strength)
    verdicts = screen(models, images)
    visuals, dropped = [], []
    for i, (image, verdict) in enumerate(zip(images, verdicts)):
        if verdict["flagged"]:
            dropped.append({"index": i, "seed": seeds[i], **verdict})
            visuals.append(procedural(i))
            visuals[-1].safety = f"replaces proposal {i} (seed {seeds[i]}), flagged by {verdict['model']} (score {verdict['score']} >= {verdict['threshold']})"
            continue
        visuals.append(Visual(i, seeds[i], "diffusion", used, style, prompt, negative, backdrops[i], image, box, verdict, model_name))
    if dropped:
        fallbacks.append(f"{len(dropped)} generated visual(s) flagged by the safety model: replaced by procedural backdrops")
    return VisualSet(visuals, used, dropped, fallbacks)
