#!/usr/bin/env python3
"""Draw the sample product photos used by ``samples/catalog.csv``.

Every image in ``samples/images/`` is drawn procedurally by this script from
simple shapes, numpy gradients and seeded noise, so the files carry no
third-party rights.  Only Pillow, numpy and the standard library are used.

The output is deterministic: fixed seeds, no timestamps, so running the script
again reproduces byte-identical files (with the same Pillow/numpy build).

    python samples/make_samples.py            # draw every product
    python samples/make_samples.py mug watch  # draw only some of them
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SS = 3  # supersampling factor: draw at 3x, downscale with LANCZOS
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")


# --------------------------------------------------------------------------
# small numeric helpers
# --------------------------------------------------------------------------

def _box1(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Box filter of width 2r+1 along one axis (edge padded)."""
    if r < 1:
        return a
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    p = np.pad(a, pad, mode="edge")
    c = np.cumsum(p, axis=axis, dtype=np.float64)
    n = c.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, n), axis=axis)
    lo = np.take(c, np.arange(0, n - 2 * r - 1), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


def blur(a: np.ndarray, sigma: float) -> np.ndarray:
    """Approximate Gaussian blur (three box passes per axis), sigma in pixels."""
    if sigma <= 0.3:
        return a
    if sigma > 8 and min(a.shape) >= 64:
        # blur a reduced copy; plenty accurate for soft shadows / height fields
        k = max(2, min(int(sigma // 4), 8))
        h, w = a.shape
        small = Image.fromarray(a.astype(np.float32)).resize((w // k, h // k), Image.BOX)
        small = _blur_full(np.asarray(small, dtype=np.float32), sigma / k)
        big = Image.fromarray(small).resize((w, h), Image.BILINEAR)
        return np.asarray(big, dtype=np.float32)
    return _blur_full(a, sigma)


def _blur_full(a: np.ndarray, sigma: float) -> np.ndarray:
    w = math.sqrt(12.0 * sigma * sigma / 3.0 + 1.0)
    r = max(1, int(round((w - 1) / 2)))
    out = a.astype(np.float32)
    for _ in range(3):
        out = _box1(out, r, 0)
        out = _box1(out, r, 1)
    return out


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def spline(pts, closed=True, n=18):
    """Catmull-Rom spline through ``pts``; returns a list of (x, y)."""
    P = np.asarray(pts, dtype=np.float64)
    if closed:
        P = np.vstack([P[-1], P, P[0], P[1]])
    else:
        P = np.vstack([P[0], P, P[-1]])
    out = []
    ts = np.linspace(0.0, 1.0, n, endpoint=False)
    for i in range(1, len(P) - 2):
        p0, p1, p2, p3 = P[i - 1], P[i], P[i + 1], P[i + 2]
        for t in ts:
            t2, t3 = t * t, t * t * t
            out.append(0.5 * ((2 * p1) + (-p0 + p2) * t
                              + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t3))
    if not closed:
        out.append(P[-2])
    return [(float(x), float(y)) for x, y in out]


def noise(rng: np.random.Generator, shape, cells) -> np.ndarray:
    """Smooth value noise in [-1, 1]: a random grid upsampled bicubically.

    ``cells`` is (rows, cols) of the random grid, so a stretched grid gives
    stretched noise (useful for wood grain and brushed metal)."""
    cy, cx = cells
    g = rng.random((cy + 3, cx + 3), dtype=np.float32) * 2 - 1
    im = Image.fromarray(g)
    h, w = shape
    # upsample a slightly larger grid and crop to hide the clamped border
    big = im.resize((int(w * (cx + 3) / cx), int(h * (cy + 3) / cy)), Image.BICUBIC)
    ox = int(w * 1.5 / cx)
    oy = int(h * 1.5 / cy)
    return np.asarray(big, dtype=np.float32)[oy:oy + h, ox:ox + w]


def fbm(rng, shape, cells, octaves=4, gain=0.5):
    out = np.zeros(shape, np.float32)
    amp, tot = 1.0, 0.0
    cy, cx = cells
    for _ in range(octaves):
        out += amp * noise(rng, shape, (max(1, int(cy)), max(1, int(cx))))
        tot += amp
        amp *= gain
        cy, cx = cy * 2, cx * 2
    return out / tot


def rgb(c):
    return np.asarray(c, dtype=np.float32)


def mix(c0, c1, t):
    """Blend two colours with a scalar/array t -> (..., 3) colour array."""
    c0, c1 = rgb(c0), rgb(c1)
    t = np.asarray(t, dtype=np.float32)
    return c0 + (c1 - c0) * t[..., None]


# --------------------------------------------------------------------------
# canvas
# --------------------------------------------------------------------------

class Canvas:
    """Supersampled float canvas.  All public coordinates are in output pixels."""

    def __init__(self, size: int, bg=(248, 248, 248)):
        self.size = size
        self.n = n = size * SS
        self.rgb = np.empty((n, n, 3), np.float32)
        self.rgb[:] = rgb(bg)
        self.alpha = np.zeros((n, n), np.float32)
        c = (np.arange(n, dtype=np.float32) + 0.5) / SS
        self.x = c[None, :]
        self.y = c[:, None]

    # ---- masks (float arrays in [0, 1]) ---------------------------------
    def _img(self):
        return Image.new("L", (self.n, self.n), 0)

    def _arr(self, im, soft=0.0):
        a = np.asarray(im, dtype=np.float32) / 255.0
        if not soft:
            return a
        sig = soft * SS
        sl = self._bbox(a, pad=int(4 * sig) + 2)
        if sl is None:
            return a
        out = np.zeros_like(a)
        out[sl] = blur(a[sl], sig)
        return out

    def poly(self, pts, soft=0.0):
        im = self._img()
        ImageDraw.Draw(im).polygon([(x * SS, y * SS) for x, y in pts], fill=255)
        return self._arr(im, soft)

    def shape(self, pts, soft=0.0, n=18):
        """Closed smooth shape through the control points."""
        return self.poly(spline(pts, True, n), soft)

    def ellipse(self, cx, cy, rx, ry, soft=0.0):
        im = self._img()
        ImageDraw.Draw(im).ellipse(
            [(cx - rx) * SS, (cy - ry) * SS, (cx + rx) * SS, (cy + ry) * SS], fill=255)
        return self._arr(im, soft)

    def rrect(self, x0, y0, x1, y1, r, soft=0.0):
        im = self._img()
        ImageDraw.Draw(im).rounded_rectangle(
            [x0 * SS, y0 * SS, x1 * SS, y1 * SS], radius=r * SS, fill=255)
        return self._arr(im, soft)

    def line(self, pts, width, soft=0.0, smooth=False):
        if smooth:
            pts = spline(pts, False)
        im = self._img()
        d = ImageDraw.Draw(im)
        p = [(x * SS, y * SS) for x, y in pts]
        w = max(1, int(round(width * SS)))
        r = width * SS / 2
        for a, b in zip(p[:-1], p[1:]):
            d.line([a, b], fill=255, width=w)
        if r >= 1.5:  # round joins and caps (PIL's curve joints can spike)
            for x, y in p:
                d.ellipse([x - r, y - r, x + r, y + r], fill=255)
        return self._arr(im, soft)

    def segments(self, segs, width):
        """Many straight strokes in one mask."""
        im = self._img()
        d = ImageDraw.Draw(im)
        for a, b in segs:
            d.line([(a[0] * SS, a[1] * SS), (b[0] * SS, b[1] * SS)], fill=255,
                   width=max(1, int(round(width * SS))))
        return self._arr(im)

    def outline(self, pts, grow, n=18):
        """Smooth closed shape grown outwards by ``grow`` pixels (union of discs)."""
        p = [(x * SS, y * SS) for x, y in spline(pts, True, n)]
        im = self._img()
        d = ImageDraw.Draw(im)
        d.polygon(p, fill=255)
        r = grow * SS
        q = np.array(p + [p[0]])
        for (x0, y0), (x1, y1) in zip(q[:-1], q[1:]):
            steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / (r * 0.25)))
            for t in np.linspace(0, 1, steps, endpoint=False):
                x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                d.ellipse([x - r, y - r, x + r, y + r], fill=255)
        return self._arr(im)

    def dashes(self, pts, width, dash, gap, smooth=True):
        """Dashed line (stitching) along a path."""
        if smooth:
            pts = spline(pts, False, 40)
        p = np.asarray(pts, dtype=np.float64)
        seg = np.hypot(*np.diff(p, axis=0).T)
        s = np.concatenate([[0], np.cumsum(seg)])
        im = self._img()
        d = ImageDraw.Draw(im)
        r = width * SS / 2
        pos = 0.0
        while pos + dash <= s[-1]:
            a = np.array([np.interp(pos, s, p[:, 0]), np.interp(pos, s, p[:, 1])])
            b = np.array([np.interp(pos + dash, s, p[:, 0]), np.interp(pos + dash, s, p[:, 1])])
            d.line([tuple(a * SS), tuple(b * SS)], fill=255, width=max(1, int(width * SS)))
            for q in (a * SS, b * SS):
                d.ellipse([q[0] - r, q[1] - r, q[0] + r, q[1] + r], fill=255)
            pos += dash + gap
        return self._arr(im)

    def lathe(self, cx, profile, tilt=0.12, soft=0.0):
        """Silhouette of a solid of revolution seen slightly from above.

        ``profile`` is a list of (y, half_width) from top to bottom; each
        cross-section is drawn as an ellipse with ry = tilt * rx."""
        ys = np.array([p[0] for p in profile], dtype=np.float64)
        ws = np.array([p[1] for p in profile], dtype=np.float64)
        im = self._img()
        d = ImageDraw.Draw(im)
        for y in np.arange(ys[0], ys[-1] + 1e-6, 1.0 / SS):
            w = float(np.interp(y, ys, ws))
            if w <= 0:
                continue
            ry = max(tilt * w, 0.01)
            d.ellipse([(cx - w) * SS, (y - ry) * SS, (cx + w) * SS, (y + ry) * SS], fill=255)
        return self._arr(im, soft)

    def width_at(self, profile, tilt=0.0):
        """Per-row half width of a lathe silhouette, as an (n, 1) array."""
        ys = np.array([p[0] for p in profile], dtype=np.float64)
        ws = np.array([p[1] for p in profile], dtype=np.float64)
        rows = self.y[:, 0].astype(np.float64)
        if tilt <= 0:
            return np.interp(rows, ys, ws, left=0, right=0).astype(np.float32)[:, None]
        yy = np.linspace(ys[0], ys[-1], 800)
        ww = np.interp(yy, ys, ws)
        ry = np.maximum(ww * tilt, 1e-3)
        out = np.zeros_like(rows)
        for y0, w0, r0 in zip(yy, ww, ry):
            lo, hi = np.searchsorted(rows, [y0 - r0, y0 + r0])
            if hi > lo:
                d = (rows[lo:hi] - y0) / r0
                out[lo:hi] = np.maximum(out[lo:hi], w0 * np.sqrt(np.maximum(0, 1 - d * d)))
        return np.maximum(out, 1e-3).astype(np.float32)[:, None]

    # ---- shading helpers -------------------------------------------------
    def cyl(self, cx, half_w, light=-0.45, amb=0.42, spec=0.35, spec_pos=-0.55,
            spec_w=0.12, rim=0.0):
        """Cylinder shading around the vertical axis x = cx.

        ``half_w`` may be a scalar or an (n,1) array (per-row radius).
        Returns (diffuse multiplier, specular add) arrays."""
        u = np.clip((self.x - cx) / half_w, -1.0, 1.0)
        nz = np.sqrt(np.maximum(0.0, 1.0 - u * u))
        lx, lz = light, math.sqrt(1 - light * light)
        dif = np.maximum(0.0, u * lx + nz * lz)
        shade = amb + (1 - amb) * dif
        sp = spec * np.exp(-((u - spec_pos) / spec_w) ** 2)
        if rim:
            sp = sp + rim * np.exp(-((u - 0.93) / 0.05) ** 2)
        return shade.astype(np.float32), sp.astype(np.float32)

    def bump(self, m, radius, light=(-0.45, -0.65, 0.62), strength=1.0):
        """Lambert shading of a 'pillow' height field made by blurring a mask."""
        sigma = radius * SS
        out = np.zeros_like(m)
        sl = self._bbox(m, pad=int(3 * sigma) + 4)
        if sl is None:
            return out
        mc = m[sl]
        k = max(1, min(int(sigma // 4), 8))
        H, W = mc.shape
        if k > 1 and min(H, W) >= 4 * k:
            small = np.asarray(Image.fromarray(mc.astype(np.float32)).resize((W // k, H // k), Image.BOX))
        else:
            k, small = 1, mc
        h = _blur_full(small, sigma / k)
        gy, gx = np.gradient(h)
        if k > 1:
            gx = np.asarray(Image.fromarray(gx / k).resize((W, H), Image.BICUBIC))
            gy = np.asarray(Image.fromarray(gy / k).resize((W, H), Image.BICUBIC))
        kk = sigma * 2.2 * strength
        nx, ny = -gx * kk, -gy * kk
        inv = 1.0 / np.sqrt(nx * nx + ny * ny + 1.0)
        L = np.asarray(light, dtype=np.float64)
        L = L / np.linalg.norm(L)
        d = (nx * L[0] + ny * L[1] + L[2]) * inv
        out[sl] = np.clip(d, 0.0, 1.0)
        return out

    def radial(self, cx, cy, rx, ry=None):
        ry = rx if ry is None else ry
        return np.sqrt(((self.x - cx) / rx) ** 2 + ((self.y - cy) / ry) ** 2)

    def lin(self, x0, y0, x1, y1):
        """0 at (x0,y0) to 1 at (x1,y1), clamped."""
        dx, dy = x1 - x0, y1 - y0
        t = ((self.x - x0) * dx + (self.y - y0) * dy) / (dx * dx + dy * dy)
        return np.clip(t, 0.0, 1.0)

    # ---- painting --------------------------------------------------------
    @staticmethod
    def _bbox(m, pad=0):
        """Slice covering the non-zero part of a mask (speeds up painting)."""
        rows = np.flatnonzero(m.max(axis=1) > 1e-4)
        if rows.size == 0:
            return None
        cols = np.flatnonzero(m[rows[0]:rows[-1] + 1].max(axis=0) > 1e-4)
        n0, n1 = m.shape
        return (slice(max(0, rows[0] - pad), min(n0, rows[-1] + 1 + pad)),
                slice(max(0, cols[0] - pad), min(n1, cols[-1] + 1 + pad)))

    @staticmethod
    def _crop(v, sl):
        v = np.asarray(v, dtype=np.float32)
        if v.ndim == 0:
            return v
        if v.ndim == 1:
            return v[None, None, :]
        return v[sl[0] if v.shape[0] > 1 else slice(None), sl[1] if v.shape[1] > 1 else slice(None)]

    def paint(self, m, col, opacity=1.0):
        sl = self._bbox(m)
        if sl is None:
            return
        a = m[sl] * opacity
        c = self._crop(col, sl)
        self.rgb[sl] += (c - self.rgb[sl]) * a[..., None]
        self.alpha[sl] += (1.0 - self.alpha[sl]) * a

    def shade_paint(self, m, col, shade, spec=None, spec_col=(255, 255, 255), opacity=1.0):
        sl = self._bbox(m)
        if sl is None:
            return
        sh = self._crop(shade, sl)
        c = rgb(col)[None, None, :] * (sh[..., None] if sh.ndim else sh)
        if spec is not None:
            sp = self._crop(spec, sl)
            c = c + rgb(spec_col)[None, None, :] * (sp[..., None] if sp.ndim else sp)
        a = m[sl] * opacity
        self.rgb[sl] += (c - self.rgb[sl]) * a[..., None]
        self.alpha[sl] += (1.0 - self.alpha[sl]) * a

    def darken(self, m, strength, tint=(0, 0, 0)):
        """Multiply-style shadow; does not touch alpha."""
        sl = self._bbox(m)
        if sl is None:
            return
        a = (m[sl] * strength)[..., None]
        self.rgb[sl] = self.rgb[sl] * (1 - a) + rgb(tint)[None, None, :] * a

    def lighten(self, m, strength, col=(255, 255, 255)):
        sl = self._bbox(m)
        if sl is None:
            return
        a = (m[sl] * strength)[..., None]
        self.rgb[sl] += (rgb(col)[None, None, :] - self.rgb[sl]) * a

    def contact_shadow(self, cx, cy, rx, ry, strength=0.35, soft=1.0):
        """Two-layer soft shadow: a wide ambient one and a tight contact one."""
        wide = self.ellipse(cx, cy, rx * 1.08, ry * 1.9, soft=22 * soft)
        tight = self.ellipse(cx, cy, rx * 0.96, ry * 0.7, soft=6 * soft)
        self.darken(wide, strength * 0.55)
        self.darken(tight, strength)

    # ---- output ----------------------------------------------------------
    def image(self, transparent=False, out=None):
        size = (out or self.size, out or self.size)
        if not transparent:
            im = Image.fromarray(np.clip(self.rgb + 0.5, 0, 255).astype(np.uint8))
            return im.resize(size, Image.LANCZOS)
        a = self.alpha
        chans = []
        for i in range(3):
            f = Image.fromarray((self.rgb[..., i] * a).astype(np.float32))
            chans.append(np.asarray(f.resize(size, Image.LANCZOS)))
        af = np.asarray(Image.fromarray(a.astype(np.float32)).resize(size, Image.LANCZOS))
        af = np.clip(af, 0.0, 1.0)
        px = np.zeros((size[1], size[0], 4), np.uint8)
        safe = np.maximum(af, 1e-4)
        for i in range(3):
            px[..., i] = np.clip(chans[i] / safe + 0.5, 0, 255).astype(np.uint8)
        px[..., 3] = np.clip(af * 255 + 0.5, 0, 255).astype(np.uint8)
        px[px[..., 3] == 0, :3] = 0
        return Image.fromarray(px)


def grain(rng, shape, amount):
    """Fine per-pixel luminance noise (fabric / paper tooth)."""
    return (rng.standard_normal(shape).astype(np.float32) * amount)


# --------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------

def draw_shoe(colours, bg, seed, transparent=False, out=None):
    """Running shoe, lateral side view, toe pointing right."""
    c = Canvas(900, bg)
    upper_col, dark_col, accent_col, sole_col = colours
    c.contact_shadow(462, 650, 375, 12, strength=0.42)

    # outsole (rubber): a thin strip under the midsole, toe spring at the front
    out_pts = [(108, 590), (200, 614), (400, 622), (600, 618), (720, 604), (790, 584),
               (818, 568), (824, 580), (800, 604), (720, 633), (620, 646), (400, 650),
               (200, 649), (140, 644), (110, 630), (101, 608)]
    m = c.shape(out_pts)
    c.shade_paint(m, (48, 48, 54), 0.72 + 0.3 * c.bump(m, 5))
    lugs = np.zeros_like(m)
    for i, x in enumerate(range(150, 800, 22)):
        yb = 650 if x < 620 else 650 - (x - 620) ** 1.5 * 0.018
        lugs = np.maximum(lugs, c.rrect(x, yb - 7, x + 11, yb + 2, 2))
    c.darken(lugs * m, 0.45)

    # midsole (foam): thick at the heel, thinner at the forefoot
    mid_pts = [(106, 505), (180, 524), (300, 543), (450, 554), (600, 558), (720, 553),
               (790, 546), (818, 552), (826, 566), (806, 584), (720, 606), (600, 616),
               (400, 619), (220, 615), (140, 606), (106, 586), (98, 548)]
    m = c.shape(mid_pts)
    sh = (0.80 + 0.22 * c.bump(m, 10)) * (1.03 - 0.13 * c.lin(0, 540, 0, 618))
    c.shade_paint(m, sole_col, sh)
    groove = c.line([(126, 578), (300, 592), (500, 596), (680, 586), (790, 566)], 3.0, smooth=True)
    c.darken(groove * m, 0.2)
    hl = c.line([(140, 558), (300, 570), (500, 574), (700, 566)], 5, soft=2, smooth=True)
    c.lighten(hl * m, 0.35)

    # far-side collar lining (seen through the ankle opening)
    lin = c.shape([(146, 326), (196, 318), (258, 330), (306, 346), (310, 362),
                   (272, 370), (220, 352), (176, 334)])
    c.shade_paint(lin, (70, 70, 76), 0.65 + 0.35 * c.lin(150, 320, 300, 365))

    # upper
    up_pts = [(108, 515), (102, 460), (110, 400), (126, 352), (144, 322), (176, 333),
              (222, 353), (270, 369), (302, 360), (318, 332), (330, 304), (356, 298),
              (382, 314), (430, 343), (510, 380), (600, 418), (680, 452), (745, 480),
              (792, 508), (816, 536), (812, 556), (760, 562), (700, 562), (500, 556),
              (300, 546), (150, 530)]
    up = c.shape(up_pts)
    X, Y = c.x, c.y
    p = 0.5 * (np.cos(2 * np.pi * (X + Y) / 7.0) + np.cos(2 * np.pi * (X - Y) / 7.0))
    mesh = 1.0 - 0.16 * smoothstep(0.35, 0.95, p)
    sh = (0.55 + 0.5 * c.bump(up, 28)) * mesh * (1.08 - 0.22 * c.lin(0, 330, 0, 560))
    c.shade_paint(up, upper_col, sh)

    # toe bumper and heel counter overlays
    toe = c.shape([(700, 488), (760, 494), (804, 518), (820, 546), (800, 562),
                   (720, 563), (690, 536)]) * up
    c.shade_paint(toe, dark_col, 0.62 + 0.45 * c.bump(toe, 8))
    heel = c.shape([(103, 545), (99, 470), (108, 418), (150, 428), (212, 470),
                    (254, 520), (262, 552), (160, 545)]) * up
    c.shade_paint(heel, dark_col, 0.6 + 0.45 * c.bump(heel, 10))
    c.paint(c.dashes([(112, 425), (152, 436), (208, 476), (246, 524), (254, 546)], 2.2, 7, 5)
            * heel, (225, 225, 225), 0.8)

    # swept side overlay (accent) with a stitched edge
    band = [(470, 390), (505, 404), (450, 452), (380, 497), (300, 530), (240, 546),
            (228, 536), (290, 505), (372, 462), (430, 420)]
    sad = c.shape(band) * up
    c.shade_paint(sad, accent_col, 0.62 + 0.45 * c.bump(sad, 7))
    c.paint(c.dashes([(488, 408), (440, 448), (372, 488), (296, 524), (244, 541)], 1.8, 6, 5)
            * sad, (255, 255, 255), 0.55)

    # collar padding
    col = c.line([(140, 331), (176, 339), (222, 358), (268, 374), (300, 366)], 16, smooth=True)
    c.shade_paint(col, dark_col, 0.6 + 0.45 * c.bump(col, 6))
    # heel pull tab
    tab = c.shape([(128, 300), (152, 296), (158, 336), (134, 340)])
    c.shade_paint(tab, accent_col, 0.62 + 0.45 * c.bump(tab, 4))

    # eyestay, eyelets and laces
    eye_pts = [(346, 318), (420, 357), (500, 392), (585, 428), (640, 452)]
    ey = c.line(eye_pts, 28, smooth=True) * up
    c.shade_paint(ey, dark_col, 0.6 + 0.45 * c.bump(ey, 6))
    lace_col = rgb(sole_col) * 0.4 + rgb((252, 252, 252)) * 0.6
    ep = np.array(spline(eye_pts, False, 60))
    seg = np.hypot(*np.diff(ep, axis=0).T)
    s_ = np.concatenate([[0], np.cumsum(seg)])
    for i in range(6):
        at = 30 + i * 50
        pt = np.array([np.interp(at, s_, ep[:, 0]), np.interp(at, s_, ep[:, 1])])
        pt2 = np.array([np.interp(at + 2, s_, ep[:, 0]), np.interp(at + 2, s_, ep[:, 1])])
        d = (pt2 - pt) / np.linalg.norm(pt2 - pt)
        nrm = np.array([d[1], -d[0]])  # points up and to the right
        hole = c.ellipse(*(pt - nrm * 3), 4.5, 4.5)
        c.paint(hole, (25, 25, 28))
        a, b = pt - nrm * 3 + d * 3, pt + nrm * 24 - d * 6
        c.darken(c.line([tuple(a + [2, 4]), tuple(b + [2, 4])], 11, soft=2.5), 0.4)
        lc = c.line([tuple(a), tuple(b)], 11)
        c.shade_paint(lc, lace_col, 0.62 + 0.42 * c.bump(lc, 3))
    return c.image(transparent=transparent, out=out)


def draw_shoe_pair(colours, bg, seed, out=None):
    """Second photo of the same shoe: the pair, one behind the other."""
    size = out or 900
    f = size / 900.0
    cut = draw_shoe(colours, bg, seed, transparent=True, out=size)
    c = Canvas(900, bg)
    # shadows for both shoes (drawn on the background first)
    c.contact_shadow(392, 573, 296, 10, strength=0.35)
    c.contact_shadow(505, 738, 326, 12, strength=0.42)
    im = c.image(out=size).convert("RGBA")
    back = cut.transpose(Image.FLIP_LEFT_RIGHT).resize((round(720 * f),) * 2, Image.LANCZOS)
    # the shoe further away is slightly darker
    a = np.asarray(back).astype(np.float32)
    a[..., :3] *= 0.93
    back = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))
    im.alpha_composite(back, (round(40 * f), round(53 * f)))
    front = cut.resize((round(790 * f),) * 2, Image.LANCZOS)
    im.alpha_composite(front, (round(99 * f), round(166 * f)))
    return im.convert("RGB")


def wood_background(c: Canvas, seed: int):
    """Procedural oak table top with planks, grain and slight depth of field."""
    rng = np.random.default_rng(seed)
    n = c.n
    shape = (n, n)
    u = (c.y / c.size).astype(np.float32)            # 0 top .. 1 bottom
    v = (u + 0.8) ** 0.6                              # planks narrower far away
    planks = 7.0
    pv = v * planks
    idx = np.floor(pv)
    frac = pv - idx
    warp = fbm(rng, shape, (6, 2), octaves=3)
    fib = noise(rng, shape, (420, 4))
    fine = noise(rng, shape, (700, 30))
    offs = rng.random(16).astype(np.float32)
    tone = (rng.random(16).astype(np.float32) - 0.5) * 0.35
    ii = idx.astype(np.int64) % 16
    phase = frac * 5.0 + offs[ii] * 5 + warp * 1.3 + 0.08 * fib
    ring = 0.5 + 0.5 * np.sin(2 * np.pi * phase)
    ring = ring ** 4
    t = np.clip(0.42 + 0.32 * ring + 0.2 * fib + 0.06 * fine + tone[ii], 0, 1)
    light, dark = rgb((214, 176, 128)), rgb((150, 102, 62))
    col = light[None, None, :] + (dark - light)[None, None, :] * t[..., None]
    # gaps between planks (thin dark lines), in pixel units
    dv = np.minimum(frac, 1 - frac) / planks
    dpix = dv / (0.6 * (u + 0.8) ** -0.4) * c.size
    gap = np.exp(-(dpix / 1.3) ** 2)
    col *= (1 - 0.55 * gap)[..., None]
    # soft light falloff and vignette
    r = c.radial(c.size * 0.42, c.size * 0.35, c.size * 0.9)
    col *= (1.08 - 0.3 * np.clip(r, 0, 1.3) ** 2)[..., None]
    col *= (0.86 + 0.14 * u)[..., None]
    for i in range(3):
        col[..., i] = blur(col[..., i], 1.2 * SS)
    c.rgb[:] = col


def draw_mug(seed, out=None):
    """Speckled stoneware mug with coffee, on a wooden table."""
    c = Canvas(900)
    wood_background(c, seed)
    rng = np.random.default_rng(seed + 1)
    cx, R, top, bot, ry = 392.0, 190.0, 228.0, 700.0, 50.0
    glaze = (58, 112, 116)

    # shadows on the table: cast shadow to the right, contact shadow under the foot
    c.darken(c.ellipse(cx + 150, bot - 5, 300, 70, soft=30), 0.35)
    c.darken(c.ellipse(cx + 8, bot + 4, R * 1.02, ry * 1.05, soft=9), 0.55)

    # handle: a thick D-shaped ring attached to the right side
    hx, hy = cx + R + 8, 455.0
    ring = c.ellipse(hx, hy, 108, 150) * (1 - c.ellipse(hx + 4, hy, 56, 100))
    ring *= (c.x > cx + R * 0.6)
    sh = (0.35 + 0.75 * c.bump(ring, 14, light=(-0.6, -0.5, 0.6))) * (1.0 - 0.35 * c.lin(hx - 40, 0, hx + 108, 0))
    sp = 0.45 * np.clip(c.bump(ring, 10, light=(-0.4, -0.8, 0.45)) - 0.8, 0, 1) * 5
    c.shade_paint(ring, glaze, sh, sp)

    # body (solid of revolution, slight foot taper)
    prof = [(top, R), (bot - 20, R), (bot - 6, R - 5), (bot, R - 14)]
    body = c.lathe(cx, prof, tilt=ry / R)
    body *= (c.y > top)  # the top ellipse is drawn separately as the rim
    sh, sp = c.cyl(cx, R, light=-0.55, amb=0.32, spec=0.6, spec_pos=-0.5, spec_w=0.09, rim=0.15)
    sp = sp + 0.25 * np.exp(-((c.x - cx) / R - 0.62) ** 2 / 0.004)
    speck = (rng.random((c.n, c.n)) > 0.9993).astype(np.float32)
    speck = np.clip(blur(speck, 1.2 * SS) * 14, 0, 1)
    gl = 1.0 - 0.5 * speck
    c.shade_paint(body, glaze, sh * gl * (1.0 - 0.12 * c.lin(0, top, 0, bot)), sp)
    # unglazed clay foot with a slightly wavy glaze edge
    u = np.clip((c.x - cx) / R, -1, 1)
    wav = 3.0 * noise(rng, (1, c.n), (1, 14))
    edge = bot - 34 + ry * np.sqrt(1 - u * u) + wav
    foot = body * smoothstep(edge - 1.0, edge + 1.0, c.y)
    sh2, _ = c.cyl(cx, R, light=-0.55, amb=0.4, spec=0)
    c.shade_paint(foot, (192, 164, 128), sh2 * (1 - 0.4 * speck))
    c.darken(foot * np.exp(-((c.y - edge) / 3.0) ** 2), 0.25)

    # rim, interior and coffee
    rim = c.ellipse(cx, top, R, ry)
    c.shade_paint(rim, glaze, 0.9 + 0.25 * c.lin(cx + R, 0, cx - R, 0))
    inner = c.ellipse(cx, top + 1.5, R - 11, ry - 5)
    c.shade_paint(inner, (236, 228, 212), 0.62 + 0.38 * c.lin(cx - R, top, cx + R * 0.6, top + ry))
    c.darken(inner * (1 - c.ellipse(cx, top + 8, R - 12, ry - 8, soft=6)), 0.25)
    cof = c.ellipse(cx, top + 20, R - 15, ry - 10) * inner
    c.shade_paint(cof, (74, 44, 26), 0.75 + 0.35 * c.lin(cx - R, top, cx + R, top + 50))
    crema = c.ellipse(cx - 8, top + 21, R - 60, ry - 26, soft=8) * cof
    c.paint(crema, (150, 100, 62), 0.55)
    c.lighten(c.ellipse(cx - 70, top + 12, 45, 7, soft=4) * cof, 0.35)
    c.lighten(rim * (1 - inner) * np.exp(-((c.x - cx) / R + 0.35) ** 2 / 0.05), 0.4)
    return c.image(out=out)


def _metal(c: Canvas, cx, half_w, base=(196, 199, 204)):
    """Brushed-steel colour array for a vertical cylinder."""
    u = np.clip((c.x - cx) / half_w, -1, 1)
    t = 0.58 + 0.26 * np.sin(u * 3.3 + 0.9) - 0.25 * u * u * u * u
    t = t + 0.55 * np.exp(-((u + 0.45) / 0.08) ** 2) + 0.2 * np.exp(-((u - 0.55) / 0.06) ** 2)
    return rgb(base)[None, None, :] * np.clip(t, 0.15, 1.35)[..., None]


def draw_bottle(seed, out=None):
    """Insulated steel water bottle, transparent background (RGBA)."""
    c = Canvas(900, (255, 255, 255))
    rng = np.random.default_rng(seed)
    cx = 450.0
    body_col = (48, 92, 76)
    # loop handle on the cap
    loop = c.ellipse(cx, 128, 52, 48) * (1 - c.ellipse(cx, 130, 30, 30)) * (c.y < 128)
    c.shade_paint(loop, (44, 45, 48), 0.45 + 0.8 * c.bump(loop, 6))
    # dark neck thread visible between cap and collar
    neck = c.lathe(cx, [(196, 62), (214, 62)], tilt=0.12)
    c.shade_paint(neck, (30, 31, 33), c.cyl(cx, 62, light=-0.5, amb=0.5, spec=0)[0])
    # cap
    cap = [(118, 64), (200, 68)]
    m = c.lathe(cx, cap, tilt=0.12)
    sh, sp = c.cyl(cx, 68, light=-0.5, amb=0.35, spec=0.3, spec_pos=-0.5, spec_w=0.1, rim=0.12)
    u = np.clip((c.x - cx) / 68, -1, 1)
    ridges = 1 - 0.12 * (0.5 + 0.5 * np.cos(np.arcsin(u) * 40)) * (c.y > 150)
    c.shade_paint(m, (44, 45, 48), sh * ridges, sp)
    topm = c.ellipse(cx, 118, 64, 64 * 0.12)
    c.shade_paint(topm, (60, 62, 66), 0.8 + 0.4 * c.lin(cx - 64, 0, cx + 64, 0))
    # re-draw the loop's front half over the cap top
    front = loop * (c.y > 100) * (c.y < 128)
    c.shade_paint(front, (44, 45, 48), 0.45 + 0.8 * c.bump(loop, 6))
    # steel collar
    col = [(200, 70), (236, 72)]
    m = c.lathe(cx, col, tilt=0.12) * (c.y > 200 + 6)
    c.paint(m, _metal(c, cx, 72))
    c.darken(m * np.exp(-((c.y - 212) / 2.5) ** 2), 0.5)
    # powder-coated body with shoulder
    ts = np.linspace(0, 1, 60)
    prof_s = [(232 + 128 * t, 72 + 56 * (1 - (1 - t) ** 2.2)) for t in ts]
    prof_s.append((776, 128))
    m = c.lathe(cx, prof_s, tilt=0.12) * (c.y > 236)
    hw = np.maximum(c.width_at(prof_s, tilt=0.12), np.where(c.y > 700, 128.0, 0.0))
    sh, sp = c.cyl(cx, hw, light=-0.5, amb=0.33, spec=0.32, spec_pos=-0.5, spec_w=0.16, rim=0.1)
    grainy = 1 + grain(rng, (c.n, c.n), 0.03)
    # shoulders face upward: a little brighter
    up = np.clip((345 - c.y) / 110, 0, 1)
    c.shade_paint(m, body_col, sh * grainy * (1 + 0.25 * up), sp)
    # stainless base ring below the front arc of the last body section
    bprof = [(776, 128), (796, 127), (804, 123), (808, 116)]
    arc = 776 + 128 * 0.12 * np.sqrt(np.maximum(0, 1 - ((c.x - cx) / 128) ** 2))
    base = c.lathe(cx, bprof, tilt=0.12) * smoothstep(arc - 0.5, arc + 0.5, c.y)
    c.paint(base, _metal(c, cx, 128, (170, 173, 178)))
    c.darken(base * np.exp(-((c.y - arc - 1) / 1.5) ** 2), 0.5)
    # debossed mountain mark
    mark = c.poly([(cx - 26, 640), (cx - 6, 612), (cx + 4, 626), (cx + 12, 616), (cx + 30, 640)])
    mark = mark * (1 - c.poly([(cx - 14, 640), (cx - 6, 628), (cx + 2, 640)]))
    c.lighten(mark, 0.28)
    return c.image(transparent=True, out=out)


def _mirror(pts, cx=450.0):
    return [(2 * cx - x, y) for x, y in pts]


def draw_headphones(seed, out=None):
    """Over-ear headphones, front view, on light grey."""
    c = Canvas(900, (241, 241, 242))
    shell_col, cush_col, band_col = (62, 64, 70), (36, 36, 40), (50, 51, 56)
    metal_base = (205, 208, 212)
    cx, cy = 450.0, 480.0
    # soft shadows under both cups
    for sx in (214, 686):
        c.contact_shadow(sx, 772, 88, 9, strength=0.4)

    # headband: elliptical arch
    orx, ory, irx, iry = 270.0, 335.0, 234.0, 300.0
    band = c.ellipse(cx, cy, orx, ory) * (1 - c.ellipse(cx, cy, irx, iry)) * (c.y < cy)
    c.shade_paint(band, band_col, 0.35 + 0.85 * c.bump(band, 9, light=(-0.3, -0.8, 0.55)))
    ang = np.linspace(math.radians(200), math.radians(340), 80)
    stitch = [(cx + (orx - 6) * math.cos(a), cy + (ory - 6) * math.sin(a)) for a in ang]
    c.paint(c.dashes(stitch, 1.6, 6, 5, smooth=False) * band, (120, 120, 126), 0.7)
    # padded cushion under the top of the band
    ang = np.linspace(math.radians(222), math.radians(318), 40)
    arc = [(cx + (irx - 4) * math.cos(a), cy + 8 + (iry - 4) * math.sin(a)) for a in ang]
    pad = c.line(arc, 24, soft=0.6)
    c.shade_paint(pad, cush_col, 0.45 + 0.8 * c.bump(pad, 6, light=(-0.3, -0.8, 0.55)))
    c.lighten(c.line(arc[8:32], 3, soft=2.5) * pad, 0.12)
    c.darken(band * c.ellipse(cx, cy + 8, irx + 8, iry + 6) * (1 - c.ellipse(cx, cy + 8, irx - 2, iry - 2)), 0.25)

    for side in (-1, 1):
        def P(pts):
            return pts if side < 0 else _mirror(pts)
        bx = 450 - 252 if side < 0 else 450 + 252
        # slider (brushed aluminium) coming out of the band
        sl = c.rrect(bx - 8, cy - 40, bx + 8, cy + 42, 3)
        c.paint(sl, _metal(c, bx, 8, metal_base))
        c.darken(sl * np.exp(-((c.y - (cy - 36)) / 3) ** 2), 0.5)
        # hinge block
        hb = c.rrect(bx - 22, cy + 32, bx + 22, cy + 56, 8)
        c.shade_paint(hb, shell_col, 0.45 + 0.8 * c.bump(hb, 5))
        # outer shell
        shell = c.shape(P([(200, 502), (232, 512), (246, 570), (247, 690), (234, 745),
                           (198, 762), (166, 746), (152, 690), (151, 570), (166, 512)]))
        sh = 0.38 + 0.8 * c.bump(shell, 16, light=(-0.5, -0.6, 0.62))
        c.shade_paint(shell, shell_col, sh)
        # specular streak on the shell
        hl = c.line(P([(178, 545), (172, 620), (176, 690)]), 7, soft=5, smooth=True) * shell
        c.lighten(hl, 0.3)
        # metal trim ring between shell and cushion
        trim = c.shape(P([(238, 508), (252, 516), (262, 575), (263, 690), (252, 748),
                          (236, 758), (247, 690), (246, 575)]))
        c.paint(trim, _metal(c, 255 if side < 0 else 645, 12, metal_base))
        # ear cushion
        cush = c.shape(P([(254, 512), (288, 526), (304, 585), (306, 680), (290, 738),
                          (254, 756), (250, 690), (250, 575)]))
        sh = 0.35 + 0.85 * c.bump(cush, 13, light=(-0.4, -0.6, 0.65))
        c.shade_paint(cush, cush_col, sh)
        wr = c.line(P([(268, 540), (292, 600), (294, 680), (274, 730)]), 3, soft=2.5, smooth=True)
        c.lighten(wr * cush, 0.18)
    return c.image(out=out)


def _along(pts, dist, n=60):
    """Point and unit tangent at arc length ``dist`` along a smooth path."""
    p = np.array(spline(pts, False, n))
    seg = np.hypot(*np.diff(p, axis=0).T)
    s = np.concatenate([[0], np.cumsum(seg)])
    x, y = np.interp(dist, s, p[:, 0]), np.interp(dist, s, p[:, 1])
    x2, y2 = np.interp(dist + 1, s, p[:, 0]), np.interp(dist + 1, s, p[:, 1])
    t = np.array([x2 - x, y2 - y])
    return np.array([x, y]), t / (np.linalg.norm(t) + 1e-9), s[-1]


def _zipper(c: Canvas, pts, tape_col, width=9):
    tape = c.line(pts, width + 6, smooth=True)
    c.shade_paint(tape, tape_col, 0.55 + 0.5 * c.bump(tape, 3))
    teeth = c.line(pts, width * 0.55, smooth=True)
    c.paint(teeth, (40, 40, 42))
    c.paint(c.dashes(pts, width * 0.55, 1.2, 1.6) , (95, 95, 98), 0.9)


def _puller(c: Canvas, at, metal=(200, 200, 205), cord=(40, 40, 42), length=46):
    x, y = at
    tab = c.rrect(x - 6, y - 4, x + 6, y + 22, 4)
    c.darken(c.rrect(x - 4, y, x + 10, y + 26, 4, soft=2.5), 0.35)
    c.shade_paint(tab, metal, 0.55 + 0.6 * c.bump(tab, 3))
    loop = c.line([(x, y + 18), (x - 7, y + length * 0.6), (x, y + length), (x + 7, y + length * 0.6), (x, y + 18)], 4.5, smooth=True)
    c.darken(c.line([(x + 3, y + 22), (x - 4, y + length * 0.6 + 3), (x + 3, y + length + 3)], 5, soft=2.5, smooth=True), 0.3)
    c.shade_paint(loop, cord, 0.6 + 0.5 * c.bump(loop, 2))


def draw_backpack(seed, out=None):
    """Canvas daypack, front view, on white."""
    c = Canvas(900, (249, 249, 249))
    rng = np.random.default_rng(seed)
    main, dark, web = (198, 148, 54), (92, 70, 40), (48, 46, 44)
    fabric = 1 + grain(rng, (c.n, c.n), 0.035) + 0.04 * noise(rng, (c.n, c.n), (500, 60))
    fabric = 1 + (blur(fabric, 0.6 * SS) - 1)
    c.contact_shadow(450, 770, 215, 13, strength=0.4)

    # shoulder straps peeking out behind the body
    for side in (-1, 1):
        pts = [(272, 214), (250, 300), (234, 450), (230, 600), (238, 700), (262, 708),
               (262, 600), (266, 450), (280, 300)]
        st = c.shape(pts if side < 0 else _mirror(pts))
        c.shade_paint(st, web, 0.5 + 0.6 * c.bump(st, 6))
    # grab handle
    h = c.line([(408, 182), (420, 138), (450, 124), (480, 138), (492, 182)], 18, smooth=True)
    c.shade_paint(h, web, 0.45 + 0.7 * c.bump(h, 5))

    # body
    body_pts = [(450, 150), (560, 160), (630, 215), (655, 300), (661, 450), (662, 640),
                (652, 730), (620, 766), (450, 774), (280, 766), (248, 730), (238, 640),
                (239, 450), (245, 300), (270, 215), (340, 160)]
    body = c.shape(body_pts)
    sh = (0.5 + 0.62 * c.bump(body, 45, light=(-0.45, -0.6, 0.66))) * fabric
    c.shade_paint(body, main, sh)
    # darker base panel
    base = body * smoothstep(718, 721, c.y + 0.0006 * (c.x - 450) ** 2)
    c.shade_paint(base, dark, sh)
    seam = [(246, 712), (450, 722), (654, 712)]
    c.darken(c.line(seam, 2.5, smooth=True) * body, 0.35)
    # edge stitching
    inset = [(450, 164), (555, 174), (618, 224), (641, 305), (647, 450), (648, 640), (640, 712)]
    for pts in (inset, _mirror(inset)):
        c.paint(c.dashes(pts, 1.6, 6, 5) * body, (238, 214, 160), 0.6)

    # main zipper over the dome, with two pullers
    zp = [(262, 430), (272, 300), (330, 222), (450, 196), (570, 222), (628, 300), (638, 430)]
    c.darken(c.line(zp, 20, soft=4, smooth=True) * body, 0.12)
    _zipper(c, zp, dark)
    for dist in (150, 440):
        p, _, _ = _along(zp, dist)
        _puller(c, p)

    # front pocket with its own bulge and drop shadow
    pk_pts = [(450, 466), (600, 480), (616, 560), (613, 700), (592, 732), (450, 740),
              (308, 732), (287, 700), (284, 560), (300, 480)]
    c.darken(c.shape([(x + 6, y + 10) for x, y in pk_pts], soft=9) * body, 0.35)
    pk = c.shape(pk_pts)
    sh = (0.52 + 0.6 * c.bump(pk, 24, light=(-0.45, -0.6, 0.66))) * fabric
    c.shade_paint(pk, main, sh)
    c.paint(c.dashes([(296, 500), (290, 600), (294, 698), (312, 722), (450, 730), (588, 722),
                      (606, 698), (610, 600), (604, 500)], 1.6, 6, 5) * pk, (238, 214, 160), 0.6)
    pz = [(306, 506), (380, 492), (450, 488), (520, 492), (594, 506)]
    _zipper(c, pz, dark, width=7)
    p, _, _ = _along(pz, 250)
    _puller(c, p, length=40)

    # leather brand patch
    patch = c.rrect(418, 575, 482, 615, 7)
    c.darken(c.rrect(421, 580, 487, 621, 7, soft=3), 0.35)
    c.shade_paint(patch, (118, 76, 46), (0.55 + 0.6 * c.bump(patch, 4)) * (1 + grain(rng, (c.n, c.n), 0.04)))
    c.paint(c.dashes([(424, 581), (476, 581), (476, 609), (424, 609), (424, 582)], 1.3, 4, 3, smooth=False),
            (220, 200, 170), 0.8)
    emb = c.poly([(436, 603), (446, 588), (452, 596), (457, 590), (466, 603)])
    c.darken(emb, 0.3)

    # side compression straps with buckles
    for side in (-1, 1):
        y0 = 610
        pts = [(236, y0), (300, y0 + 4)]
        if side > 0:
            pts = _mirror(pts)
        s_ = c.line(pts, 16)
        c.darken(c.line([(x, y + 5) for x, y in pts], 16, soft=3), 0.3)
        c.shade_paint(s_, web, 0.5 + 0.6 * c.bump(s_, 4))
        bx = 290 if side < 0 else 610
        b = c.rrect(bx - 12, y0 - 10, bx + 12, y0 + 14, 5)
        c.shade_paint(b, (30, 30, 32), 0.5 + 0.7 * c.bump(b, 4))
    return c.image(out=out)


def _text_mask(c: Canvas, text, cx, cy, size, spacing=0.0):
    """Mask with ``text`` centred on (cx, cy) using Pillow's bundled font."""
    font = ImageFont.load_default(size=size * SS)
    im = c._img()
    d = ImageDraw.Draw(im)
    if spacing:
        widths = [d.textlength(ch, font=font) for ch in text]
        total = sum(widths) + spacing * SS * (len(text) - 1)
        x = cx * SS - total / 2
        for ch, w in zip(text, widths):
            d.text((x, cy * SS), ch, font=font, fill=255, anchor="lm")
            x += w + spacing * SS
    else:
        d.text((cx * SS, cy * SS), text, font=font, fill=255, anchor="mm")
    return c._arr(im)


def draw_watch(seed, out=None):
    """Three-hand wrist watch with leather strap, flat lay on white."""
    c = Canvas(900, (250, 250, 250))
    rng = np.random.default_rng(seed)
    cx, cy, R = 450.0, 448.0, 170.0
    leather, thread = (146, 84, 44), (236, 220, 190)
    steel = (200, 203, 208)
    leather_tex = 1 + grain(rng, (c.n, c.n), 0.05)
    leather_tex = 1 + (blur(leather_tex, 0.8 * SS) - 1) + 0.05 * noise(rng, (c.n, c.n), (60, 60))

    # drop shadow of the whole watch (light from the top left)
    sil = np.maximum(c.ellipse(cx, cy, R + 8, R + 8), c.rrect(cx - 84, 110, cx + 84, 792, 40))
    sh = np.roll(np.roll(blur(sil, 12 * SS), 10 * SS, axis=0), 8 * SS, axis=1)
    c.darken(sh, 0.28)

    # straps
    top = c.shape([(cx - 82, 300), (cx - 80, 220), (cx - 76, 150), (cx - 74, 126), (cx, 122),
                   (cx + 74, 126), (cx + 76, 150), (cx + 80, 220), (cx + 82, 300)], n=10)
    bot = c.shape([(cx - 82, 600), (cx - 80, 680), (cx - 74, 745), (cx - 50, 786), (cx, 796),
                   (cx + 50, 786), (cx + 74, 745), (cx + 80, 680), (cx + 82, 600)], n=10)
    for m in (top, bot):
        c.shade_paint(m, leather, (0.5 + 0.6 * c.bump(m, 12)) * leather_tex)
    for sx in (-1, 1):
        c.paint(c.dashes([(cx + sx * 68, 132), (cx + sx * 70, 220), (cx + sx * 72, 300)], 2.0, 7, 5), thread, 0.85)
        c.paint(c.dashes([(cx + sx * 72, 600), (cx + sx * 70, 690), (cx + sx * 64, 745),
                          (cx + sx * 42, 778), (cx, 785)], 2.0, 7, 5), thread, 0.85)
    for i, hy in enumerate((662, 694, 726)):
        hole = c.ellipse(cx, hy, 6.5, 5)
        c.paint(hole, (60, 34, 18))
        c.lighten(c.ellipse(cx, hy + 3, 6.5, 3) * (1 - hole), 0.2)
    # keeper loop and buckle on the top strap
    keep = c.rrect(cx - 86, 182, cx + 86, 200, 6)
    c.darken(c.rrect(cx - 86, 188, cx + 86, 206, 6, soft=3), 0.3)
    c.shade_paint(keep, leather, (0.45 + 0.6 * c.bump(keep, 4)) * leather_tex)
    frame = c.rrect(cx - 92, 96, cx + 92, 150, 14) * (1 - c.rrect(cx - 78, 108, cx + 78, 138, 8))
    c.darken(np.roll(np.roll(c.rrect(cx - 92, 96, cx + 92, 150, 14, soft=4), 5 * SS, 0), 4 * SS, 1) * (1 - top) * (c.y < 160), 0.25)
    c.shade_paint(frame, steel, 0.5 + 0.75 * c.bump(frame, 4))
    tongue = c.rrect(cx - 4, 110, cx + 4, 146, 3)
    c.shade_paint(tongue, steel, 0.55 + 0.7 * c.bump(tongue, 2))

    # lugs
    for sx in (-1, 1):
        for sy in (-1, 1):
            lx = cx + sx * 76
            pts = [(lx - 13, cy + sy * 120), (lx + 13, cy + sy * 120), (lx + 11, cy + sy * 176),
                   (lx - 11, cy + sy * 176)]
            lg = c.shape(pts, n=8)
            c.shade_paint(lg, steel, 0.45 + 0.8 * c.bump(lg, 5))
    # crown
    cr = c.rrect(cx + R - 6, cy - 20, cx + R + 26, cy + 20, 6)
    knurl = 1 - 0.25 * (0.5 + 0.5 * np.cos(2 * np.pi * c.y / 4.0))
    c.shade_paint(cr, steel, (0.45 + 0.75 * c.bump(cr, 5)) * knurl)

    # case and polished bezel
    th = np.arctan2(c.y - cy, c.x - cx)
    r = c.radial(cx, cy, 1.0)
    case = c.ellipse(cx, cy, R, R)
    metal = 0.6 + 0.38 * np.cos(2 * (th + 2.3)) + 0.3 * np.exp(-((r - R + 4) / 3.0) ** 2)
    c.shade_paint(case, steel, metal * (0.75 + 0.35 * c.bump(case, 8)))
    c.darken(c.ellipse(cx, cy, R - 20, R - 20, soft=1.5) * (1 - c.ellipse(cx, cy, R - 24, R - 24)), 0.6)

    # dial with sunburst
    D = R - 24
    dial = c.ellipse(cx, cy, D, D)
    sun = 0.78 + 0.3 * np.cos(2 * (th + 2.4)) + 0.05 * np.sin(th * 180)
    dial_sh = sun * (1.05 - 0.35 * np.clip(r / D, 0, 1) ** 3)
    c.shade_paint(dial, (26, 46, 86), dial_sh)
    # minute track and hour indices
    segs = []
    for i in range(60):
        a = math.radians(i * 6 - 90)
        if i % 5 == 0:
            continue
        segs.append([(cx + (D - 12) * math.cos(a), cy + (D - 12) * math.sin(a)),
                     (cx + (D - 4) * math.cos(a), cy + (D - 4) * math.sin(a))])
    ticks = c.segments(segs, 1.6)
    c.paint(ticks, (220, 224, 232), 0.9)
    for i in range(12):
        a = math.radians(i * 30 - 90)
        if i == 3:
            continue
        offs = (-7, 7) if i == 0 else (0,)
        for o in offs:
            ox, oy = -math.sin(a) * o, math.cos(a) * o
            p0 = (cx + (D - 44) * math.cos(a) + ox, cy + (D - 44) * math.sin(a) + oy)
            p1 = (cx + (D - 16) * math.cos(a) + ox, cy + (D - 16) * math.sin(a) + oy)
            c.darken(c.line([(p0[0] + 1.5, p0[1] + 2), (p1[0] + 1.5, p1[1] + 2)], 8, soft=1.5), 0.5)
            ind = c.line([p0, p1], 7)
            c.shade_paint(ind, steel, 0.6 + 0.6 * c.bump(ind, 2))
            c.paint(c.line([p0, p1], 3), (236, 240, 226))
    # wordmark and date window
    c.paint(_text_mask(c, "AVERLINE", cx, cy - 62, 13, spacing=2.0), (228, 230, 236))
    c.paint(_text_mask(c, "AUTOMATIC", cx, cy + 66, 8, spacing=1.5), (180, 186, 200))
    dw = c.rrect(cx + D - 62, cy - 12, cx + D - 28, cy + 12, 2)
    c.paint(c.rrect(cx + D - 64, cy - 14, cx + D - 26, cy + 14, 3), (170, 174, 182))
    c.paint(dw, (246, 246, 242))
    c.paint(_text_mask(c, "24", cx + D - 45, cy + 0.5, 16), (20, 20, 24))

    # hands at 10:10:35
    def hand(angle_deg, length, width, tail=18):
        a = math.radians(angle_deg - 90)
        dx, dy = math.cos(a), math.sin(a)
        nx, ny = -dy, dx
        pts = [(cx - dx * tail + nx * width * 0.35, cy - dy * tail + ny * width * 0.35),
               (cx + dx * length * 0.7 + nx * width / 2, cy + dy * length * 0.7 + ny * width / 2),
               (cx + dx * length, cy + dy * length),
               (cx + dx * length * 0.7 - nx * width / 2, cy + dy * length * 0.7 - ny * width / 2),
               (cx - dx * tail - nx * width * 0.35, cy - dy * tail - ny * width * 0.35)]
        lume = [(cx + dx * length * 0.25 + nx * width * 0.18, cy + dy * length * 0.25 + ny * width * 0.18),
                (cx + dx * length * 0.68 + nx * width * 0.28, cy + dy * length * 0.68 + ny * width * 0.28),
                (cx + dx * length * 0.9, cy + dy * length * 0.9),
                (cx + dx * length * 0.68 - nx * width * 0.28, cy + dy * length * 0.68 - ny * width * 0.28),
                (cx + dx * length * 0.25 - nx * width * 0.18, cy + dy * length * 0.25 - ny * width * 0.18)]
        return pts, lume

    for ang, ln, wd in ((305, 82, 16), (60, 122, 12)):
        pts, lume = hand(ang, ln, wd)
        c.darken(c.poly([(x + 3, y + 5) for x, y in pts], soft=2.5), 0.45)
        m = c.poly(pts)
        side = c.lin(cx - 20, cy - 20, cx + 20, cy + 20)
        c.shade_paint(m, steel, 0.6 + 0.5 * side)
        c.paint(c.poly(lume), (232, 238, 222))
    a = math.radians(210 - 90)
    sp0 = (cx - 36 * math.cos(a), cy - 36 * math.sin(a))
    sp1 = (cx + (D - 8) * math.cos(a), cy + (D - 8) * math.sin(a))
    c.darken(c.line([(sp0[0] + 3, sp0[1] + 6), (sp1[0] + 3, sp1[1] + 6)], 2.4, soft=2), 0.4)
    c.paint(c.line([sp0, sp1], 2.4), (214, 64, 48))
    c.paint(c.ellipse(cx, cy, 9, 9), (214, 64, 48))
    c.shade_paint(c.ellipse(cx, cy, 4, 4), steel, 1.0)

    # sapphire crystal reflection
    glare = dial * c.ellipse(cx - 60, cy - 90, 170, 110, soft=30) * (1 - c.ellipse(cx - 20, cy - 30, 170, 120, soft=20))
    c.lighten(glare, 0.22)
    return c.image(out=out)


def _lathe_paint(c: Canvas, cx, prof, col, tilt=0.12, light=-0.5, amb=0.35, spec=0.4,
                 spec_w=0.1, rim=0.1, extra=1.0, clip=None):
    m = c.lathe(cx, prof, tilt=tilt)
    if clip is not None:
        m = m * clip
    hw = c.width_at(prof, tilt=tilt)
    sh, sp = c.cyl(cx, hw, light=light, amb=amb, spec=spec, spec_w=spec_w, rim=rim)
    c.shade_paint(m, col, sh * extra, sp)
    return m


def draw_lamp(seed, out=None):
    """Ceramic table lamp with a linen shade, switched on, on a grey sweep."""
    c = Canvas(900, (240, 240, 240))
    rng = np.random.default_rng(seed)
    cx = 450.0
    # studio sweep: slightly darker at the top, soft floor
    c.rgb[:] = mix((226, 226, 228), (246, 246, 246), c.lin(0, 80, 0, 820) + 0 * c.x)
    warm = (255, 214, 150)
    # warm light pool on the background around the shade
    c.lighten(c.ellipse(cx, 300, 330, 260, soft=60), 0.18, warm)
    # power cord running out to the right behind the base
    cord = c.line([(500, 770), (600, 792), (760, 800), (905, 796)], 6, smooth=True)
    c.darken(c.line([(500, 776), (600, 799), (760, 807), (905, 803)], 6, soft=3, smooth=True), 0.25)
    c.shade_paint(cord, (60, 60, 62), 0.6 + 0.6 * c.bump(cord, 2))
    c.contact_shadow(cx + 6, 792, 108, 10, strength=0.45)

    # brass foot, ceramic gourd base, brass neck
    brass = (206, 164, 92)
    _lathe_paint(c, cx, [(768, 92), (786, 96), (792, 92)], brass, spec=0.6, amb=0.4)
    ctrl = [(470, 34), (488, 66), (516, 114), (556, 146), (606, 156), (656, 148),
            (704, 128), (744, 104), (770, 92)]
    sp_ = np.array(spline(ctrl, False, 12))
    sp_ = sp_[np.argsort(sp_[:, 0], kind="stable")]
    prof = [(float(y), float(w)) for y, w in sp_]
    glaze = (38, 72, 130)
    speck = 1 + grain(rng, (c.n, c.n), 0.02)
    m = _lathe_paint(c, cx, prof, glaze, spec=0.55, spec_w=0.11, amb=0.3, rim=0.2, extra=speck)
    # a thin incised ring around the widest part
    ring_y = 606.0
    u = np.clip((c.x - cx) / 156, -1, 1)
    arc = ring_y + 156 * 0.12 * np.sqrt(1 - u * u)
    c.lighten(m * np.exp(-((c.y - arc) / 1.4) ** 2), 0.25)
    c.darken(m * np.exp(-((c.y - arc - 2.5) / 1.4) ** 2), 0.3)
    neck = [(384, 12), (452, 12), (462, 24), (474, 30)]
    _lathe_paint(c, cx, neck, brass, spec=0.7, amb=0.35)
    # switch knob
    kn = c.rrect(cx + 10, 420, cx + 30, 432, 4)
    c.shade_paint(kn, brass, 0.5 + 0.7 * c.bump(kn, 3))

    # linen drum shade, lit from inside
    top, bot, rt, rb = 112.0, 392.0, 140.0, 210.0
    shade_prof = [(top, rt), (bot, rb)]
    sm = c.lathe(cx, shade_prof, tilt=0.1)
    hw = c.width_at(shade_prof, tilt=0.1)
    u = np.clip((c.x - cx) / hw, -1, 1)
    lin = (1 + 0.018 * noise(rng, (c.n, c.n), (420, 8)) + 0.018 * noise(rng, (c.n, c.n), (8, 420))
           + grain(rng, (c.n, c.n), 0.02))
    glow = 0.78 + 0.22 * np.exp(-((c.y - 300) / 150) ** 2) - 0.18 * u * u - 0.06 * u
    col = mix((226, 214, 190), (255, 238, 205), np.clip(glow - 0.55, 0, 1) * 1.8)
    c.paint(sm, col * lin[..., None])
    # top opening (inside of the shade, brightly lit)
    c.paint(c.ellipse(cx, top, rt, rt * 0.1), mix((255, 230, 180), (255, 246, 226), c.lin(0, top - 14, 0, top + 14)))
    # piping at the top and bottom edges
    for y0, r0 in ((top, rt), (bot, rb)):
        uu = np.clip((c.x - cx) / r0, -1, 1)
        arc = y0 + r0 * 0.1 * np.sqrt(1 - uu * uu)
        band = sm * np.exp(-((c.y - arc) / 3.2) ** 2) * (np.abs(c.x - cx) < r0)
        c.paint(band, (176, 160, 134), 0.9)
    c.paint(c.ellipse(cx, top, rt, rt * 0.1) * (1 - c.ellipse(cx, top, rt - 4, rt * 0.1 - 2.5)), (176, 160, 134))
    # warm light spilling down on the base's shoulder
    c.lighten(m * c.ellipse(cx, 470, 120, 60, soft=25), 0.15, warm)
    return c.image(out=out)


def linen_background(c: Canvas, seed: int, base=(222, 212, 196)):
    """Procedural natural linen: warp/weft threads, slubs and soft light."""
    rng = np.random.default_rng(seed)
    n = c.n
    X, Y = c.x, c.y
    period = 2.4  # output pixels per thread
    warp = 0.5 + 0.5 * np.sin(2 * np.pi * X / period + 1.2 * noise(rng, (n, n), (6, 200)))
    weft = 0.5 + 0.5 * np.sin(2 * np.pi * Y / period + 1.2 * noise(rng, (n, n), (200, 6)))
    check = np.where((np.floor(X / period) + np.floor(Y / period)) % 2 == 0, warp, weft)
    slub_h = noise(rng, (n, n), (300, 10))
    slub_v = noise(rng, (n, n), (10, 300))
    t = (0.55 * check + 0.18 * slub_h + 0.18 * slub_v + grain(rng, (n, n), 0.12)).astype(np.float32)
    t = blur(t, 0.9 * SS)
    col = rgb(base)[None, None, :] * (0.92 + 0.1 * t)[..., None]
    # gentle folds and window light from the top left
    folds = fbm(rng, (n, n), (2, 3), octaves=2)
    col *= (1 + 0.05 * folds)[..., None]
    r = c.radial(c.size * 0.35, c.size * 0.3, c.size)
    col *= (1.06 - 0.22 * np.clip(r, 0, 1.3) ** 2)[..., None]
    c.rgb[:] = col


def _tortoise(c: Canvas, rng):
    """Tortoiseshell acetate colour field."""
    n = c.n
    f = fbm(rng, (n, n), (7, 9), octaves=4)
    g = noise(rng, (n, n), (18, 26))
    t = np.clip(0.5 + 1.6 * f + 0.35 * g, 0, 1)
    dark, amber, honey = rgb((36, 20, 12)), rgb((118, 60, 22)), rgb((196, 128, 52))
    c1 = dark + (amber - dark) * smoothstep(0.25, 0.6, t)[..., None]
    return c1 + (honey - c1) * smoothstep(0.7, 0.95, t)[..., None]


def draw_sunglasses(seed, out=None):
    """Round acetate sunglasses, front view, on a linen background."""
    c = Canvas(900)
    linen_background(c, seed)
    rng = np.random.default_rng(seed + 5)
    tort = _tortoise(c, rng)
    lens_l = [(180, 372), (262, 360), (350, 366), (404, 392), (414, 440), (400, 500),
              (356, 540), (286, 552), (216, 536), (168, 494), (154, 432)]
    lens_r = _mirror(lens_l)
    frame = np.maximum(c.outline(lens_l, 22), c.outline(lens_r, 22))
    bridge = c.line([(404, 398), (430, 384), (450, 381), (470, 384), (496, 398)], 22, smooth=True)
    # temples, seen end-on at the outer edges
    tp = [(146, 384), (124, 388), (114, 400), (122, 410), (150, 408)]
    temples = np.maximum(c.shape(tp), c.shape(_mirror(tp)))
    allm = np.maximum(np.maximum(frame, bridge), temples)
    # soft drop shadow on the cloth
    sh = np.roll(allm, 16 * SS, axis=0)
    c.darken(blur(sh, 10 * SS), 0.38)
    c.darken(blur(np.roll(allm, 5 * SS, axis=0), 3 * SS), 0.25)
    c.paint(temples, tort * (0.35 + 0.55 * c.bump(temples, 5))[..., None])
    fb = np.maximum(frame, bridge)
    fsh = 0.45 + 0.75 * c.bump(fb, 9, light=(-0.4, -0.7, 0.6))
    c.paint(fb, tort * fsh[..., None])
    # lenses: graded smoke with sky reflection, slightly see-through
    for pts, ox in ((lens_l, 0), (lens_r, 450)):
        lm = c.shape(pts)
        grad = c.lin(0, 360, 0, 552)
        col = mix((30, 38, 36), (92, 104, 98), grad)
        c.paint(lm, col, 0.92)
        cxl = 284 if ox == 0 else 616
        refl = lm * c.ellipse(cxl - 40, 400, 120, 55, soft=22) * (1 - c.ellipse(cxl - 10, 470, 150, 70, soft=16))
        c.lighten(refl, 0.32, (220, 232, 240))
        c.lighten(lm * c.line([(cxl + 60, 520), (cxl + 100, 470)], 6, soft=4), 0.25)
        c.darken(lm * (1 - c.shape(pts, soft=5)), 0.3)
    # metal hinge pins / decorative rivets
    for x in (176, 724):
        r = c.ellipse(x, 392, 6, 6)
        c.shade_paint(r, (210, 206, 196), 0.55 + 0.7 * c.bump(r, 2))
    # nose pads highlight on the bridge
    c.lighten(bridge * c.line([(424, 388), (450, 384), (476, 388)], 4, soft=2, smooth=True), 0.3)
    return c.image(out=out)


# --------------------------------------------------------------------------
# catalogue of images
# --------------------------------------------------------------------------

SHOE_COLOURS = ((40, 110, 200), (22, 40, 80), (250, 120, 40), (242, 240, 235))

# file name -> (drawing function, arguments, output size)
IMAGES = {
    "running_shoe_side.jpg": (draw_shoe, (SHOE_COLOURS, (248, 248, 248), 1), 1000),
    "running_shoe_pair.jpg": (draw_shoe_pair, (SHOE_COLOURS, (240, 240, 240), 1), 1000),
    "ceramic_mug.jpg": (draw_mug, (7,), 900),
    "water_bottle.png": (draw_bottle, (11,), 900),
    "headphones.jpg": (draw_headphones, (3,), 900),
    "backpack.jpg": (draw_backpack, (5,), 900),
    "wrist_watch.jpg": (draw_watch, (9,), 1000),
    "table_lamp.jpg": (draw_lamp, (21,), 800),
    "sunglasses.jpg": (draw_sunglasses, (31,), 900),
}


def save(im: Image.Image, path: str, size: int) -> None:
    if im.size != (size, size):
        im = im.resize((size, size), Image.LANCZOS)
    if path.endswith(".png"):
        # no text chunks or timestamps, so reruns are byte-identical
        im.save(path, format="PNG", optimize=True)
    else:
        im.convert("RGB").save(path, format="JPEG", quality=90, optimize=True)


def main(argv) -> int:
    os.makedirs(OUT_DIR, exist_ok=True)
    wanted = [a.lower() for a in argv]
    for name, (fn, args, size) in IMAGES.items():
        if wanted and not any(w in name for w in wanted):
            continue
        path = os.path.join(OUT_DIR, name)
        save(fn(*args, out=size), path, size)
        im = Image.open(path)
        print(f"{name:24s} {im.size[0]}x{im.size[1]} {im.mode:4s} {os.path.getsize(path) / 1024:6.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
