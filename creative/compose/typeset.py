"""Typesetting: fonts, clean text, wrapping, and fitting a stack of copy into its region.

Text is spelled exactly as given, with two exceptions that are always recorded in the layer's
`changes`: characters no available font can draw are removed (never drawn as tofu boxes), and
copy too long for its region at the smallest readable size is shortened with an ellipsis.

Emoji are always removed. A colour emoji font is rarely installed on servers (CI has none),
Pillow draws colour emoji only from bitmap fonts at one fixed size, and a missing glyph draws
a box. Removing them keeps the line clean; the metadata lists what was removed.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from creative import data
from creative.compose.spec import TextBlock, TextLayer
from creative.inputs.brand import BrandKit


class FontNotFoundError(RuntimeError):
    """No installed font can draw this text (say which package to install)."""


# -- fonts ----------------------------------------------------------------------------


def _font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts", home / ".local/share/fonts"]
    if sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    if os.name == "nt":
        dirs.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
    extra = os.environ.get("CREATIVE_FONT_DIRS", "")
    return [Path(p) for p in extra.split(os.pathsep) if p] + dirs


@lru_cache(maxsize=1)
def _installed_fonts() -> dict[str, Path]:
    """File name (lower case) -> path of every font file under the usual folders (walked once)."""
    found: dict[str, Path] = {}
    for root in _font_dirs():
        if not root.is_dir():
            continue
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name.lower().endswith((".ttf", ".otf", ".ttc")):
                    found.setdefault(name.lower(), Path(dirpath) / name)
    return found


@dataclass(frozen=True)
class FontChoice:
    path: str
    index: int = 0  # face inside a .ttc collection


@lru_cache(maxsize=None)
def system_font(kind: str) -> FontChoice | None:
    """The first installed font of a kind in layouts.toml [fonts] (latin_bold, cjk_regular, ...)."""
    fonts = _installed_fonts()
    for name in data.load("layouts")["fonts"][kind]:
        path = fonts.get(name.lower())
        if path is not None:
            return FontChoice(str(path), _simplified_chinese_face(str(path)) if kind.startswith("cjk") else 0)
    return None


@lru_cache(maxsize=None)
def _simplified_chinese_face(path: str) -> int:
    """Noto Sans CJK collections hold JP, KR, SC, TC, HK faces; Chinese copy wants SC glyph forms."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if family.endswith(" SC") or "SC " in family:
            return index
    return 0


@lru_cache(maxsize=256)
def load_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


_NOTDEF_PROBE = "\U0010fffd"  # a private-use code point no real font maps


@lru_cache(maxsize=20000)
def covers(choice: FontChoice, ch: str) -> bool:
    """Does the font have a glyph for `ch`? (A missing glyph renders as the font's notdef box.)"""
    if ch.isspace():
        return True
    font = load_font(choice.path, choice.index, 24)
    mask, probe = font.getmask(ch), font.getmask(_NOTDEF_PROBE)
    return not (mask.size == probe.size and bytes(mask) == bytes(probe))


_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def choose_font(text: str, weight: str, brand: BrandKit | None) -> FontChoice:
    """The brand's font when it can draw the text, else a good system font for the script.
    Chinese needs a CJK font: without one this raises (naming the package), never draws tofu."""
    cjk = has_cjk(text)
    kind = f"{'cjk' if cjk else 'latin'}_{'bold' if weight == 'bold' else 'regular'}"
    if brand is not None:
        own = brand.font_cjk if cjk else (brand.font_headline if weight == "bold" else brand.font_body)
        if own:
            choice = FontChoice(own, _simplified_chinese_face(own) if cjk else 0)
            if all(covers(choice, ch) for ch in strip_emoji(text)[0]):
                return choice
    choice = system_font(kind)
    if choice is None and cjk:
        package = data.load("layouts")["fonts"]["cjk_package"]
        raise FontNotFoundError(
            f"Chinese text needs a CJK font and none is installed: install {package} "
            f"(Debian/Ubuntu: apt-get install {package}) or set fonts.cjk in the brand kit"
        )
    if choice is None:
        choice = system_font("latin_bold") or system_font("latin_regular")
    if choice is None:
        package = data.load("layouts")["fonts"]["latin_package"]
        raise FontNotFoundError(f"no usable font found: install {package} or set fonts in the brand kit")
    return choice


# -- cleaning -------------------------------------------------------------------------

# Emoji code points and the joiners, selectors and modifiers that build emoji sequences.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\u200d\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f"
    "\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]"
)
_SPACES = re.compile(r"[^\S\u00a0]+")  # no-break spaces are kept: they bind words


def strip_emoji(text: str) -> tuple[str, list[str]]:
    removed = _EMOJI.findall(text)
    return _SPACES.sub(" ", _EMOJI.sub(" ", text)).strip(), removed


def clean_for_font(text: str, choice: FontChoice) -> tuple[str, list[str]]:
    """Text the font can draw, and a note per kind of change (empty when the text is exact)."""
    out, emoji = strip_emoji(text)
    notes = []
    visible = [e for e in emoji if e not in "\u200d\ufe0e\ufe0f\u20e3" and not "\U0001f3fb" <= e <= "\U0001f3ff"]
    if visible:
        notes.append(f"emoji removed (no colour emoji font): {''.join(visible)}")
    missing = sorted({ch for ch in out if not covers(choice, ch)})
    if missing:
        out = _SPACES.sub(" ", "".join(" " if ch in missing else ch for ch in out)).strip()
        notes.append(f"characters the font cannot draw removed: {''.join(missing)}")
    return out, notes


# -- wrapping -------------------------------------------------------------------------

# Tokens: breakable spaces, single CJK characters, runs of anything else (a no-break space
# U+00A0 keeps "upper · €89" together).
_TOKEN = re.compile(r"[^\S\u00a0]+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+(?:\u00a0+[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+)*")
# Chinese line-breaking rule (kinsoku): these never start a line.
_NO_LINE_START = set("，。！？、；：）」』】》〉…·,.!?;:)]}%")


def line_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    """Horizontal extent of the ink and advance, whichever is wider (bearings included)."""
    if not text:
        return 0
    left, _, right, _ = font.getbbox(text)
    return int(max(right, font.getlength(text)) - min(left, 0) + 0.999)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, *, split_words: bool = True) -> list[str] | None:
    """Greedy wrapping: between words for Latin text, between characters for Chinese (keeping
    punctuation off the start of a line). A word wider than the line is split by characters,
    or, with split_words=False, the text does not fit (None): a smaller size is better."""
    lines: list[str] = []
    cur = ""
    space = False
    for tok in _TOKEN.findall(text):
        if tok.isspace() and "\u00a0" not in tok:
            space = bool(cur)
            continue
        sep = " " if space and cur else ""  # a space in the copy stays a space, in Chinese too
        space = False
        candidate = cur + sep + tok
        if line_width(font, candidate) <= width:
            cur = candidate
            continue
        if cur:
            if tok[0] in _NO_LINE_START and len(cur) > 1 and has_cjk(cur[-1]):
                lines.append(cur[:-1])
                cur = cur[-1]
                candidate = cur + tok
                if line_width(font, candidate) <= width:
                    cur = candidate
                    continue
            lines.append(cur)
        cur = ""
        if not split_words and line_width(font, tok) > width:
            return None
        for ch in tok:  # a token wider than the line: split it by characters
            if cur and line_width(font, cur + ch) > width:
                lines.append(cur)
                cur = ""
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def ellipsize(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Wrap into at most `max_lines`, ending the last with '…' where text had to be cut."""
    lines = wrap(text, font, width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max_lines - 1]
    last = lines[max_lines - 1]
    while last and line_width(font, last.rstrip() + "…") > width:
        last = last[:-1]
    return kept + [(last.rstrip(" ,.;:，。、") + "…") if last else "…"]


# -- fitting a block --------------------------------------------------------------------


@dataclass
class Placed:
    layer: TextLayer
    font: ImageFont.FreeTypeFont
    size: int
    lines: list[str]
    x: int  # left of the text block (button for the CTA)
    y: int  # top of the first line box
    w: int
    h: int
    line_pitch: int
    line_widths: list[int]
    pad_x: int = 0  # CTA: text inset inside the button
    pad_y: int = 0


def _line_box_height(font: ImageFont.FreeTypeFont, n: int, pitch: int) -> int:
    ascent, descent = font.getmetrics()
    return ascent + descent + (n - 1) * pitch


def _measure(layer: TextLayer, text: str, choice: FontChoice, size: int, width: int, *, shorten: bool) -> Placed | None:
    font = load_font(choice.path, choice.index, size)
    is_cta = layer.role == "cta"
    pad_x, pad_y = (round(size * 1.1), round(size * 0.55)) if is_cta else (0, 0)
    avail = width - 2 * pad_x
    if avail < size:
        return None
    lines = ellipsize(text, font, avail, layer.max_lines) if shorten else wrap(text, font, avail, split_words=False)
    if not lines or len(lines) > layer.max_lines:
        return None
    widths = [line_width(font, line) for line in lines]
    if max(widths) > avail:
        return None
    pitch = round(size * layer.line_height)
    h = _line_box_height(font, len(lines), pitch) + 2 * pad_y
    return Placed(layer, font, size, lines, 0, 0, max(widths) + 2 * pad_x, h, pitch, widths, pad_x, pad_y)


def fit_block(block: TextBlock, brand: BrandKit | None, max_size: int | None = None) -> list[Placed]:
    """Choose sizes, wrap and position every layer of a block inside its region.

    Binary search on the headline size (the others follow the typography ratios) for the largest
    stack that fits. When even the smallest size does not fit, the subline is left out, then the
    text is shortened with an ellipsis; what happened is recorded on the layers and in
    `block.left_out`. The block's inputs are not changed: rendering a spec again (after a copy
    edit) starts from the same place. `max_size` caps the headline below `block.max_size`.
    """
    typo = data.load("layouts")["typography"]
    region = block.region
    block.left_out = []
    for layer in block.layers:  # a layer that is not placed this time shows nothing
        layer.lines, layer.size, layer.ink, layer.changes = [], 0, None, []
    layers = [layer for layer in block.layers if layer.text.strip() and layer.role not in block.dropped]
    prepared = {}
    for layer in layers:
        choice = choose_font(layer.text, layer.weight, brand)
        text, notes = clean_for_font(layer.text, choice)
        layer.font, layer.font_index, layer.changes = choice.path, choice.index, notes
        if text:
            prepared[layer.role] = (layer, text, choice)
        else:
            layer.lines, layer.size, layer.ink = [], 0, None
    lead = next(iter(prepared), None)
    if lead is None:
        return []
    min_px = block.min_size

    def sizes(head: int) -> dict[str, int]:
        # Subline and button follow the headline by ratio, but on small banners they stay at a
        # readable floor (up to 80% of the headline) rather than shrink with it.
        out = {}
        for role in prepared:
            if role == lead:
                out[role] = head
                continue
            floor = typo["subline_min_px"] if role == "subline" else typo["cta_min_px"]
            out[role] = max(min_px, round(head * typo[f"{role}_ratio"]), min(floor, round(head * 0.8)))
        return out

    def attempt(head: int, roles: list[str], shorten: bool) -> list[Placed] | None:
        placed = []
        for role in roles:
            layer, text, choice = prepared[role]
            size = sizes(head)[role]
            p = _measure(layer, text, choice, size, region.w, shorten=shorten)
            if p is None:
                return None
            placed.append(p)
        gap = round(head * typo["gap_ratio"])
        if sum(p.h for p in placed) + gap * (len(placed) - 1) > region.h:
            return None
        return placed

    def search(roles: list[str], shorten: bool) -> list[Placed] | None:
        # With a subline, the headline starts where the subline is readable (its floor is 80%
        # of the headline): from there on, fitting only gets harder as sizes grow.
        lo = max(min_px, math.ceil(typo["subline_min_px"] / 0.8)) if "subline" in roles and lead != "subline" else min_px
        hi, best = max(lo, min(block.max_size, max_size or block.max_size)), None
        while lo <= hi:
            mid = (lo + hi) // 2
            got = attempt(mid, roles, shorten)
            if got is not None:
                best, lo = got, mid + 1
            else:
                hi = mid - 1
        return best

    roles = list(prepared)
    placed = search(roles, False)
    if placed is None and "subline" in roles and len(roles) > 1:
        roles.remove("subline")
        block.left_out.append("subline")
        prepared["subline"][0].changes.append("left out: no room at a readable size")
        placed = search(roles, False)
    if placed is None:
        placed = search(roles, True)
        if placed is not None:
            for p in placed:
                if p.lines and p.lines[-1].endswith("…") and not prepared[p.layer.role][1].endswith("…"):
                    p.layer.changes.append("shortened to fit (ellipsis)")
    if placed is None:
        # Below the readable minimum: the region itself is tiny. Shrink until one line fits.
        for size in range(min_px - 1, 3, -1):
            min_px = size
            placed = attempt(size, roles[:1], True)
            if placed is not None:
                placed[0].layer.changes.append(f"set at {size}px, below the readable minimum")
                break
    if placed is None:
        return []
    _position(placed, block, round(placed[0].size * typo["gap_ratio"]))
    for p in placed:
        p.layer.size, p.layer.lines = p.size, p.lines
    return placed


def _position(placed: list[Placed], block: TextBlock, gap: int) -> None:
    region = block.region
    total = sum(p.h for p in placed) + gap * (len(placed) - 1)
    y = region.y + (max(0, region.h - total) // 2 if block.valign == "center" else 0)
    for p in placed:
        p.y = y
        p.x = region.x + ((region.w - p.w) // 2 if block.align == "center" else 0)
        y += p.h + gap
