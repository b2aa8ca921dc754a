"""Typesetting: fitting a stack of copy (headline, subline, button) into its region.

Text is spelled exactly as given, with exceptions that are always recorded in the layer's
`changes` (and, for characters, in `missing`, which flags the banner):

- characters no installed font can draw are removed, never drawn as tofu boxes;
- emoji are drawn in colour when a colour emoji font is installed (fontconfig), else removed;
- copy too long for its region at the smallest readable size is shortened with an ellipsis;
- a long word (a model code) is broken between characters rather than shrinking the stack.

Shaping, bidi, fonts and line breaking: `creative.compose.shaping` and `creative.compose.fonts`.
Sizes are found with few trial layouts: every piece of text between two break points is measured
once at a reference size (shared by all banner sizes), the search runs on those widths scaled to
each candidate size, and only the chosen size is laid out exactly (stepping down when the exact
layout does not fit, which the small slack in the estimates makes rare).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from creative import data
from creative.compose import fonts as F
from creative.compose.fonts import BOLD, REGULAR, FontNotFoundError  # noqa: F401 - re-exported
from creative.compose.shaping import LineBox, Shaped, clean, clusters, ellipsize, layout_line, line_of, shape, wrap
from creative.compose.spec import TextBlock, TextLayer
from creative.inputs.brand import BrandKit

_NO_LINE_END = set(data.load("fonts")["breaking"]["no_line_end"])
_NO_LINE_START_SET = set(data.load("fonts")["breaking"]["no_line_start"])
_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def brand_font(text: str, weight: str, brand: BrandKit | None) -> str | None:
    """The brand kit's font for this text (a path or a family name), or None."""
    if brand is None:
        return None
    if has_cjk(text) and brand.font_cjk:
        return brand.font_cjk
    return brand.font_headline if weight == "bold" else brand.font_body


@dataclass
class Prepared:
    """A layer's text, cleaned and itemised once (the same for every size tried)."""

    layer: TextLayer
    paragraph: Shaped
    weight: int
    brand: str | None


def prepare(layer: TextLayer, brand: BrandKit | None, language: str) -> Prepared | None:
    """Clean and itemise a layer's text, recording every change on the layer."""
    weight = BOLD if layer.weight == "bold" else REGULAR
    text, notes = clean(layer.text, colour_emoji=F.emoji_face() is not None)
    own = brand_font(text, layer.weight, brand)
    paragraph = shape(text, weight, language, own) if text else None
    if paragraph is not None and paragraph.missing:
        notes.append(f"characters no installed font can draw, removed: {paragraph.missing}")
    if paragraph is not None and paragraph.unshaped:
        notes.append(f"drawn without shaping (Pillow has no Raqm layout): {paragraph.unshaped}")
    layer.changes = notes
    layer.missing = paragraph.missing if paragraph else ""
    layer.unshaped = paragraph.unshaped if paragraph else ""
    if paragraph is None or not paragraph.text:
        return None
    primary = paragraph.primary or (paragraph.spans[0].face if paragraph.spans else None)
    if primary is None:
        raise FontNotFoundError(f"no installed font can draw {layer.role!r}: reinstall creative's font packages (pip install fontpkg-noto-sans)")
    layer.font, layer.font_index = primary.path, primary.index
    layer.fonts = list(dict.fromkeys(s.face.label for s in paragraph.spans))
    layer.direction = "rtl" if paragraph.rtl else "ltr"
    return Prepared(layer, paragraph, weight, own)


# -- fitting a block --------------------------------------------------------------------


@dataclass
class Placed:
    layer: TextLayer
    size: int
    lines: list[LineBox]
    x: int  # left of the text block (button for the CTA)
    y: int  # top of the first line box
    w: int
    h: int
    line_pitch: int
    ascent: int  # first baseline below the top of the line box
    rtl: bool
    pad_x: int = 0  # CTA: text inset inside the button
    pad_y: int = 0
    broke_word: bool = False
    shortened: bool = False

    @property
    def line_widths(self) -> list[int]:
        return [line.width for line in self.lines]


def _estimate_metrics(paragraph: Shaped, size: int) -> tuple[int, int]:
    """Ascent and descent of the faces a paragraph uses, at a size (font metrics scale linearly)."""
    asc = desc = 0
    for face in {s.face for s in paragraph.spans}:
        font = F.load(face, 100)
        a, d = font.getmetrics()
        scale = 100 / face.strike if face.strike else 1.0
        asc, desc = max(asc, a * scale), max(desc, d * scale)
    return math.ceil(asc * size / 100), math.ceil(desc * size / 100)


def _measure(prep: Prepared, size: int, width: int, *, shorten: bool, exact: bool) -> Placed | None:
    layer = prep.layer
    is_cta = layer.role == "cta"
    pad_x, pad_y = (round(size * 1.1), round(size * 0.55)) if is_cta else (0, 0)
    avail = width - 2 * pad_x
    if avail < size:
        return None
    # Line breaks from the estimated widths; an exact pass only when a measured line overflows.
    wrapped = wrap(prep.paragraph, size, avail, weight=prep.weight, brand=prep.brand, exact=False, break_words=shorten)
    if exact and wrapped is not None and any(layout_line(line_of(prep.paragraph, t, prep.weight, prep.brand), size).width > avail for t in wrapped.lines):
        wrapped = wrap(prep.paragraph, size, avail, weight=prep.weight, brand=prep.brand, exact=True, break_words=shorten)
    if wrapped is None or not wrapped.lines:
        return None
    texts = _no_orphan(wrapped.lines)
    if shorten:
        texts = ellipsize(prep.paragraph, texts, size, avail, layer.max_lines, weight=prep.weight, brand=prep.brand)
    if len(texts) > layer.max_lines:
        return None
    pitch = round(size * layer.line_height)
    if not exact:
        asc, desc = _estimate_metrics(prep.paragraph, size)
        h = asc + desc + (len(texts) - 1) * pitch + 2 * pad_y
        return Placed(layer, size, [], 0, 0, avail + 2 * pad_x, h, pitch, asc, prep.paragraph.rtl, pad_x, pad_y, wrapped.broke_word)
    lines = [layout_line(line_of(prep.paragraph, t, prep.weight, prep.brand), size) for t in texts]
    if max(line.width for line in lines) > avail:
        return None
    # Tall scripts (Devanagari, Thai, Arabic marks) need more than the Latin line height: lines
    # move apart until no line's glyphs reach into the next one's.
    gap = max(1, round(size * 0.06))
    pitch = max([pitch] + [a.ink[3] - b.ink[1] + gap for a, b in zip(lines, lines[1:])])
    asc = max(line.ascent for line in lines)
    desc = max(line.descent for line in lines)
    h = asc + desc + (len(lines) - 1) * pitch + 2 * pad_y
    w = max(line.width for line in lines) + 2 * pad_x
    return Placed(layer, size, lines, 0, 0, w, h, pitch, asc, prep.paragraph.rtl, pad_x, pad_y, wrapped.broke_word, texts != wrapped.lines)


def _no_orphan(lines: list[str]) -> list[str]:
    """A last line of a single CJK character ("蓝牙耳" / "机") takes one more from the line
    above: one character alone on a line reads as a mistake (never a kinsoku character)."""
    if len(lines) < 2 or len(lines[-1]) != 1 or not has_cjk(lines[-1]):
        return lines
    prev = clusters(lines[-2])
    if len(prev) < 3 or not has_cjk(prev[-1]) or prev[-1] in _NO_LINE_END or lines[-1] in _NO_LINE_START_SET:
        return lines
    return lines[:-2] + ["".join(prev[:-1]).rstrip(" "), prev[-1] + lines[-1]]


def fit_block(block: TextBlock, brand: BrandKit | None, max_size: int | None = None, language: str = "en") -> list[Placed]:
    """Choose sizes, wrap and position every layer of a block inside its region.

    The largest headline size whose stack fits (the others follow the typography ratios) is
    found on estimated widths, then laid out exactly. When even the smallest size does not fit,
    the subline is left out, then the button (never shortened: it reads whole or not at all),
    then the text is shortened with an ellipsis; what happened is
    recorded on the layers and in `block.left_out`. The block's inputs are not changed:
    rendering a spec again (after a copy edit) starts from the same place. `max_size` caps the
    headline below `block.max_size`.
    """
    typo = data.load("layouts")["typography"]
    region = block.region
    block.left_out = []
    for layer in block.layers:  # a layer that is not placed this time shows nothing
        layer.lines, layer.size, layer.ink, layer.line_boxes, layer.changes, layer.missing, layer.unshaped = [], 0, None, [], [], "", ""
    layers = [layer for layer in block.layers if layer.text.strip() and layer.role not in block.dropped]
    prepared: dict[str, Prepared] = {}
    for layer in layers:
        prep = prepare(layer, brand, language)
        if prep is not None:
            prepared[layer.role] = prep
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

    def attempt(head: int, roles: list[str], shorten: bool, exact: bool) -> list[Placed] | None:
        placed = []
        for role in roles:
            p = _measure(prepared[role], sizes(head)[role], region.w, shorten=shorten, exact=exact)
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
        floor = lo
        hi, best = max(lo, min(block.max_size, max_size or block.max_size)), None
        while lo <= hi:  # on estimated widths: no font work per trial
            mid = (lo + hi) // 2
            if attempt(mid, roles, shorten, exact=False) is not None:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best is None:
            return None
        for head in range(best, max(floor, best - 6) - 1, -1):  # exact layout, a step down if needed
            got = attempt(head, roles, shorten, exact=True)
            if got is not None:
                return got
        return None

    roles = list(prepared)
    placed = search(roles, False)
    if placed is None and "subline" in roles and len(roles) > 1:
        roles.remove("subline")
        block.left_out.append("subline")
        prepared["subline"].layer.changes.append("left out: no room at a readable size")
        placed = search(roles, False)
    if placed is None and "cta" in roles:
        # a button reads whole or not at all ("View…" is no call to action): the banner itself
        # is the link, so the button is left out
        roles.remove("cta")
        block.left_out.append("cta")
        prepared["cta"].layer.changes.append("left out: the button's words do not fit whole")
        placed = search(roles, False) if roles else None
        if not roles:
            return []
    if placed is None:
        placed = search(roles, True)
    if placed is None:
        # Below the readable minimum: the region itself is tiny. Shrink until one line fits.
        for size in range(min_px - 1, 3, -1):
            min_px = size
            placed = attempt(size, roles[:1], True, exact=True)
            if placed is not None:
                placed[0].layer.changes.append(f"set at {size}px, below the readable minimum")
                break
    if placed is None:
        return []
    for p in placed:
        if p.broke_word:
            p.layer.changes.append("a long word was broken across lines")
        if p.shortened:
            p.layer.changes.append("shortened to fit (ellipsis)")
    _position(placed, block, round(placed[0].size * typo["gap_ratio"]))
    for p in placed:
        p.layer.size, p.layer.lines = p.size, [line.text for line in p.lines]
        p.layer.changes = list(dict.fromkeys(p.layer.changes))
    return placed


def _position(placed: list[Placed], block: TextBlock, gap: int) -> None:
    region = block.region
    total = sum(p.h for p in placed) + gap * (len(placed) - 1)
    y = region.y + (max(0, region.h - total) // 2 if block.valign == "center" else 0)
    for p in placed:
        p.y = y
        if block.align == "center" or p.layer.role == "cta":
            p.x = region.x + (region.w - p.w) // 2
        else:  # "left" is the start side: right-to-left text starts at the right
            p.x = region.right - p.w if p.rtl else region.x
        y += p.h + gap


def line_origins(p: Placed, align: str) -> list[tuple[int, int]]:
    """Where each line is drawn: (x of the line's start, y of its baseline)."""
    inner = p.w - 2 * p.pad_x
    out = []
    for i, line in enumerate(p.lines):
        width = line.width
        if align == "center" or p.layer.role == "cta":
            dx = (inner - width) // 2
        else:
            dx = inner - width if p.rtl else 0
        left = min(line.ink[0], 0)  # ink left of the origin (a negative bearing) stays in the box
        out.append((p.x + p.pad_x + dx - left, p.y + p.pad_y + p.ascent + i * p.line_pitch))
    return out
