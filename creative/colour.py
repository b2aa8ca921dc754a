"""Colour helpers: hex parsing, HSL, CIE L*a*b*, and WCAG 2.x relative luminance and contrast ratio."""

from __future__ import annotations

import colorsys

import numpy as np

RGB = tuple[int, int, int]

AA_NORMAL = 4.5  # WCAG 2.x minimum contrast for normal-size text


def parse_hex(value: str) -> RGB:
    """'#1a2b3c', '1a2b3c' or '#abc' -> (26, 43, 60); a clear error for anything else."""
    s = value.strip().lstrip("#")
    if len(s) == 3:
        s = "".join(c * 2 for c in s)
    if len(s) != 6 or any(c not in "0123456789abcdefABCDEF" for c in s):
        raise ValueError(f"not a hex colour: {value!r} (expected like '#1a2b3c')")
    return int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16)


def to_hex(rgb: RGB | np.ndarray) -> str:
    r, g, b = (int(np.clip(round(float(c)), 0, 255)) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def to_hls(rgb: RGB) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb))


def from_hls(h: float, l: float, s: float) -> RGB:  # noqa: E741 - HLS is the standard name
    r, g, b = colorsys.hls_to_rgb(h % 1.0, float(np.clip(l, 0, 1)), float(np.clip(s, 0, 1)))
    return round(r * 255), round(g * 255), round(b * 255)


_c = np.arange(256) / 255.0
# sRGB -> linear for every 8-bit value (WCAG 2.x; the 0.04045 knee of IEC 61966-2-1)
_LINEAR = np.where(_c <= 0.04045, _c / 12.92, ((_c + 0.055) / 1.055) ** 2.4)
_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB values 0..255 (last axis: R, G, B). 8-bit pixels go
    through a lookup table (the same numbers, without a power per pixel)."""
    a = np.asarray(rgb)
    if a.dtype == np.uint8:
        return _LINEAR[a] @ _WEIGHTS
    c = a.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ _WEIGHTS


def contrast_ratio(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """(L1 + 0.05) / (L2 + 0.05) of two relative luminances (L1 the lighter); 1 .. 21."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def worst_contrast(colour: RGB, pixels: np.ndarray) -> float:
    """The lowest contrast between a text colour and any pixel behind it: the worst case."""
    px = pixels.reshape(-1, pixels.shape[-1])[:, :3]
    if px.size == 0:
        return 21.0
    text = float(relative_luminance(np.array(colour)))
    # the worst pixel is the one closest in luminance to the text, from below or from above
    lum = relative_luminance(px)
    below, above = lum[lum <= text], lum[lum >= text]
    nearest = ([below.max()] if below.size else []) + ([above.min()] if above.size else [])
    return float(contrast_ratio(text, np.array(nearest)).min())


def to_lab(rgb: RGB) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour: distances there follow what people call similar."""
    c = np.asarray(rgb, dtype=np.float64) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    t = xyz / np.array([0.95047, 1.0, 1.08883])  # relative to the D65 white
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])
