"""Product cutout: the product's own pixels with an alpha edge, or a framed photo when that fails.

Four paths, tried in this order, and the one taken is recorded in `Cutout.method`:

- ``alpha``: the photo already has transparency (a PNG cut out by the shop); its alpha is kept.
- ``classical``: plain-background shop photos (the common case). The background colour is
  estimated from the image border (robust medians, allowing a studio sweep gradient), pixels
  far from it are the product, soft shadows on the floor are left out, then morphology,
  the main connected components and a feathered edge. numpy + Pillow only; ~0.1 s.
- ``segmenter``: the profile's segmentation model, when the border says the classical path is
  unreliable (a busy or textured background) and the model is confident.
- ``framed``: neither works well, so the photo is kept whole and framed as a card at
  composition time: a rounded card reads as intentional, a ragged cutout reads as broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from PIL import Image, ImageChops, ImageFilter

if TYPE_CHECKING:
    from creative.models import Models

Method = Literal["alpha", "classical", "segmenter", "framed"]

WORK_SIZE = 512  # decisions are made on a copy this size; alpha is refined at full size
# background_busyness above this: the border is textured (linen, wood grain), so the colour
# distance also picks up texture and uneven light; such photos are segmented or framed.
BUSY_LIMIT = 0.15
# A cutout less sure than this is not used: the photo is framed as a card instead (a ragged or
# holed cutout reads as broken; a card reads as intentional). See `_Classical.confidence`.
CONFIDENCE_MIN = 0.5
# Enclosed background-coloured regions smaller than this share of the product are product
# (a white logo on a shoe); larger ones are weighed as possible openings (`_openings`).
SMALL_HOLE = 0.02


@dataclass
class Cutout:
    image: Image.Image  # RGBA: the product's pixels; alpha 255 where they are kept exactly
    mask: Image.Image  # L: the alpha channel
    method: Method
    background_busyness: float  # 0 (flat studio paper) .. 1 (busy scene), from the image border
    bbox: tuple[int, int, int, int]  # (left, top, right, bottom) of the product in `image`
    notes: list[str] = field(default_factory=list)  # why this method (what was tried)
    confidence: float = 1.0  # 0..1, how sure the mask is (a framed card is sure by construction)

    @property
    def product(self) -> Image.Image:
        """The RGBA product cropped to its bounding box: what composition places."""
        return self.image.crop(self.bbox)

    def hard_mask(self) -> np.ndarray:
        """Boolean (H, W): pixels that are fully product (alpha 255), kept bit for bit."""
        return np.asarray(self.mask) == 255

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "background_busyness": round(self.background_busyness, 3),
            "bbox": list(self.bbox),
            "confidence": round(self.confidence, 3),
            "notes": self.notes,
        }


# -- numpy filters (scipy is not a dependency) ----------------------------------------


def box_sum(a: np.ndarray, r: int) -> np.ndarray:
    """Sum over a (2r+1)^2 window (zero padded), via cumulative sums: O(pixels) for any r."""
    if r < 1:
        return a.astype(np.float32)
    out = a.astype(np.float64)
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r + 1, r)
        c = np.cumsum(np.pad(out, pad), axis=axis)
        n = c.shape[axis]
        out = np.take(c, np.arange(2 * r + 1, n), axis=axis) - np.take(c, np.arange(0, n - 2 * r - 1), axis=axis)
    return out.astype(np.float32)


def blur(a: np.ndarray, sigma: float) -> np.ndarray:
    """Near-Gaussian blur: three box passes (edge-replicated so borders do not darken)."""
    r = max(1, round((np.sqrt(4 * sigma * sigma + 1) - 1) / 2))
    out = a.astype(np.float32)
    for _ in range(3):
        padded = np.pad(out, r, mode="edge")
        out = box_sum(padded, r)[r:-r, r:-r] / (2 * r + 1) ** 2
    return out


def dilate(mask: np.ndarray, r: int) -> np.ndarray:
    if r <= 0:
        return mask
    if r <= 16:  # separable maxima: a few passes over bytes, cheaper than summed-area tables
        return _max_filter(mask.astype(np.uint8), r) > 0
    return box_sum(mask, r) > 0.5


def erode(mask: np.ndarray, r: int) -> np.ndarray:
    return ~dilate(~mask, r) if r > 0 else mask


def close(mask: np.ndarray, r: int) -> np.ndarray:
    # pad first so shapes touching the border are not eroded from outside
    p = np.pad(mask, r + 1)
    return erode(dilate(p, r), r)[r + 1 : -r - 1, r + 1 : -r - 1]


def open_(mask: np.ndarray, r: int) -> np.ndarray:
    return dilate(erode(mask, r), r)


def label(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components: (labels with 0 = background, count). Run-length union-find,
    so the Python loop runs over runs (a few per row), never over pixels."""
    h, w = mask.shape
    parent: list[int] = [0]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    runs = []  # (row, start, end, id)
    prev: list[tuple[int, int, int]] = []
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    for y in range(h):
        starts = np.flatnonzero(edges[y] == 1)
        ends = np.flatnonzero(edges[y] == -1)
        cur = []
        j = 0
        for s, e in zip(starts.tolist(), ends.tolist()):
            rid = len(parent)
            parent.append(rid)
            while j < len(prev) and prev[j][1] < s:  # previous runs ending before this one (8-conn: e >= s-1)
                j += 1
            k = j
            while k < len(prev) and prev[k][0] <= e:
                a, b = find(prev[k][2]), find(rid)
                if a != b:
                    parent[max(a, b)] = min(a, b)
                k += 1
            cur.append((s, e, rid))
            runs.append((y, s, e, rid))
        prev = cur
    labels = np.zeros((h, w), np.int32)
    roots: dict[int, int] = {}
    for y, s, e, rid in runs:
        root = find(rid)
        labels[y, s:e] = roots.setdefault(root, len(roots) + 1)
    return labels, len(roots)


# -- background model -----------------------------------------------------------------


def _smooth_profile(strip: np.ndarray, n: int) -> np.ndarray:
    """(n, 3) robust colour profile along a border strip: the median across the strip, then a
    running median along it (a cable or a strap leaving the frame is an outlier, not a trend),
    then a running mean to smooth the steps."""
    med = np.median(strip, axis=0)  # strip: (band, n, 3)
    k = max(3, n // 8) | 1
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(med, ((k // 2, k // 2), (0, 0)), mode="edge"), k, axis=0)
    med = np.median(windows, axis=-1)
    kernel = np.ones(k) / k
    padded = np.pad(med, ((k, k), (0, 0)), mode="edge")
    return np.stack([np.convolve(padded[:, c], kernel, mode="same")[k:-k] for c in range(3)], axis=1)


def border_background(rgb: np.ndarray, band: int) -> np.ndarray:
    """The background as a smooth Coons patch through the four border strips: handles a studio
    sweep (lighter floor, darker wall) and side light that a single border colour would not."""
    h, w, _ = rgb.shape
    top = _smooth_profile(rgb[:band], w)
    bottom = _smooth_profile(rgb[-band:][::-1], w)
    left = _smooth_profile(rgb[:, :band].transpose(1, 0, 2), h)
    right = _smooth_profile(rgb[:, -band:][:, ::-1].transpose(1, 0, 2), h)
    v = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    u = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    top, bottom, left, right = (a.astype(np.float32) for a in (top, bottom, left, right))
    corners = (
        (1 - u) * (1 - v) * (top[0] + left[0]) / 2
        + u * (1 - v) * (top[-1] + right[0]) / 2
        + (1 - u) * v * (bottom[0] + left[-1]) / 2
        + u * v * (bottom[-1] + right[-1]) / 2
    )
    patch = (1 - v) * top[None] + v * bottom[None] + (1 - u) * left[:, None] + u * right[:, None] - corners
    return patch.astype(np.float32)


def _border(a: np.ndarray, band: int) -> np.ndarray:
    return np.concatenate([a[:band].ravel(), a[-band:].ravel(), a[band:-band, :band].ravel(), a[band:-band, -band:].ravel()])


# -- the cutout -----------------------------------------------------------------------


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _from_alpha(image: Image.Image, method: Method, busyness: float, notes: list[str], confidence: float = 1.0) -> Cutout:
    alpha = image.getchannel("A")
    box = _bbox(np.asarray(alpha) > 8) or (0, 0, *image.size)
    return Cutout(image, alpha, method, busyness, box, notes, confidence)


def framed(image: Image.Image, busyness: float, notes: list[str]) -> Cutout:
    """Keep the whole photo; composition draws it as a rounded card with a soft shadow."""
    rgba = image.convert("RGBA")
    return Cutout(rgba, Image.new("L", image.size, 255), "framed", busyness, (0, 0, *image.size), notes)


@dataclass
class _Classical:
    alpha: np.ndarray | None  # uint8 (H, W) at full size, None when unreliable
    busyness: float
    reason: str
    background: np.ndarray | None = None  # (H, W, 3) 8-bit model of the old background
    # min of: silhouette contrast (how far the product's edge stands out from the backdrop) and
    # opening evidence (an opening the backdrop's shading could not confirm lowers it by twice its share)
    confidence: float = 1.0
    notes: list[str] = field(default_factory=list)


def _classical(rgb_full: Image.Image) -> _Classical:
    w0, h0 = rgb_full.size
    scale = min(1.0, WORK_SIZE / max(w0, h0))
    small = rgb_full.resize((max(8, round(w0 * scale)), max(8, round(h0 * scale))), Image.BOX) if scale < 1 else rgb_full
    img = np.asarray(small, dtype=np.float32)
    h, w, _ = img.shape
    band = max(2, round(min(h, w) * 0.02))
    bg = border_background(img, band)
    dist = np.linalg.norm(img - bg, axis=2)

    # How busy the background is: the border's fine texture (distance from the smooth model)
    # plus its edge density. Flat paper scores ~0; linen or wood grain scores high.
    border_res = _border(dist, band)
    lum = img.mean(axis=2)
    grad = np.abs(np.diff(lum, axis=0))[:, :-1] + np.abs(np.diff(lum, axis=1))[:-1]
    edge = float(np.mean(_border(grad, band) > 12))
    noise = float(np.percentile(border_res, 90))
    busyness = float(np.clip(noise / 30 + edge, 0, 1))
    if busyness > BUSY_LIMIT:
        return _Classical(None, busyness, f"background too busy for a colour cutout (busyness {busyness:.2f})")

    threshold = max(22.0, 2.5 * noise + 10)
    solid = dist > threshold

    # Soft floor shadows are the background darkened without a colour shift. Such pixels are
    # product where product lies above and below them (a white midsole between a blue upper
    # and a black outsole) or where they end in a crisp outline (a steel case); the rest (under
    # and beside the product) is left out, and composition draws its own shadow.
    bg_norm2 = np.maximum((bg * bg).sum(axis=2), 1.0)
    k = (img * bg).sum(axis=2) / bg_norm2
    chroma = np.linalg.norm(img - k[..., None] * bg, axis=2)
    shadowish = solid & (k > 0.4) & (k < 0.98) & (chroma < 10 + 0.04 * np.sqrt(bg_norm2))
    core = solid & ~shadowish
    enclosed = _enclosed(core)
    fg = core | (shadowish & enclosed) | _crisp_parts(shadowish & ~enclosed, dist, solid, threshold)

    # Closing bridges gaps narrower than ~2.5% of the photo: near-white parts between coloured
    # ones (a white midsole, stitching) are product; wider openings (a mug's handle) stay open.
    # Background-coloured pixels it adds count only between product parts, not between a thin
    # part and its own shadow (a lamp's cord).
    closed = close(fg, max(2, round(min(h, w) / 64)))
    closed &= fg | solid | (enclosed & (dist > 0.5 * threshold))
    fg = open_(closed, max(1, round(min(h, w) / 500)))  # 1 px at WORK_SIZE: a glass rim or a strap survives
    labels, n = label(fg)
    if n == 0:
        return _Classical(None, busyness, "no foreground separates from the border colour")
    areas = np.bincount(labels.ravel())[1:]
    keep = np.flatnonzero(areas >= max(0.1 * areas.max(), 0.0005 * h * w)) + 1
    fg = np.isin(labels, keep)
    fg, hole_confidence, hole_notes = _openings(fg, img, bg, dist, band)

    frac = float(fg.mean())
    touch = float(np.mean(_border(fg, 1)))
    if not 0.01 <= frac <= 0.85:
        return _Classical(None, busyness, f"foreground covers {frac:.0%} of the photo")
    if touch > 0.25:
        return _Classical(None, busyness, f"foreground touches {touch:.0%} of the border")
    # Silhouette contrast: the colour distance of product pixels just inside the outline, in
    # thresholds. A dark shoe on white paper stands several thresholds out (1.0); a white box on
    # white paper barely one, where noise decides the outline (0.0).
    rim = erode(fg, 2) & ~erode(fg, 5)
    lift = float(np.median(dist[rim])) / threshold if rim.any() else 0.0
    edge_confidence = float(np.clip((lift - 1.0) / 1.5, 0.0, 1.0))
    confidence = min(edge_confidence, hole_confidence)
    notes = hole_notes + [f"silhouette stands {lift:.1f} thresholds out of the backdrop"]

    # Full-size alpha: the upsampled decision, with the edge band re-measured at full size so
    # anti-aliased product edges stay smooth, then a one-pixel feather. (Pillow's filters here:
    # at full size they are several times faster than the numpy ones.)
    m8 = Image.fromarray(fg.astype(np.uint8) * 255).resize((w0, h0), Image.BILINEAR)
    # The backdrop model in 8 bits (half a level of rounding is far below any threshold here):
    # Pillow enlarges it and takes the per-channel difference in C; numpy only squares and sums.
    bg8 = Image.fromarray(np.clip(bg + 0.5, 0, 255).astype(np.uint8), "RGB").resize((w0, h0), Image.BILINEAR)
    diff = np.asarray(ImageChops.difference(rgb_full, bg8)).astype(np.uint16)
    d_full = np.sqrt((diff * diff).sum(axis=2, dtype=np.uint32).astype(np.float32))
    bg_full = np.asarray(bg8)
    inside8 = m8.point(lambda v: 255 if v > 127 else 0)
    edge_r = max(1, round(1 / scale))
    inside = np.asarray(inside8)
    outer = _max_filter(inside, edge_r) > 0
    core_px = 255 - _max_filter(255 - inside, edge_r + 1) > 0
    soft = np.asarray(m8.filter(ImageFilter.GaussianBlur(edge_r)), dtype=np.float32) / 255
    # An edge pixel mixes product and background: its alpha is how far it sits from the
    # background relative to the product colour right next to it (linear unmixing), capped by
    # the decision so a shadow touching the product does not bleed in.
    d8 = Image.fromarray(np.clip(d_full / 2, 0, 255).astype(np.uint8))
    d_near = _max_filter(np.asarray(d8), edge_r + 1).astype(np.float32) * 2
    floor = 0.25 * threshold
    unmix = np.clip((d_full - floor) / np.maximum(d_near - floor, threshold), 0, 1)
    alpha = np.where(outer, np.minimum(unmix, np.clip(2 * soft, 0, 1)), 0.0)
    a8 = Image.fromarray(np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    alpha8 = np.asarray(a8).copy()
    alpha8[core_px] = 255  # the product's interior is kept exactly
    return _Classical(alpha8, busyness, "", bg_full, confidence, notes)


def _max_filter(a: np.ndarray, r: int) -> np.ndarray:
    """Grey dilation over a (2r+1)^2 square, separably (2 x (2r+1) array maxima): the same as
    Pillow's MaxFilter(2r+1), several times faster at photo sizes."""
    out = a
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        p = np.pad(out, pad, mode="edge")
        n = a.shape[axis]
        acc = np.take(p, np.arange(0, n), axis=axis)
        for k in range(1, 2 * r + 1):
            acc = np.maximum(acc, np.take(p, np.arange(k, k + n), axis=axis))
        out = acc
    return out


def grad_full(lum: np.ndarray) -> np.ndarray:
    """|d/dx| + |d/dy| of a 2-D array, same shape (zero on the last row/column)."""
    g = np.zeros_like(lum)
    g[:-1] += np.abs(np.diff(lum, axis=0))
    g[:, :-1] += np.abs(np.diff(lum, axis=1))
    return g


def _crisp_parts(loose: np.ndarray, dist: np.ndarray, solid: np.ndarray, threshold: float) -> np.ndarray:
    """Shadow-coloured regions whose outline against the background is crisp somewhere: grey
    product parts (a steel case, a white toe) rather than a cast shadow, which fades out softly
    all around. Crisp: the colour distance jumps by 1.5x the threshold from one pixel
    to its background neighbour."""
    jump = np.zeros_like(dist)  # largest step down to a background neighbour
    inner = np.zeros_like(dist)  # largest step to a neighbour inside the region
    facing = np.zeros(dist.shape, bool)
    for axis, shift in ((0, 1), (0, -1), (1, 1), (1, -1)):
        q_dist, q_solid, q_loose = np.roll(dist, shift, axis), np.roll(solid, shift, axis), np.roll(loose, shift, axis)
        jump = np.maximum(jump, np.where(q_solid, 0, dist - q_dist))
        inner = np.maximum(inner, np.where(q_loose, np.abs(dist - q_dist), 0))
        facing |= ~q_solid
    # A steel case and the shadow it casts touch; the sharp step between them splits the two.
    parts = loose & (inner < 0.8 * threshold)
    labels, n = label(parts)
    if n == 0:
        return parts
    # Each part's outline is read on the region's pixels within 2 px of it: the anti-aliased
    # edge pixels that the split above set aside belong to it (else a thin grey rim, a glass
    # jar's, would have no outline at all and be taken for a shadow).
    near = labels.copy()
    for _ in range(2):
        grown = near.copy()
        for axis, shift in ((0, 1), (0, -1), (1, 1), (1, -1)):
            grown = np.maximum(grown, np.roll(near, shift, axis))
        near = np.where(near > 0, near, grown)
    ring = loose & facing & (near > 0)
    rim = np.bincount(near[ring], minlength=n + 1)
    crisp = np.bincount(near[ring & (jump > 1.5 * threshold)], minlength=n + 1)
    keep = np.flatnonzero(crisp > 0.1 * np.maximum(rim, 1))
    kept = np.isin(labels, keep[keep > 0])
    return kept | (dilate(kept, 1) & loose & ~parts)  # the split lines next to kept parts


def _enclosed(core: np.ndarray) -> np.ndarray:
    """Pixels with product above and below them: a cast shadow lies under or beside a product,
    never between two of its parts in the same column."""
    above = np.maximum.accumulate(core, axis=0)
    below = np.maximum.accumulate(core[::-1], axis=0)[::-1]
    return above & below


def _openings(fg: np.ndarray, img: np.ndarray, bg: np.ndarray, dist: np.ndarray, band: int) -> tuple[np.ndarray, float, list[str]]:
    """Decide which enclosed background-coloured regions inside the product are real openings
    (a mug's handle, a strap loop) and fill the rest (a white label on a bottle, a glass body).

    A region smaller than SMALL_HOLE of the product is product. A larger one is an opening only
    when the evidence says so, measured against the backdrop model (the Coons patch through the
    border, which is what the backdrop would look like there):
      colour    its mean colour is the backdrop's there (within the border's noise);
      texture   its fine texture is the backdrop's (print, grain or reflections are product);
      shading   it follows the backdrop's shading across it (a sweep's gradient continues
                through a real opening; a flat label on a sweep does not).
    When the backdrop is flat where the region is, shading cannot tell a blank label from an
    opening: the region is taken as an opening but the cutout's confidence drops by its size
    (a large doubt sends the photo to the framed card). Returns (mask, confidence, notes)."""
    labels, n = label(~fg)
    if n <= 1:
        return fg, 1.0, []
    areas = np.bincount(labels.ravel())
    outer = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    outline = float(fg.sum() + sum(areas[i] for i in range(1, n + 1) if i not in outer))
    res = img - bg
    lum = res.mean(axis=2)
    border_lum = _border(lum, band)
    noise_sd = float(np.std(border_lum)) + 0.5
    noise = float(np.percentile(_border(dist, band), 90))
    bg_lum = bg.mean(axis=2)
    fill = np.zeros(n + 1, bool)
    confidence, notes = 1.0, []
    ys, xs = np.mgrid[0 : fg.shape[0], 0 : fg.shape[1]]
    for i in range(1, n + 1):
        if i in outer:
            continue
        if areas[i] <= SMALL_HOLE * fg.sum():
            fill[i] = True
            continue
        region = labels == i
        r = lum[region]
        colour = float(np.linalg.norm(res[region].reshape(-1, 3).mean(axis=0)))
        # shading: the residual should be flat; a plane fitted to it shows any gradient mismatch
        A = np.stack([np.ones(r.size), ys[region] - ys[region].mean(), xs[region] - xs[region].mean()], axis=1)
        coef, *_ = np.linalg.lstsq(A, r, rcond=None)
        extent = np.array([0.0, np.ptp(ys[region]), np.ptp(xs[region])])
        drift = float(np.abs(coef * extent).sum())
        texture = float(np.std(r - A @ coef))
        backdrop_drift = float(np.ptp(bg_lum[region]))
        is_opening = colour <= max(4.0, noise) and texture <= 1.6 * noise_sd + 1.0 and drift <= max(2.5, 0.35 * backdrop_drift)
        share = areas[i] / max(outline, 1.0)
        if not is_opening:
            fill[i] = True
            notes.append(f"an enclosed region ({share:.0%} of the product) differs from the backdrop (colour {colour:.1f}, texture {texture:.1f}, shading {drift:.1f}): kept as product")
            continue
        if backdrop_drift < 3.0:  # a flat backdrop: its shading cannot confirm the opening
            confidence = min(confidence, 1.0 - 2.0 * share)
            notes.append(f"an opening ({share:.0%} of the product) matches the backdrop, which is too flat there to confirm it by shading")
        else:
            notes.append(f"an opening ({share:.0%} of the product) continues the backdrop's colour, texture and shading")
    return fg | fill[labels], float(max(0.0, confidence)), notes


def _decontaminate(rgb: np.ndarray, alpha: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Remove the old background's colour from semi-transparent edge pixels
    (F = (I - (1 - a) B) / a), so no white fringe shows on a dark backdrop."""
    edge = (alpha > 0) & (alpha < 255)  # only the edge band: the rest is kept as it is
    a = alpha[edge].astype(np.float32)[:, None] / 255
    out = rgb.copy()
    fg = (rgb[edge].astype(np.float32) - (1 - a) * bg[edge].astype(np.float32)) / np.maximum(a, 0.05)
    out[edge] = np.clip(fg + 0.5, 0, 255).astype(np.uint8)
    return out


def cut_out(image: Image.Image, *, segmenter=None) -> Cutout:
    """Cut the product out of a photo (RGB or RGBA). `segmenter` is a loaded
    `creative.models.loaders.Segmenter`, used only when the classical path is unreliable."""
    if image.mode == "RGBA":
        alpha = np.asarray(image.getchannel("A"))
        if alpha.min() < 250 and np.mean(alpha < 8) > 0.01:
            return _from_alpha(image, "alpha", 0.0, ["the photo has its own transparency"])
        image = image.convert("RGB")
    rgb = image.convert("RGB")
    result = _classical(rgb)
    notes: list[str] = []
    if result.alpha is not None and result.confidence >= CONFIDENCE_MIN:
        pixels = _decontaminate(np.asarray(rgb), result.alpha, result.background)
        rgba = Image.fromarray(np.dstack([pixels, result.alpha]), "RGBA")
        return _from_alpha(rgba, "classical", result.busyness, ["plain background: colour-distance cutout"] + result.notes, result.confidence)
    if result.alpha is not None:
        result.reason = f"confidence {result.confidence:.2f} < {CONFIDENCE_MIN} ({'; '.join(result.notes)})"
    notes.append(f"classical cutout unreliable: {result.reason}")
    if segmenter is not None:
        seg = _segment(rgb, segmenter)
        if isinstance(seg, str):
            notes.append(f"segmenter {segmenter.name} unreliable: {seg}")
        else:
            return _from_alpha(seg, "segmenter", result.busyness, notes + [f"segmented by {segmenter.name}"])
    notes.append("kept the photo whole, framed as a card")
    return framed(rgb, result.busyness, notes)


def _segment(rgb: Image.Image, segmenter) -> Image.Image | str:
    """An RGBA cutout from the segmenter's map, or why it is not trustworthy."""
    prob = np.clip(np.asarray(segmenter.foreground_probability(rgb), dtype=np.float32), 0, 1)
    if prob.shape != (rgb.height, rgb.width):
        return f"map of shape {prob.shape} for a {rgb.width}x{rgb.height} image"
    frac = float(np.mean(prob > 0.5))
    confidence = float(np.mean(np.abs(2 * prob - 1)))
    if not 0.01 <= frac <= 0.85:
        return f"foreground covers {frac:.0%} of the photo"
    if confidence < 0.6:
        return f"low confidence ({confidence:.2f})"
    alpha = np.clip((prob - 0.3) / 0.4, 0, 1)
    fg = alpha > 0.5
    labels, n = label(fg)
    if n > 1:
        areas = np.bincount(labels.ravel())[1:]
        alpha = alpha * np.isin(labels, np.flatnonzero(areas >= 0.1 * areas.max()) + 1)
    a8 = np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(np.dstack([np.asarray(rgb), a8]), "RGBA")


def product_cutout(models: "Models | None", image: Image.Image) -> Cutout:
    """`cut_out`, consulting the profile's segmenter (loaded only then) when the classical path
    is unreliable and the profile has one on this machine."""
    cut = cut_out(image)
    if cut.method != "framed" or models is None or not models.available("segmenter"):
        return cut
    try:
        segmenter = models.get("segmenter")
    except Exception as e:  # noqa: BLE001 - an optional model that fails to load is skipped, and said so
        cut.notes.append(f"segmenter failed to load: {e}")
        return cut
    return cut_out(image, segmenter=segmenter)
