#!/usr/bin/env python3
"""Draw the product photos used by ``benchmarks/catalog2/catalog.csv``.

Every image in ``benchmarks/catalog2/images/`` is drawn procedurally by this script from
simple shapes, numpy gradients and seeded noise (the same approach as
``samples/make_samples.py``), so the files carry no third-party rights. Only Pillow, numpy
and the standard library are used, and no fonts.

Each product sits centred on a light studio background (plain or a soft gradient), drawn at
3x and downscaled to 640x640. The output is deterministic: fixed seeds, no timestamps, so
running the script again reproduces the same files (with the same Pillow/numpy build).

    python benchmarks/catalog2/make_images.py                 # draw every product
    python benchmarks/catalog2/make_images.py knife skillet   # draw only some of them
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

SIZE = 640  # output size in pixels; all drawing coordinates are in output pixels
SS = 3      # supersampling factor
N = SIZE * SS
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")
JPEG_QUALITY = 92


# --------------------------------------------------------------------------
# numeric helpers
# --------------------------------------------------------------------------

def rgb(c) -> np.ndarray:
    return np.asarray(c, dtype=np.float32)


def mix(c0, c1, t) -> np.ndarray:
    """Blend two colours with a scalar or array t -> (..., 3)."""
    c0, c1 = rgb(c0), rgb(c1)
    t = np.asarray(t, dtype=np.float32)
    return c0 + (c1 - c0) * t[..., None]


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _box(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis, dtype=np.float64)
    n = c.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, n), axis=axis)
    lo = np.take(c, np.arange(0, n - 2 * r - 1), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


def blur(a: np.ndarray, sigma: float) -> np.ndarray:
    """Approximate Gaussian blur (three box passes), sigma in array pixels."""
    if sigma < 0.5:
        return a.astype(np.float32)
    if sigma > 6:  # blur a reduced copy: plenty for soft shadows and height fields
        k = max(2, min(int(sigma // 3), 8))
        h, w = a.shape
        small = Image.fromarray(a.astype(np.float32)).resize((w // k, h // k), Image.BOX)
        small = blur(np.asarray(small, dtype=np.float32), sigma / k)
        return np.asarray(Image.fromarray(small).resize((w, h), Image.BILINEAR), dtype=np.float32)
    r = max(1, int(round((math.sqrt(4.0 * sigma * sigma + 1.0) - 1) / 2)))
    out = a.astype(np.float32)
    for _ in range(3):
        out = _box(_box(out, r, 0), r, 1)
    return out


def spline(pts, closed=False, n=16):
    """Catmull-Rom spline through the points; returns a list of (x, y)."""
    P = np.asarray(pts, dtype=np.float64)
    P = np.vstack([P[-1], P, P[0], P[1]]) if closed else np.vstack([P[0], P, P[-1]])
    out = []
    for i in range(1, len(P) - 2):
        p0, p1, p2, p3 = P[i - 1], P[i], P[i + 1], P[i + 2]
        for t in np.linspace(0, 1, n, endpoint=False):
            out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    if not closed:
        out.append(P[-2])
    return [(float(x), float(y)) for x, y in out]


def rotate(pts, ang_deg, cx, cy, ox=0.0, oy=0.0):
    """Rotate local points (around the origin) by ang_deg and move them to (cx, cy)."""
    a = math.radians(ang_deg)
    ca, sa = math.cos(a), math.sin(a)
    return [(cx + (x + ox) * ca - (y + oy) * sa, cy + (x + ox) * sa + (y + oy) * ca) for x, y in pts]


# --------------------------------------------------------------------------
# canvas
# --------------------------------------------------------------------------

class Canvas:
    """Supersampled float RGB canvas with a studio background."""

    def __init__(self, top, bottom=None, seed=0):
        c = (np.arange(N, dtype=np.float32) + 0.5) / SS
        self.x = c[None, :]
        self.y = c[:, None]
        bottom = top if bottom is None else bottom
        t = smoothstep(0.0, 1.0, np.clip((self.y - 30) / 560, 0, 1)) + 0 * self.x
        self.rgb = mix(top, bottom, t).astype(np.float32)
        # a very soft vignette so the sweep does not look flat
        r = np.sqrt(((self.x - 320) / 420) ** 2 + ((self.y - 300) / 420) ** 2)
        self.rgb *= (1.0 - 0.035 * np.clip(r, 0, 1.4) ** 2)[..., None]
        self.rng = np.random.default_rng(seed)

    # ---- masks: float arrays in [0, 1] -------------------------------------
    def _draw(self):
        im = Image.new("L", (N, N), 0)
        return im, ImageDraw.Draw(im)

    @staticmethod
    def _arr(im, soft=0.0):
        a = np.asarray(im, dtype=np.float32) / 255.0
        return blur(a, soft * SS) if soft else a

    def poly(self, pts, soft=0.0):
        im, d = self._draw()
        d.polygon([(x * SS, y * SS) for x, y in pts], fill=255)
        return self._arr(im, soft)

    def shape(self, pts, soft=0.0, n=16):
        return self.poly(spline(pts, True, n), soft)

    def ellipse(self, cx, cy, rx, ry, soft=0.0):
        im, d = self._draw()
        d.ellipse([(cx - rx) * SS, (cy - ry) * SS, (cx + rx) * SS, (cy + ry) * SS], fill=255)
        return self._arr(im, soft)

    def rrect(self, x0, y0, x1, y1, r, soft=0.0):
        im, d = self._draw()
        d.rounded_rectangle([x0 * SS, y0 * SS, x1 * SS, y1 * SS], radius=r * SS, fill=255)
        return self._arr(im, soft)

    def line(self, pts, width, soft=0.0, smooth=False):
        if smooth:
            pts = spline(pts, False)
        im, d = self._draw()
        p = [(x * SS, y * SS) for x, y in pts]
        w = max(1, int(round(width * SS)))
        for a, b in zip(p[:-1], p[1:]):
            d.line([a, b], fill=255, width=w)
        r = width * SS / 2
        if r >= 1.5:
            for x, y in p:
                d.ellipse([x - r, y - r, x + r, y + r], fill=255)
        return self._arr(im, soft)

    def lines(self, segs, width, soft=0.0):
        im, d = self._draw()
        for pts in segs:
            d.line([(x * SS, y * SS) for x, y in pts], fill=255, width=max(1, int(round(width * SS))))
        return self._arr(im, soft)

    # ---- fields -------------------------------------------------------------
    def lin(self, x0, y0, x1, y1):
        dx, dy = x1 - x0, y1 - y0
        return np.clip(((self.x - x0) * dx + (self.y - y0) * dy) / (dx * dx + dy * dy), 0, 1)

    def local(self, cx, cy, ang_deg):
        """Local (u, v) coordinates of every pixel in a frame rotated by ang_deg at (cx, cy)."""
        a = math.radians(ang_deg)
        dx, dy = self.x - cx, self.y - cy
        return dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)

    def noise(self, cells_y, cells_x):
        """Smooth value noise in about [-1, 1] from a seeded random grid."""
        g = self.rng.random((cells_y + 3, cells_x + 3), dtype=np.float32) * 2 - 1
        big = Image.fromarray(g).resize((int(N * (cells_x + 3) / cells_x), int(N * (cells_y + 3) / cells_y)),
                                        Image.BICUBIC)
        ox, oy = int(N * 1.5 / cells_x), int(N * 1.5 / cells_y)
        return np.asarray(big, dtype=np.float32)[oy:oy + N, ox:ox + N]

    def grain(self, amount):
        return self.rng.standard_normal((N, N)).astype(np.float32) * amount

    def cyl(self, cx, hw, amb=0.45, light=-0.45, spec=0.3, spec_at=-0.5, spec_w=0.12, axis="x"):
        """Shading of a cylinder whose axis is vertical (axis="x": shading varies across x)
        or horizontal (axis="y"). Returns (diffuse multiplier, specular add)."""
        coord = self.x if axis == "x" else self.y
        u = np.clip((coord - cx) / hw, -1, 1)
        nz = np.sqrt(np.maximum(0, 1 - u * u))
        lz = math.sqrt(1 - light * light)
        dif = np.maximum(0, u * light + nz * lz)
        return amb + (1 - amb) * dif, spec * np.exp(-((u - spec_at) / spec_w) ** 2)

    def bump(self, m, radius, light=(-0.45, -0.6, 0.66)):
        """Lambert shading of a soft 'pillow' height field made by blurring a mask."""
        h = blur(m, radius * SS)
        gy, gx = np.gradient(h)
        k = radius * SS * 2.2
        nx, ny = -gx * k, -gy * k
        inv = 1.0 / np.sqrt(nx * nx + ny * ny + 1.0)
        L = np.asarray(light, dtype=np.float32)
        L = L / np.linalg.norm(L)
        return np.clip((nx * L[0] + ny * L[1] + L[2]) * inv, 0, 1)

    # ---- painting -----------------------------------------------------------
    def paint(self, m, col, opacity=1.0):
        a = (m * opacity)[..., None]
        c = np.asarray(col, dtype=np.float32)
        self.rgb += (c - self.rgb) * a

    def shade_paint(self, m, col, shade, spec=None, opacity=1.0):
        shade = np.asarray(shade, dtype=np.float32)
        c = rgb(col) * (shade[..., None] if shade.ndim else shade)
        if spec is not None:
            spec = np.asarray(spec, dtype=np.float32)
            c = c + 255.0 * (spec[..., None] if spec.ndim else spec)
        self.paint(m, c, opacity)

    def darken(self, m, strength, tint=(0, 0, 0)):
        a = (m * strength)[..., None]
        self.rgb = self.rgb * (1 - a) + rgb(tint) * a

    def lighten(self, m, strength, col=(255, 255, 255)):
        a = (m * strength)[..., None]
        self.rgb += (rgb(col) - self.rgb) * a

    def drop_shadow(self, m, dx, dy, soft, strength):
        s = np.roll(np.roll(m, int(dy * SS), axis=0), int(dx * SS), axis=1)
        self.darken(blur(s, soft * SS), strength)

    def contact(self, cx, cy, rx, ry, strength=0.35):
        self.darken(self.ellipse(cx, cy, rx * 1.08, ry * 1.9, soft=20), strength * 0.5)
        self.darken(self.ellipse(cx, cy, rx * 0.95, ry * 0.7, soft=6), strength)

    def image(self) -> Image.Image:
        im = Image.fromarray(np.clip(self.rgb + 0.5, 0, 255).astype(np.uint8))
        return im.resize((SIZE, SIZE), Image.LANCZOS)


def union(*ms):
    out = ms[0]
    for m in ms[1:]:
        out = np.maximum(out, m)
    return out


# --------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------

def draw_chef_knife(seed):
    """Chef's knife with a clad VG-10 blade and a black pakkawood handle, on a diagonal."""
    c = Canvas((232, 231, 229), (247, 246, 244), seed)
    cx, cy, ang = 312.0, 334.0, -24.0
    spine = spline([(-40, -32), (80, -33), (170, -29), (226, -17), (264, -2)], n=12)
    edge = spline([(264, -2), (232, 16), (180, 30), (110, 37), (20, 39), (-40, 39)], n=12)
    blade_local = spine + edge[1:]
    blade = c.poly(rotate(blade_local, ang, cx, cy))
    bolster = c.poly(rotate([(-62, -33), (-38, -33), (-38, 36), (-62, 36)], ang, cx, cy))
    handle = c.poly(rotate(spline([(-60, -21), (-150, -23), (-228, -20), (-240, -4), (-236, 14),
                                   (-150, 22), (-60, 21)], True, 10), ang, cx, cy))
    allm = union(blade, bolster, handle)
    c.drop_shadow(allm, 10, 18, 9, 0.30)
    c.drop_shadow(allm, 3, 5, 2.5, 0.25)

    u, v = c.local(cx, cy, ang)
    # blade: cladding (satin) above a wavy core line, bright bevel at the edge
    vspine = -32.0
    t = np.clip((v - vspine) / 70.0, 0, 1)
    satin = 1 + 0.05 * c.noise(6, 120) + c.grain(0.015)
    base = mix((214, 218, 224), (150, 156, 166), t ** 1.3) * satin[..., None]
    wave = 22 - 0.04 * np.clip(u - 120, 0, None) ** 1.25 + 0.5 * np.sin(u / 23.0)  # clad line follows the edge
    core = smoothstep(wave - 0.6, wave + 0.6, v)
    base = base + (mix((232, 236, 242), (196, 202, 210), np.clip((v - 22) / 16, 0, 1)) - base) * core[..., None] * 0.85
    c.paint(blade, base)
    c.lighten(blade * np.exp(-((v - wave) / 0.8) ** 2), 0.18)
    c.darken(blade * np.exp(-((v - vspine - 1.5) / 1.6) ** 2), 0.25)      # spine edge
    c.lighten(blade * np.exp(-((u - 120 + 0.6 * v) / 26) ** 2) * (1 - core), 0.25)  # soft reflection
    # bolster
    sh = 0.7 + 0.45 * c.bump(bolster, 4)
    c.shade_paint(bolster, (196, 198, 204), sh * (1.05 - 0.25 * np.clip((v + 33) / 69, 0, 1)))
    # handle: dark pakkawood with layered grain and a top highlight
    grain = 0.5 + 0.5 * np.sin(v * 1.6 + 3.0 * c.noise(3, 40))
    wood = mix((30, 24, 22), (58, 40, 34), grain * 0.6)
    hl = 0.75 + 0.5 * c.bump(handle, 7) + 0.25 * np.exp(-((v + 10) / 5.0) ** 2)
    c.paint(handle, wood * hl[..., None])
    for uu in (-200, -140, -86):
        (rx, ry), = rotate([(uu, 0)], ang, cx, cy)
        riv = c.ellipse(rx, ry, 5.2, 5.2)
        c.shade_paint(riv, (206, 164, 90), 0.55 + 0.7 * c.bump(riv, 2))
        c.lighten(c.ellipse(rx - 1.5, ry - 1.5, 1.6, 1.6, soft=0.6), 0.6)
    return c.image()


def draw_skillet(seed):
    """Pre-seasoned cast-iron skillet seen from three-quarters above."""
    c = Canvas((228, 228, 226), (246, 246, 244), seed)
    cx, cy, R, K = 292.0, 318.0, 196.0, 0.72  # K: ellipse squash (viewing angle)
    c.contact(cx + 8, cy + R * K + 14, R * 0.98, 18, 0.45)
    iron = (50, 50, 53)
    tex = 1 + 0.06 * c.noise(40, 40) + c.grain(0.035)
    # handle and helper handle (behind the rim)
    hnd = c.poly(spline([(cx + R - 20, cy - 22), (cx + R + 60, cy - 40), (cx + R + 120, cy - 52),
                         (cx + R + 138, cy - 40), (cx + R + 130, cy - 20), (cx + R + 60, cy - 4),
                         (cx + R - 20, cy + 16)], True, 10))
    lug = c.shape([(cx - R + 10, cy - 26), (cx - R - 34, cy - 18), (cx - R - 40, cy + 4),
                   (cx - R - 30, cy + 16), (cx - R + 10, cy + 18)])
    for m in (hnd, lug):
        c.drop_shadow(m, 4, 22, 8, 0.35)
        c.shade_paint(m, iron, (0.55 + 0.8 * c.bump(m, 6)) * tex)
    hole = c.ellipse(cx + R + 112, cy - 36, 10, 7)
    c.paint(hole, (236, 236, 234))
    c.darken(hole * (1 - c.ellipse(cx + R + 113, cy - 34, 10, 7)), 0.4)
    # outer wall (depth), rim, inner wall, cooking floor
    depth = 26
    wall = union(c.ellipse(cx, cy + depth, R, R * K), c.poly([(cx - R, cy), (cx + R, cy), (cx + R, cy + depth),
                                                              (cx - R, cy + depth)]))
    sh, sp = c.cyl(cx, R, amb=0.5, spec=0.12)
    c.shade_paint(wall, iron, sh * 0.8 * tex, sp)
    rim = c.ellipse(cx, cy, R, R * K)
    c.shade_paint(rim, iron, 1.1 * tex)
    # pour spouts: small lips on the rim
    for a in (150, 210):
        px, py = cx + R * math.cos(math.radians(a)), cy + R * K * math.sin(math.radians(a))
        lip = c.ellipse(px - 4 * math.cos(math.radians(a)), py, 16, 10)
        c.shade_paint(lip, iron, 1.15 * tex)
    inner = c.ellipse(cx, cy + 2, R - 13, (R - 13) * K)
    c.shade_paint(inner, iron, (0.6 + 0.35 * c.lin(0, cy - R * K, 0, cy + R * K)) * tex)
    floor = c.ellipse(cx, cy + 14, R - 38, (R - 38) * K - 4, soft=2)
    c.shade_paint(floor, (58, 57, 58), (0.95 + 0.15 * c.noise(8, 8)) * tex)
    # oily sheen on the floor and a highlight along the rim
    c.lighten(floor * c.ellipse(cx - 50, cy - 20, 120, 50, soft=40), 0.10)
    th = np.arctan2((c.y - cy) / K, c.x - cx)
    ring = rim * (1 - c.ellipse(cx, cy + 2, R - 13, (R - 13) * K))
    c.lighten(ring * np.clip(np.cos(th + 2.1), 0, 1) ** 3, 0.35)
    c.lighten(c.line(spline([(cx + R - 18, cy - 20), (cx + R + 60, cy - 36), (cx + R + 118, cy - 47)]), 3,
                     soft=1.5) * hnd, 0.25)
    return c.image()


def _fabric(c, base, period=2.6, slub=0.05):
    n = c.noise(6, 220) * slub + c.noise(220, 6) * slub
    weave = 0.5 + 0.5 * np.sin(2 * np.pi * c.x / period) * np.sin(2 * np.pi * c.y / period)
    t = 1 + n + 0.03 * weave + c.grain(0.02)
    return rgb(base) * t[..., None]


def draw_linen_shirt(seed):
    """Relaxed linen shirt, flat lay, button-down collar, chest pocket."""
    c = Canvas((238, 236, 232), (248, 247, 244), seed)
    cx = 320.0
    body = c.poly(spline([(222, 150), (252, 132), (300, 124), (340, 124), (388, 132), (418, 150),
                          (430, 250), (434, 420), (440, 546), (400, 560), (320, 548), (240, 560),
                          (200, 546), (206, 420), (210, 250)], True, 10))
    sl_l = c.shape([(222, 150), (210, 250), (176, 370), (148, 470), (112, 462), (126, 360), (170, 200)])
    sl_r = c.shape([(418, 150), (430, 250), (464, 370), (492, 470), (528, 462), (514, 360), (470, 200)])
    cuff_l = c.poly([(148, 470), (112, 462), (106, 492), (144, 500)])
    cuff_r = c.poly([(492, 470), (528, 462), (534, 492), (496, 500)])
    shirt = union(body, sl_l, sl_r, cuff_l, cuff_r)
    c.drop_shadow(shirt, 4, 10, 8, 0.22)
    sage = (150, 166, 134)
    cloth = _fabric(c, sage)
    wrinkles = 1 + 0.07 * c.noise(5, 4) + 0.04 * c.noise(12, 3)
    for m in (sl_l, sl_r, cuff_l, cuff_r, body):
        sh = (0.74 + 0.36 * c.bump(m, 9)) * wrinkles
        c.paint(m, cloth * sh[..., None])
    for pts in (([(170, 200), (148, 470)]), ([(470, 200), (492, 470)])):
        c.darken(c.line(pts, 2, soft=1.5), 0.12)
    c.darken(c.line([(148, 470), (112, 462)], 2, soft=1), 0.25)
    c.darken(c.line([(492, 470), (528, 462)], 2, soft=1), 0.25)
    # inside of the back neck, collar stand and button-down collar points
    c.paint(c.ellipse(cx, 138, 40, 16), rgb(sage) * 0.62)
    stand = c.shape([(280, 132), (300, 122), (340, 122), (360, 132), (352, 146), (320, 140), (288, 146)])
    c.shade_paint(stand, sage, 0.8 + 0.3 * c.bump(stand, 3))
    for side in (-1, 1):
        pts = [(cx + side * 2, 150), (cx + side * 40, 130), (cx + side * 58, 142), (cx + side * 44, 196),
               (cx + side * 8, 170)]
        col = c.poly(pts)
        c.drop_shadow(col, 2, 4, 3, 0.25)
        c.paint(col, cloth * (0.82 + 0.3 * c.bump(col, 4))[..., None])
        bx, by = cx + side * 40, 186
        b = c.ellipse(bx, by, 3.6, 3.6)
        c.shade_paint(b, (214, 204, 184), 0.7 + 0.5 * c.bump(b, 1.5))
    # placket and buttons
    plk = c.poly([(312, 170), (328, 170), (328, 552), (312, 552)])
    c.darken(c.line([(312, 172), (312, 550)], 1.4, soft=0.8), 0.22)
    c.darken(c.line([(328, 172), (328, 550)], 1.4, soft=0.8), 0.12)
    c.lighten(plk, 0.04)
    for by in range(214, 552, 56):
        b = c.ellipse(320, by, 5.2, 5.2)
        c.drop_shadow(b, 1, 1.5, 1, 0.3)
        c.shade_paint(b, (216, 206, 186), 0.7 + 0.5 * c.bump(b, 1.6))
        c.darken(c.ellipse(318.4, by, 0.9, 0.9) + c.ellipse(321.6, by, 0.9, 0.9), 0.5)
    # chest pocket (wearer's left, image right)
    pk = c.poly([(348, 226), (398, 226), (398, 282), (373, 290), (348, 282)])
    c.drop_shadow(pk, 1, 2, 1.5, 0.18)
    c.paint(pk, cloth * (0.92 + 0.12 * c.bump(pk, 2))[..., None])
    c.darken(c.line([(348, 232), (398, 232)], 1, soft=0.5), 0.18)
    return c.image()


def draw_wool_beanie(seed):
    """Ribbed lambswool beanie with a turn-up cuff."""
    c = Canvas((234, 236, 238), (248, 248, 249), seed)
    cx = 320.0
    c.contact(cx, 478, 150, 11, 0.4)
    rust = (170, 80, 44)
    dome_pts = [(178, 400), (180, 310), (200, 222), (244, 160), (320, 132), (396, 160), (440, 222),
                (460, 310), (462, 400)]
    dome = c.poly(spline(dome_pts, False, 16) + [(462, 420), (178, 420)])
    # rib coordinate: columns converge towards the crown
    top, base_y = 132.0, 400.0
    half = np.maximum(1.0, 142 * np.sqrt(np.clip((c.y - top + 6) / (base_y - top + 6), 0.02, 1)))
    s = (c.x - cx) / half
    ribs = 0.5 + 0.5 * np.cos(2 * np.pi * s * 11)
    knit = 1 + 0.05 * c.noise(80, 80) + c.grain(0.03)
    sh = (0.55 + 0.55 * c.bump(dome, 40)) * (0.8 + 0.22 * ribs) * knit
    c.shade_paint(dome, rust, sh)
    c.darken(dome * c.ellipse(cx, top + 4, 16, 10, soft=8), 0.25)  # gathered crown
    # turn-up cuff, slightly wider, with straight ribs
    cuff = c.rrect(168, 372, 472, 474, 26)
    c.drop_shadow(cuff, 0, -3, 4, 0.3)
    ribs2 = 0.5 + 0.5 * np.cos(2 * np.pi * (c.x - cx) / 12.0)
    sh = (0.58 + 0.5 * c.bump(cuff, 14)) * (0.8 + 0.22 * ribs2) * knit
    c.shade_paint(cuff, rust, sh)
    c.lighten(cuff * np.exp(-((c.y - 380) / 4.0) ** 2), 0.12)
    return c.image()


def draw_face_moisturiser(seed):
    """Airless pump bottle of gel-cream (drawn as a PNG)."""
    c = Canvas((226, 232, 236), (245, 247, 249), seed)
    cx = 320.0
    c.contact(cx, 560, 80, 9, 0.45)
    white = (238, 237, 233)
    body = c.rrect(cx - 72, 236, cx + 72, 562, 10)
    sh, sp = c.cyl(cx, 72, amb=0.55, spec=0.22, spec_w=0.1)
    c.shade_paint(body, white, sh * 1.02, sp)
    # label: a sage band with thin grey lines in place of text
    lab = body * c.poly([(cx - 80, 330), (cx + 80, 330), (cx + 80, 470), (cx - 80, 470)])
    c.shade_paint(lab, (246, 246, 243), sh * 1.02, sp)
    band = body * c.poly([(cx - 80, 332), (cx + 80, 332), (cx + 80, 346), (cx - 80, 346)])
    c.shade_paint(band, (150, 172, 150), sh, sp * 0.5)
    for y0, w in ((372, 46), (388, 30), (430, 22), (442, 36)):
        ln = body * c.rrect(cx - w, y0, cx + w, y0 + (5 if y0 == 372 else 3), 1.5)
        c.shade_paint(ln, (92, 100, 104), sh, None, 0.85)
    # base ring and shoulder collar (silver)
    for y0, y1 in ((546, 562), (222, 240)):
        ring = c.rrect(cx - 74, y0, cx + 74, y1, 4)
        s2, p2 = c.cyl(cx, 74, amb=0.45, spec=0.5, spec_w=0.08)
        c.shade_paint(ring, (196, 198, 202), s2, p2)
    # pump head and nozzle
    head = c.rrect(cx - 48, 156, cx + 48, 224, 10)
    s3, p3 = c.cyl(cx, 48, amb=0.55, spec=0.25)
    c.shade_paint(head, white, s3, p3)
    noz = c.rrect(cx - 104, 166, cx - 40, 184, 7)
    c.shade_paint(noz, white, 0.82 + 0.25 * c.bump(noz, 4))
    c.darken(c.ellipse(cx - 100, 175, 3, 4), 0.5)
    c.darken(c.line([(cx - 48, 224), (cx + 48, 224)], 2, soft=1), 0.2)
    return c.image()


def draw_lip_balm(seed):
    """Twist-up lip balm with its cap lying beside it."""
    c = Canvas((238, 231, 229), (250, 247, 246), seed)
    cx = 290.0
    c.contact(cx, 528, 44, 6, 0.45)
    mint = (150, 200, 176)
    # balm stick (domed, cut at a slant)
    stick = c.poly(spline([(cx - 27, 262), (cx - 27, 222), (cx - 14, 204), (cx + 8, 196), (cx + 22, 200),
                           (cx + 27, 210), (cx + 27, 262)], False, 10))
    s0, p0 = c.cyl(cx, 27, amb=0.55, spec=0.35, spec_w=0.1)
    c.shade_paint(stick, (238, 224, 168), s0, p0)
    # tube with label
    tube = c.rrect(cx - 34, 248, cx + 34, 532, 6)
    sh, sp = c.cyl(cx, 34, amb=0.5, spec=0.3)
    c.shade_paint(tube, mint, sh, sp)
    stripe = tube * c.poly([(cx - 40, 340), (cx + 40, 340), (cx + 40, 430), (cx - 40, 430)])
    c.shade_paint(stripe, (246, 244, 236), sh, sp)
    for y0 in (372, 386, 398):
        c.shade_paint(tube * c.rrect(cx - 20, y0, cx + 20, y0 + 3, 1), (70, 96, 84), sh)
    twist = tube * c.poly([(cx - 40, 500), (cx + 40, 500), (cx + 40, 532), (cx - 40, 532)])
    c.shade_paint(twist, (132, 182, 158), sh * (0.92 + 0.08 * np.cos(2 * np.pi * c.y / 4)), sp)
    c.darken(tube * np.exp(-((c.y - 500) / 1.2) ** 2), 0.35)
    c.darken(tube * np.exp(-((c.y - 250) / 2.0) ** 2), 0.3)
    # cap on its side
    ccx, ccy, ang = 430.0, 490.0, -12.0
    cap_pts = rotate([(-52, -36), (52, -36), (52, 36), (-52, 36)], ang, ccx, ccy)
    cap = c.poly(cap_pts)
    c.drop_shadow(cap, 3, 14, 6, 0.35)
    u, v = c.local(ccx, ccy, ang)
    s = np.clip(v / 36, -1, 1)
    shade = 0.5 + 0.5 * np.sqrt(np.maximum(0, 1 - s * s)) + 0.15 * (-s)
    c.shade_paint(cap, mint, shade + 0.35 * np.exp(-((s + 0.45) / 0.12) ** 2))
    (ex, ey), = rotate([(-52, 0)], ang, ccx, ccy)
    opening = c.poly(rotate(spline([(-52, -36), (-62, 0), (-52, 36), (-44, 0)], True, 10), ang, ccx, ccy))
    c.paint(opening, mix((120, 166, 146), (60, 90, 80), c.lin(ex - 10, ey, ex + 10, ey)))
    return c.image()


ISO_S = 52.0


def _iso(X, Y, Z, s=ISO_S, ox=378.0, oy=384.0):
    return (ox + (X - Y) * s * 0.866, oy + (X + Y) * s * 0.5 - Z * s)


def draw_building_blocks(seed):
    """Painted beech blocks stacked into a little house, isometric view."""
    c = Canvas((236, 236, 233), (248, 248, 246), seed)
    wood = 1 + 0.04 * c.noise(4, 60) + c.grain(0.015)
    RED, YEL, BLU, GRN, ORA, NAT = ((206, 66, 56), (238, 188, 56), (58, 116, 188), (86, 156, 88),
                                    (234, 128, 48), (222, 192, 150))
    gx, gy = _iso(0.3, 1.3, 0)
    c.contact(gx, gy + 20, 250, 44, 0.22)
    shapes = []

    def box(X, Y, Z, dx, dy, dz, col):
        P = lambda a, b, h: _iso(a, b, h)
        faces = [([P(X, Y, Z + dz), P(X + dx, Y, Z + dz), P(X + dx, Y + dy, Z + dz), P(X, Y + dy, Z + dz)], 1.08),
                 ([P(X + dx, Y, Z), P(X + dx, Y + dy, Z), P(X + dx, Y + dy, Z + dz), P(X + dx, Y, Z + dz)], 0.80),
                 ([P(X, Y + dy, Z), P(X + dx, Y + dy, Z), P(X + dx, Y + dy, Z + dz), P(X, Y + dy, Z + dz)], 0.92)]
        shapes.append(((X + dx + Y + dy, Z), faces, col))

    def prism(X, Y, Z, dx, dy, dz, col):
        P = lambda a, b, h: _iso(a, b, h)
        faces = [([P(X, Y, Z), P(X + dx, Y, Z), P(X + dx, Y + dy / 2, Z + dz), P(X, Y + dy / 2, Z + dz)], 1.02),
                 ([P(X, Y + dy, Z), P(X + dx, Y + dy, Z), P(X + dx, Y + dy / 2, Z + dz), P(X, Y + dy / 2, Z + dz)], 0.9),
                 ([P(X + dx, Y, Z), P(X + dx, Y + dy, Z), P(X + dx, Y + dy / 2, Z + dz)], 0.78)]
        shapes.append(((X + dx + Y + dy, Z), faces, col))

    def cylinder(X, Y, Z, r, h, col):
        shapes.append(((X + Y + 2 * r, Z), ("cyl", X, Y, Z, r, h), col))

    # the house: two pillars, a lintel, a roof; a tower and loose blocks around it
    box(-3, -1, 0, 1, 1, 2, RED)
    box(-1, -1, 0, 1, 1, 2, BLU)
    box(-3, -1, 2, 3, 1, 0.5, YEL)
    prism(-3, -1, 2.5, 3, 1, 1.1, GRN)
    cylinder(1.6, -1.2, 0, 0.5, 2, ORA)
    cylinder(1.6, -1.2, 2, 0.5, 1, NAT)
    box(0.2, 1.0, 0, 1, 1, 1, YEL)
    box(-2.4, 1.2, 0, 1, 1, 1, GRN)
    box(1.6, 1.4, 0, 2, 1, 0.5, RED)
    prism(-0.8, 2.4, 0, 1, 1, 0.9, BLU)
    box(-2.6, 2.8, 0, 1, 1, 1, ORA)

    for _, faces, col in sorted(shapes, key=lambda s: s[0]):
        if faces[0] == "cyl":
            _, X, Y, Z, r, h = faces
            bx, by = _iso(X + r, Y + r, Z)
            tx, ty = _iso(X + r, Y + r, Z + h)
            rx, ry = r * ISO_S * 1.2247, r * ISO_S * 0.7071
            body = union(c.ellipse(bx, by, rx, ry), c.poly([(bx - rx, by), (bx + rx, by), (tx + rx, ty), (tx - rx, ty)]))
            sh, sp = c.cyl(bx, rx, amb=0.55, light=0.3, spec=0.18, spec_at=0.2)
            c.shade_paint(body, col, sh * wood, sp)
            top = c.ellipse(tx, ty, rx, ry)
            c.shade_paint(top, col, 1.08 * wood)
            c.darken(top * (1 - c.ellipse(tx, ty, rx - 1.5, ry - 1.2)), 0.15)
            continue
        for pts, k in faces:
            m = c.poly(pts)
            c.shade_paint(m, col, k * wood)
            c.darken(c.lines([pts + [pts[0]]], 1.0) * m, 0.12)
    return c.image()


def _harbour_scene(c, x0, y0, x1, y1, m):
    """Paint an illustrated harbour at dusk inside rectangle mask m."""
    w, h = x1 - x0, y1 - y0
    hz = y0 + h * 0.56
    sky = mix((58, 56, 112), (244, 150, 82), smoothstep(y0, hz, c.y) ** 1.2)
    sky = sky + (mix((244, 150, 82), (250, 196, 120), np.clip((c.y - hz + 30) / 30, 0, 1)) - sky) * \
        smoothstep(hz - 40, hz, c.y)[..., None] * 0.6
    c.paint(m, sky)
    sx, sy = x0 + w * 0.62, hz - 14
    c.paint(m * c.ellipse(sx, sy, 22, 22), (252, 226, 150))
    c.lighten(m * c.ellipse(sx, sy, 70, 50, soft=30), 0.25, (255, 210, 140))
    for cx_, cy_, rx_ in ((x0 + w * 0.25, y0 + h * 0.22, 60), (x0 + w * 0.8, y0 + h * 0.3, 50)):
        c.lighten(m * c.ellipse(cx_, cy_, rx_, 8, soft=4), 0.25, (250, 190, 170))
    sea = m * (c.y > hz)
    waves = 0.5 + 0.5 * np.sin(c.y * 1.3 + 2 * c.noise(60, 6))
    c.paint(sea, mix((40, 58, 92), (26, 40, 70), np.clip((c.y - hz) / (y1 - hz), 0, 1)))
    glint = sea * np.exp(-((c.x - sx) / 22) ** 2) * waves
    c.lighten(glint, 0.6, (250, 200, 130))
    # hill with houses on the right, pier and lighthouse on the left
    hill = m * c.shape([(x0 + w * 0.66, hz + 2), (x0 + w * 0.8, hz - 40), (x1 + 20, hz - 60), (x1 + 20, hz + 2)])
    c.paint(hill, (52, 44, 70))
    rng = np.random.default_rng(8)
    for i in range(9):
        hx = x0 + w * (0.7 + 0.033 * i)
        hy = hz - 14 - 26 * (i / 9) - rng.random() * 10
        house = m * c.poly([(hx, hy), (hx + 12, hy - 9), (hx + 24, hy), (hx + 24, hy + 18), (hx, hy + 18)])
        c.paint(house, (70, 58, 86))
        c.paint(m * c.rrect(hx + 8, hy + 5, hx + 14, hy + 11, 0.5), (250, 210, 120))
    pier = m * c.poly([(x0 - 5, hz - 6), (x0 + w * 0.3, hz - 6), (x0 + w * 0.3, hz + 8), (x0 - 5, hz + 8)])
    c.paint(pier, (44, 36, 58))
    lx = x0 + w * 0.24
    c.paint(m * c.poly([(lx - 8, hz - 6), (lx - 5, hz - 62), (lx + 5, hz - 62), (lx + 8, hz - 6)]), (232, 226, 220))
    for yy in (hz - 46, hz - 26):
        c.paint(m * c.poly([(lx - 8, yy), (lx + 8, yy), (lx + 8, yy + 8), (lx - 8, yy + 8)]), (196, 64, 58))
    c.paint(m * c.rrect(lx - 6, hz - 72, lx + 6, hz - 62, 2), (252, 230, 150))
    # boats
    for bx, by, s in ((x0 + w * 0.42, hz + 30, 1.0), (x0 + w * 0.55, hz + 62, 1.3), (x0 + w * 0.78, hz + 40, 0.8)):
        hull = m * c.poly([(bx - 30 * s, by), (bx + 30 * s, by), (bx + 22 * s, by + 10 * s), (bx - 22 * s, by + 10 * s)])
        c.paint(hull, (30, 26, 40))
        c.paint(m * c.line([(bx, by), (bx, by - 44 * s)], 1.6), (30, 26, 40))
        c.paint(m * c.poly([(bx + 2, by - 40 * s), (bx + 2, by - 4), (bx + 24 * s, by - 4)]), (236, 214, 190))


def _edge(p0, p1, sign, n=20):
    """Jigsaw cut from p0 to p1 with a round knob on one side (sign +1/-1), or straight (0)."""
    (x0, y0), (x1, y1) = p0, p1
    L = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / L, (y1 - y0) / L
    px, py = -uy, ux
    P = lambda a, b: (x0 + ux * a * L + px * b * L * sign, y0 + uy * a * L + py * b * L * sign)
    if sign == 0:
        return [p0, p1]
    pts = [P(0, 0), P(0.36, 0), P(0.41, 0.05)]
    cxk, cyk, r = 0.5, 0.17, 0.15  # the knob: a circle on a narrower neck
    a0 = math.atan2(0.05 - cyk, 0.41 - cxk)
    a1 = math.atan2(0.05 - cyk, 0.59 - cxk) - 2 * math.pi  # the long way round, away from the edge
    for a in np.linspace(a0, a1, n):
        pts.append(P(cxk + r * math.cos(a), cyk + r * math.sin(a)))
    pts += [P(0.59, 0.05), P(0.64, 0), P(1, 0)]
    return pts


def draw_jigsaw_puzzle(seed):
    """1000-piece harbour-at-dusk jigsaw, nearly finished, one piece lying beside it."""
    c = Canvas((232, 230, 227), (246, 245, 242), seed)
    x0, y0, x1, y1 = 96.0, 160.0, 544.0, 480.0
    board = c.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    c.drop_shadow(board, 3, 6, 5, 0.3)
    _harbour_scene(c, x0, y0, x1, y1, board)
    c.rgb *= (1 + c.grain(0.012) * board)[..., None]
    # the cut pattern (a close-up: 10 x 7 visible pieces)
    cols, rows = 10, 7
    cw, rh = (x1 - x0) / cols, (y1 - y0) / rows
    rng = np.random.default_rng(seed)
    vs = rng.choice([-1, 1], size=(rows, cols - 1))
    hs = rng.choice([-1, 1], size=(rows - 1, cols))
    cuts = []
    for r in range(rows):
        for k in range(cols - 1):
            x = x0 + (k + 1) * cw
            cuts.append(_edge((x, y0 + r * rh), (x, y0 + (r + 1) * rh), vs[r, k]))
    for r in range(rows - 1):
        for k in range(cols):
            y = y0 + (r + 1) * rh
            cuts.append(_edge((x0 + k * cw, y), (x0 + (k + 1) * cw, y), hs[r, k]))
    cutm = c.lines(cuts, 1.3) * board
    c.darken(cutm, 0.35)
    c.lighten(np.roll(cutm, SS, axis=0) * (1 - cutm), 0.12)

    def piece(r, k):
        top = _edge((x0 + k * cw, y0 + r * rh), (x0 + (k + 1) * cw, y0 + r * rh), hs[r - 1, k] if r > 0 else 0)
        right = _edge((x0 + (k + 1) * cw, y0 + r * rh), (x0 + (k + 1) * cw, y0 + (r + 1) * rh),
                      vs[r, k] if k < cols - 1 else 0)
        bottom = _edge((x0 + k * cw, y0 + (r + 1) * rh), (x0 + (k + 1) * cw, y0 + (r + 1) * rh),
                       hs[r, k] if r < rows - 1 else 0)
        left = _edge((x0 + k * cw, y0 + r * rh), (x0 + k * cw, y0 + (r + 1) * rh), vs[r, k - 1] if k > 0 else 0)
        return top + right + bottom[::-1] + left[::-1]

    # one missing piece: lift it out and lay it on the table
    r, k = 4, 6
    pm = c.poly(piece(r, k))
    dx, dy = 60, 142
    moved = np.roll(np.roll(pm, dy * SS, axis=0), dx * SS, axis=1)
    moved_rgb = np.roll(np.roll(c.rgb, dy * SS, axis=0), dx * SS, axis=1)
    table = (226, 224, 221)
    c.paint(pm, table)
    c.darken(pm * (1 - c.poly(piece(r, k), soft=3)), 0.35)
    c.drop_shadow(moved, 3, 5, 3, 0.35)
    c.paint(moved, moved_rgb)
    c.darken(moved * (1 - blur(moved, 1.2 * SS)), 0.4)
    return c.image()


def draw_cordless_drill(seed):
    """18 V drill driver, side view, chuck to the left, battery underneath."""
    c = Canvas((232, 234, 236), (248, 248, 249), seed)
    teal, black = (28, 122, 124), (40, 41, 44)
    c.contact(380, 566, 110, 9, 0.45)
    grip = c.poly(spline([(318, 282), (392, 282), (424, 390), (440, 478), (360, 478), (342, 390)], True, 8))
    batt = c.rrect(284, 468, 478, 560, 14)
    body = c.shape([(170, 176), (300, 160), (430, 162), (478, 186), (490, 232), (472, 284), (420, 298),
                    (300, 300), (176, 288)])
    collar = c.rrect(136, 176, 182, 290, 10)
    chuck = c.poly(spline([(70, 202), (138, 192), (138, 274), (70, 264)], True, 6))
    bit = c.rrect(14, 226, 80, 240, 3)
    allm = union(grip, batt, body, collar, chuck, bit)
    c.drop_shadow(allm, 6, 10, 7, 0.22)
    # bit with twist flutes
    flutes = 0.6 + 0.4 * (np.sin((c.x + c.y * 1.6) / 3.0) > 0)
    c.shade_paint(bit, (170, 174, 180), flutes * (0.7 + 0.5 * c.bump(bit, 3)))
    # chuck with grip ridges
    ridge = 0.8 + 0.25 * np.cos(2 * np.pi * c.y / 7.0)
    c.shade_paint(chuck, (54, 55, 58), (0.55 + 0.7 * c.bump(chuck, 10)) * ridge)
    c.shade_paint(chuck * (c.x < 84), (178, 180, 186), 0.6 + 0.6 * c.bump(chuck, 6))
    # clutch collar
    c.shade_paint(collar, black, (0.5 + 0.8 * c.bump(collar, 10)) * (0.85 + 0.2 * np.cos(2 * np.pi * c.y / 6)))
    # grip, battery, body
    c.shade_paint(grip, black, 0.55 + 0.75 * c.bump(grip, 14))
    side = grip * c.poly(spline([(326, 300), (372, 300), (404, 400), (412, 470), (384, 470), (360, 390)], True, 6))
    c.shade_paint(side, teal, 0.55 + 0.7 * c.bump(side, 8))
    c.shade_paint(batt, black, 0.55 + 0.75 * c.bump(batt, 14))
    c.shade_paint(batt * c.rrect(284, 496, 478, 508, 2), teal, 0.95)
    for i in range(3):
        led = c.ellipse(440 + i * 11, 530, 3, 3)
        c.paint(led, (120, 210, 120) if i < 2 else (70, 90, 70))
    c.shade_paint(body, teal, 0.5 + 0.8 * c.bump(body, 22))
    c.lighten(body * c.line([(190, 186), (300, 174), (430, 176)], 6, soft=4, smooth=True), 0.25)
    for i in range(5):  # vents
        vx = 420 + i * 9
        c.darken(body * c.line([(vx, 200), (vx + 8, 246)], 3.5), 0.6)
    trig = c.rrect(310, 300, 332, 350, 8)
    c.shade_paint(trig, black, 0.5 + 0.8 * c.bump(trig, 5))
    sw = c.rrect(344, 268, 384, 282, 5)  # forward/reverse switch
    c.shade_paint(sw, black, 0.5 + 0.8 * c.bump(sw, 4))
    return c.image()


def draw_tape_measure(seed):
    """8 m tape measure with the blade pulled out to the right."""
    c = Canvas((236, 236, 237), (249, 249, 249), seed)
    c.contact(300, 462, 130, 9, 0.42)
    # blade: yellow, 25 mm, with cm and half-cm ticks, and a riveted end hook
    bx0, bx1, by0, by1 = 380.0, 602.0, 408.0, 434.0
    blade = c.poly([(bx0, by0), (bx1, by0), (bx1, by1), (bx0, by1)])
    c.drop_shadow(blade, 2, 10, 4, 0.3)
    cup = 1 - 0.12 * ((c.y - (by0 + by1) / 2) / 13.0) ** 2
    c.shade_paint(blade, (242, 206, 52), cup)
    ticks = []
    for i, x in enumerate(np.arange(bx0 + 2, bx1 - 6, 3.6)):
        ln = 11 if i % 10 == 0 else (7 if i % 5 == 0 else 4)
        ticks.append([(x, by0), (x, by0 + ln)])
    c.darken(c.lines(ticks, 0.8) * blade, 0.75)
    for i in range(0, 60, 10):
        x = bx0 + 2 + i * 3.6
        c.paint(c.rrect(x + 2, by0 + 14, x + 9, by0 + 21, 1) * blade, (190, 40, 36))
    hook = c.rrect(598, 398, 608, 444, 2)
    c.shade_paint(hook, (176, 178, 184), 0.6 + 0.6 * c.bump(hook, 3))
    for y in (410, 421, 432):
        c.darken(c.ellipse(594, y, 1.8, 1.8), 0.45)
    # case with rubber over-mould
    case = c.rrect(170, 196, 420, 448, 64)
    c.drop_shadow(case, 5, 9, 7, 0.3)
    c.shade_paint(case, (36, 37, 40), 0.55 + 0.75 * c.bump(case, 16))
    face = c.rrect(192, 218, 398, 426, 48)
    c.shade_paint(face, (232, 186, 36), 0.6 + 0.5 * c.bump(face, 20))
    badge = c.ellipse(295, 322, 56, 56)
    c.shade_paint(badge, (56, 57, 62), 0.6 + 0.6 * c.bump(badge, 8))
    c.lighten(badge * c.ellipse(282, 306, 36, 22, soft=10), 0.15)
    lock = c.rrect(262, 186, 318, 204, 6)
    c.shade_paint(lock, (210, 48, 40), 0.6 + 0.6 * c.bump(lock, 4))
    mouth = c.rrect(398, 404, 426, 440, 4)
    c.shade_paint(mouth, (28, 28, 30), 0.7 + 0.5 * c.bump(mouth, 4))
    return c.image()


def draw_yoga_mat(seed):
    """Rolled plum TPE yoga mat with a carry strap (drawn as a PNG)."""
    c = Canvas((234, 232, 238), (248, 247, 250), seed)
    plum, grey = (118, 58, 94), (150, 150, 156)
    cy, R = 372.0, 78.0
    xl, xr = 118.0, 478.0
    c.contact(300, cy + R + 6, 210, 12, 0.42)
    # carry strap handle above the mat
    strap = c.line([(214, cy - R + 6), (236, cy - R - 70), (300, cy - R - 96), (364, cy - R - 70),
                    (388, cy - R + 6)], 12, smooth=True)
    c.drop_shadow(strap, 2, 6, 4, 0.2)
    c.shade_paint(strap, (64, 64, 70), 0.6 + 0.6 * c.bump(strap, 4))
    body = c.poly([(xl, cy - R), (xr, cy - R), (xr, cy + R), (xl, cy + R)])
    left_end = c.ellipse(xl, cy, 34, R)
    mat = union(body, left_end)
    sh, sp = c.cyl(cy, R, amb=0.45, light=-0.55, spec=0.18, spec_at=-0.55, axis="y")
    tex = 1 + c.grain(0.03) + 0.03 * np.sin(c.x * 2.2) * np.sin(c.y * 2.2)
    c.shade_paint(mat, plum, sh * tex, sp)
    # the strap bands around the roll
    for x in (214, 388):
        band = mat * c.poly([(x - 9, cy - R - 2), (x + 9, cy - R - 2), (x + 9, cy + R + 2), (x - 9, cy + R + 2)])
        s2, p2 = c.cyl(cy, R, amb=0.4, light=-0.55, spec=0.1, axis="y")
        c.shade_paint(band, (62, 62, 68), s2, p2)
    # visible end: a spiral of plum top layer and grey underside
    end = c.ellipse(xr, cy, 36, R)
    c.paint(end, rgb(plum) * 0.92)
    dx, dy = (c.x - xr) / 36.0, (c.y - cy) / R
    rr = np.sqrt(dx * dx + dy * dy)
    th = np.arctan2(dy, dx)
    turns = 6.0
    phase = (rr * turns - th / (2 * np.pi)) % 1.0
    layer = smoothstep(0.55, 0.62, phase) * (1 - smoothstep(0.9, 0.97, phase))
    core = c.ellipse(xr, cy, 36 * 0.16, R * 0.16)
    c.paint(end * layer * (1 - core), grey)
    c.paint(core, (92, 46, 74))
    c.darken(end * (1 - c.ellipse(xr, cy, 34, R - 2, soft=2)), 0.3)
    c.lighten(end * c.ellipse(xr - 10, cy - 30, 20, 30, soft=14), 0.12)
    return c.image()


def draw_desk_organiser(seed):
    """Bamboo desk organiser with compartments, a drawer, pencils and a phone."""
    c = Canvas((236, 234, 230), (248, 247, 244), seed)
    bamboo = (214, 178, 120)
    grain = 1 + 0.06 * c.noise(60, 3) + 0.03 * np.sin(c.y * 0.9 + 4 * c.noise(30, 2)) + c.grain(0.015)
    ox, oy = 60.0, -92.0  # oblique depth offset
    fx0, fx1, fy0, fy1 = 128.0, 470.0, 344.0, 480.0
    c.contact(330, fy1 + 2, 220, 10, 0.4)
    front = c.poly([(fx0, fy0), (fx1, fy0), (fx1, fy1), (fx0, fy1)])
    top = c.poly([(fx0, fy0), (fx1, fy0), (fx1 + ox, fy0 + oy), (fx0 + ox, fy0 + oy)])
    side = c.poly([(fx1, fy0), (fx1 + ox, fy0 + oy), (fx1 + ox, fy1 + oy), (fx1, fy1)])
    c.shade_paint(side, bamboo, 0.72 * grain)
    c.shade_paint(top, bamboo, 1.08 * grain)
    # compartments (openings in the top), left to right
    cells = [(0.02, 0.30), (0.33, 0.52), (0.55, 0.74), (0.77, 0.98)]
    depths = [(0.10, 0.90)] * 4

    def topxy(a, b):  # a along the width, b into the depth
        return (fx0 + a * (fx1 - fx0) + b * ox, fy0 + b * oy)

    openings = []
    for (a0, a1), (b0, b1) in zip(cells, depths):
        pts = [topxy(a0, b0), topxy(a1, b0), topxy(a1, b1), topxy(a0, b1)]
        m = c.poly(pts)
        openings.append((pts, m))
        c.paint(m, mix((92, 70, 44), (150, 118, 76), c.lin(0, fy0 + b1 * oy, 0, fy0 + b0 * oy)))
        # back wall lit, front lip shadow
        c.lighten(m * c.poly([pts[3], pts[2], (pts[2][0], pts[2][1] + 16), (pts[3][0], pts[3][1] + 16)]), 0.35,
                  (214, 178, 120))
    # a divider splits the second compartment into two (five in all)
    c.paint(c.line([topxy(0.425, 0.10), topxy(0.425, 0.90)], 3), rgb(bamboo) * 1.05)
    # pencils in the left compartment, a phone in the narrow right slot
    pen_cols = [(214, 70, 58), (58, 112, 182), (238, 190, 60), (70, 150, 90)]
    for i, col in enumerate(pen_cols):
        bx, by = topxy(0.06 + i * 0.055, 0.35 + 0.12 * (i % 2))
        tipx, tipy = bx - 16 + i * 12, by - 150 + 12 * (i % 3)
        p = c.line([(bx, by), (tipx, tipy)], 9)
        c.shade_paint(p, col, 0.75 + 0.35 * c.bump(p, 3))
        c.paint(c.ellipse(tipx, tipy, 4.5, 4.5), (232, 206, 160))
        c.paint(c.ellipse(tipx, tipy, 1.8, 1.8), (50, 50, 50))
    ph_b = topxy(0.86, 0.5)
    phone = c.rrect(ph_b[0] - 26, ph_b[1] - 170, ph_b[0] + 30, ph_b[1], 9)
    phone = phone * (c.y < ph_b[1] + 1)
    c.shade_paint(phone, (34, 36, 40), 0.7 + 0.5 * c.bump(phone, 5))
    c.lighten(phone * c.lin(ph_b[0] - 26, ph_b[1] - 170, ph_b[0] + 30, ph_b[1] - 100) *
              (1 - c.lin(ph_b[0] - 26, ph_b[1] - 170, ph_b[0] + 30, ph_b[1] - 60)), 0.15)
    # front face with the drawer
    c.shade_paint(front, bamboo, 0.93 * grain)
    c.darken(c.line([(fx0, fy0), (fx1, fy0)], 1.5, soft=0.8), 0.15)
    dr = c.rrect(158, 372, 336, 462, 3)
    c.darken(dr * (1 - c.rrect(160, 374, 334, 460, 3)), 0.45)
    c.lighten(c.line([(160, 462), (336, 462)], 1.2, soft=0.6), 0.3)
    knob = c.ellipse(247, 417, 9, 9)
    c.drop_shadow(knob, 1, 2, 2, 0.3)
    c.shade_paint(knob, bamboo, 0.7 + 0.5 * c.bump(knob, 3))
    # clear lacquer sheen
    c.lighten(front * c.lin(fx0, fy0, fx1, fy1) * (1 - c.lin(fx0, fy0, fx1, fy1)), 0.12)
    return c.image()


def draw_lunch_box(seed):
    """Two-tier insulated stainless lunch box in cream, with a carry handle."""
    c = Canvas((236, 236, 234), (249, 249, 247), seed)
    cx, hw, T = 320.0, 128.0, 0.24
    cream, steel = (238, 230, 212), (186, 189, 194)
    c.contact(cx, 540, hw * 1.02, 12, 0.45)
    sh, sp = c.cyl(cx, hw, amb=0.5, spec=0.22, spec_w=0.14)
    s_steel, p_steel = c.cyl(cx, hw + 2, amb=0.4, spec=0.6, spec_w=0.08)

    def tier(y_top, y_bot):
        m = union(c.ellipse(cx, y_bot, hw, hw * T),
                  c.poly([(cx - hw, y_top), (cx + hw, y_top), (cx + hw, y_bot), (cx - hw, y_bot)]))
        c.shade_paint(m, cream, sh, sp)
        return m

    tier(380, 536)
    rim = union(c.ellipse(cx, 382, hw + 2, (hw + 2) * T),
                c.poly([(cx - hw - 2, 370), (cx + hw + 2, 370), (cx + hw + 2, 382), (cx - hw - 2, 382)]))
    c.shade_paint(rim, steel, s_steel, p_steel)
    tier(236, 372)
    rim2 = union(c.ellipse(cx, 240, hw + 2, (hw + 2) * T),
                 c.poly([(cx - hw - 2, 226), (cx + hw + 2, 226), (cx + hw + 2, 240), (cx - hw - 2, 240)]))
    c.shade_paint(rim2, steel, s_steel, p_steel)
    # lid
    lid_side = union(c.ellipse(cx, 226, hw + 4, (hw + 4) * T),
                     c.poly([(cx - hw - 4, 196), (cx + hw + 4, 196), (cx + hw + 4, 226), (cx - hw - 4, 226)]))
    c.shade_paint(lid_side, cream, sh * 0.96, sp)
    lid_top = c.ellipse(cx, 196, hw + 4, (hw + 4) * T)
    c.shade_paint(lid_top, cream, 1.0 + 0.06 * c.lin(cx - hw, 170, cx + hw, 220))
    c.darken(lid_top * (1 - c.ellipse(cx, 196, hw - 14, (hw - 14) * T, soft=3)) *
             c.ellipse(cx, 196, hw - 8, (hw - 8) * T), 0.06)
    # side latches on each tier joint
    for y in (226, 370):
        for s in (-1, 1):
            lt = c.rrect(cx + s * (hw - 10) - 9, y - 16, cx + s * (hw - 10) + 9, y + 22, 4)
            c.shade_paint(lt, (150, 152, 158), 0.55 + 0.7 * c.bump(lt, 3))
    # carry handle
    hd = c.line([(cx - 70, 196), (cx - 62, 150), (cx, 132), (cx + 62, 150), (cx + 70, 196)], 13, smooth=True)
    c.drop_shadow(hd * (c.y < 200), 2, 8, 4, 0.2)
    c.shade_paint(hd, steel, 0.6 + 0.6 * c.bump(hd, 4))
    for s in (-1, 1):
        pv = c.ellipse(cx + s * 70, 198, 11, 7)
        c.shade_paint(pv, (150, 152, 158), 0.6 + 0.6 * c.bump(pv, 3))
    return c.image()


def draw_cotton_tshirt(seed):
    """White crew-neck cotton T-shirt with dropped shoulders, flat lay."""
    c = Canvas((212, 214, 218), (230, 231, 234), seed)
    white = (246, 246, 244)
    body = c.shape([(220, 140), (290, 126), (350, 126), (420, 140), (470, 164), (526, 262), (464, 302),
                    (436, 270), (440, 400), (444, 540), (320, 548), (196, 540), (200, 400), (204, 270),
                    (176, 302), (114, 262), (170, 164)], n=8)
    c.drop_shadow(body, 4, 10, 9, 0.25)
    knit = 1 + 0.012 * np.sin(c.x * 3.4) + c.grain(0.012) + 0.03 * c.noise(5, 4)
    sh = (0.8 + 0.24 * c.bump(body, 10)) * knit
    c.shade_paint(body, white, sh)
    # drop-shoulder seams and sleeve hems
    for pts in ([(196, 158), (206, 272)], [(444, 158), (434, 272)]):
        c.darken(c.line(pts, 1.6, soft=1.0), 0.12)
    for pts in ([(122, 252), (176, 290)], [(518, 252), (464, 290)]):
        c.darken(c.line(pts, 1.4, soft=0.8), 0.14)
    c.darken(c.line([(204, 526), (320, 534), (436, 526)], 1.4, soft=0.8, smooth=True), 0.12)
    # neck opening: back neck inside, rib collar
    c.paint(c.ellipse(320, 146, 44, 22), (226, 226, 224))
    c.darken(c.ellipse(320, 150, 44, 20, soft=4) * c.ellipse(320, 146, 44, 22), 0.08)
    rib = c.ellipse(320, 150, 58, 32) * (1 - c.ellipse(320, 146, 44, 22))
    rib = rib * (c.y > 124)
    ribtex = 0.92 + 0.08 * np.cos(np.arctan2(c.y - 150, c.x - 320) * 70)
    c.shade_paint(rib, white, (0.82 + 0.2 * c.bump(rib, 3)) * ribtex)
    c.darken(c.line(spline([(262, 150), (290, 176), (320, 182), (350, 176), (378, 150)]), 1.2, soft=1), 0.1)
    return c.image()


def draw_hand_cream(seed):
    """50 ml aluminium hand-cream tube with a white cap, lying diagonally."""
    c = Canvas((236, 232, 226), (249, 247, 244), seed)
    cx, cy, ang = 320.0, 320.0, -28.0
    outline = [(-200, -62), (-200, 62)] + spline([(-200, 62), (-60, 56), (80, 48), (126, 42)], n=10)[1:] + \
        [(150, 22), (150, -22)] + spline([(126, -42), (80, -48), (-60, -56), (-200, -62)], n=10)
    outline = outline[:-1] + [(-200, -62)]
    tube = c.poly(rotate(outline, ang, cx, cy))
    cap = c.poly(rotate([(146, -34), (214, -34), (214, 34), (146, 34)], ang, cx, cy))
    crimp = c.poly(rotate([(-214, -64), (-190, -64), (-190, 64), (-214, 64)], ang, cx, cy))
    allm = union(tube, cap, crimp)
    c.drop_shadow(allm, 6, 14, 8, 0.28)
    u, v = c.local(cx, cy, ang)
    half = np.interp(u, [-200, -60, 80, 126, 150], [62, 56, 48, 42, 22])
    s = np.clip(v / np.maximum(half, 1), -1, 1)
    flat = np.clip((u + 200) / 330, 0, 1)  # rounder towards the shoulder
    shade = 0.78 + 0.22 * np.sqrt(np.maximum(0, 1 - s * s)) * flat + 0.1 * (-s) + \
        0.25 * np.exp(-((s + 0.45) / 0.14) ** 2) * flat
    c.shade_paint(tube, (244, 242, 236), shade)
    band = tube * (np.abs(u + 30) < 38)
    c.shade_paint(band, (150, 164, 124), shade)
    c.shade_paint(tube * (np.abs(u + 30 - 44) < 2.5), (196, 168, 96), shade)
    for uu, w in ((-110, 40), (-110, 26)):
        ln = tube * (np.abs(u - uu + (0 if w == 40 else 14)) < 2.5) * (np.abs(v) < w)
        c.shade_paint(ln, (110, 118, 96), shade, None, 0.9)
    # crimped end with ridges
    ridges = 0.85 + 0.15 * np.cos(2 * np.pi * u / 4.0)
    c.shade_paint(crimp, (214, 214, 210), ridges * (0.8 + 0.2 * (1 - np.abs(v) / 64)))
    # cap
    sc = np.clip(v / 34, -1, 1)
    cshade = 0.6 + 0.4 * np.sqrt(np.maximum(0, 1 - sc * sc)) + 0.08 * (-sc) + 0.3 * np.exp(-((sc + 0.4) / 0.12) ** 2)
    c.shade_paint(cap, (250, 250, 248), cshade * (0.96 + 0.04 * np.cos(2 * np.pi * u / 3.0)))
    c.darken(cap * (np.abs(u - 147) < 1.5), 0.3)
    return c.image()


def draw_wooden_puzzle(seed):
    """Linden-wood lion puzzle on a tray, one mane piece lifted out."""
    c = Canvas((238, 236, 232), (250, 249, 246), seed)
    cx, cy = 320.0, 316.0
    tray = c.rrect(146, 142, 494, 490, 18)
    c.drop_shadow(tray, 4, 10, 8, 0.3)
    grain = 1 + 0.05 * c.noise(3, 50) + 0.025 * np.sin(c.y * 0.7 + 5 * c.noise(20, 3)) + c.grain(0.012)
    wood = (230, 208, 168)
    c.shade_paint(tray, wood, (0.75 + 0.35 * c.bump(tray, 8)) * grain)
    well = c.rrect(170, 166, 470, 466, 10)
    c.shade_paint(well, wood, 0.9 * grain)
    c.darken(well * (1 - c.rrect(170, 166, 470, 466, 10, soft=3)), 0.25)
    # the lion: mane petals, face, ears, features
    mane = c.ellipse(cx, cy, 118, 118)
    for i in range(14):
        a = 2 * math.pi * i / 14
        mane = np.maximum(mane, c.ellipse(cx + 118 * math.cos(a), cy + 118 * math.sin(a), 24, 24))
    face = c.ellipse(cx, cy + 6, 78, 72)
    ears = union(c.ellipse(cx - 62, cy - 56, 20, 20), c.ellipse(cx + 62, cy - 56, 20, 20))
    paint = 1 + c.grain(0.01)
    c.shade_paint(mane, (222, 126, 48), 0.98 * grain * paint)
    c.shade_paint(ears, (236, 186, 80), grain)
    c.shade_paint(face, (240, 200, 92), grain)
    for s in (-1, 1):
        c.paint(c.ellipse(cx + s * 28, cy - 8, 8, 9), (44, 32, 28))
        c.lighten(c.ellipse(cx + s * 28 - 2, cy - 11, 2.4, 2.4), 0.8)
        c.paint(c.ellipse(cx + s * 38, cy + 38, 14, 9), (250, 226, 160))
    c.paint(c.poly(spline([(cx - 14, cy + 22), (cx + 14, cy + 22), (cx, cy + 38)], True, 6)), (110, 60, 44))
    c.paint(c.line([(cx, cy + 38), (cx, cy + 50), (cx - 12, cy + 58)], 2.2) +
            c.line([(cx, cy + 50), (cx + 12, cy + 58)], 2.2), (110, 60, 44))
    # cut lines: the face, and the mane split into six wedges
    cuts = [spline([(cx + 80 * math.cos(a), cy + 6 + 74 * math.sin(a)) for a in np.linspace(0, 2 * math.pi, 13)[:-1]],
                   True, 6)]
    cuts[0].append(cuts[0][0])
    for i in range(6):
        a = 2 * math.pi * i / 6 + 0.3
        cuts.append([(cx + 80 * math.cos(a), cy + 6 + 74 * math.sin(a)), (cx + 150 * math.cos(a), cy + 150 * math.sin(a))])
    lion = union(mane, face, ears)
    c.darken(c.lines(cuts, 1.2) * lion, 0.4)
    # lift one mane wedge (between two cut angles) out of the tray
    a0, a1 = 2 * math.pi * 1 / 6 + 0.3, 2 * math.pi * 2 / 6 + 0.3
    wedge = c.poly([(cx, cy)] + [(cx + 200 * math.cos(a), cy + 200 * math.sin(a)) for a in np.linspace(a0, a1, 12)])
    pm = mane * wedge * (1 - c.ellipse(cx, cy + 6, 80, 74))
    dx, dy = 96, 118
    moved = np.roll(np.roll(pm, dy * SS, axis=0), dx * SS, axis=1)
    moved_rgb = np.roll(np.roll(c.rgb, dy * SS, axis=0), dx * SS, axis=1)
    c.paint(pm, rgb(wood) * 0.78 * grain[..., None])
    c.darken(pm * (1 - blur(pm, 3 * SS)), 0.4)
    c.drop_shadow(moved, 4, 9, 5, 0.35)
    c.paint(moved, moved_rgb)
    c.darken(moved * (1 - blur(moved, 1.5 * SS)), 0.3)
    return c.image()


# --------------------------------------------------------------------------
# catalogue of images
# --------------------------------------------------------------------------

# file name -> (drawing function, seed)
IMAGES = {
    "chef_knife.jpg": (draw_chef_knife, 101),
    "cast_iron_skillet.jpg": (draw_skillet, 102),
    "linen_shirt.jpg": (draw_linen_shirt, 103),
    "wool_beanie.jpg": (draw_wool_beanie, 104),
    "face_moisturiser.png": (draw_face_moisturiser, 105),
    "lip_balm.jpg": (draw_lip_balm, 106),
    "building_blocks.jpg": (draw_building_blocks, 107),
    "jigsaw_puzzle.jpg": (draw_jigsaw_puzzle, 108),
    "cordless_drill.jpg": (draw_cordless_drill, 109),
    "tape_measure.jpg": (draw_tape_measure, 110),
    "yoga_mat.png": (draw_yoga_mat, 111),
    "desk_organiser.jpg": (draw_desk_organiser, 112),
    "lunch_box.jpg": (draw_lunch_box, 113),
    "cotton_tshirt.jpg": (draw_cotton_tshirt, 114),
    "hand_cream.jpg": (draw_hand_cream, 115),
    "wooden_puzzle.jpg": (draw_wooden_puzzle, 116),
}


def save(im: Image.Image, path: str) -> None:
    im = im.convert("RGB")
    if path.endswith(".png"):
        im.save(path, format="PNG", optimize=True)  # no text chunks or timestamps
    else:
        im.save(path, format="JPEG", quality=JPEG_QUALITY, optimize=True)


def main(argv) -> int:
    os.makedirs(OUT_DIR, exist_ok=True)
    wanted = [a.lower() for a in argv]
    for name, (fn, seed) in IMAGES.items():
        if wanted and not any(w in name for w in wanted):
            continue
        path = os.path.join(OUT_DIR, name)
        save(fn(seed), path)
        im = Image.open(path)
        print(f"{name:24s} {im.size[0]}x{im.size[1]} {im.mode:4s} {os.path.getsize(path) / 1024:6.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
