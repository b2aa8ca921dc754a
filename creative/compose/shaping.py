"""Text shaping for banners: itemise into runs, order them, break lines, measure, draw.

A paragraph of copy is split into grapheme clusters (UAX #29, uniseg), each cluster gets its
script (fontTools' Unicode data; digits, spaces and punctuation follow their neighbours), runs of
one script are set in the first face of that script's fallback chain (fonts.toml) that covers
them, preferring the paragraph's main face so a line stays in one font where it can. Bidi levels
come from FriBiDi, the same library Raqm uses; runs are drawn in visual order, each through
Raqm (HarfBuzz) with its direction and language, so Arabic joins, Hebrew reads right to left,
Devanagari and Thai are shaped, and a CJK run gets its locale's glyph forms. A line set in one
face is drawn with a single Raqm call, exactly as Pillow would draw it.

Lines break where UAX #14 allows (uniseg), tailored with CJK kinsoku (fonts.toml [breaking]);
a long word (a model code) breaks between characters instead of shrinking the whole stack.

Nothing is dropped silently: a character no face covers is removed and reported in `missing`,
and emoji without a colour emoji font are removed by `clean`, which says so.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from creative import data
from creative.compose import fonts as F
from creative.compose.fonts import Face

REF_SIZE = 100  # px: widths are measured once at this size and scaled to estimate others
SLACK = 1.015  # estimates leave this much room for kerning and hinting at the real size

# Emoji code points and the joiners, selectors and modifiers that build emoji sequences.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\u200d\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f"
    "\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]"
)
_EMOJI_BASE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]")
_SPACES = re.compile(r"[^\S\u00a0]+")  # no-break spaces are kept: they bind words


# -- bidi (FriBiDi, as Raqm uses) -----------------------------------------------------------

_PAR_LTR, _PAR_RTL, _PAR_ON = 0x110, 0x111, 0x40  # fribidi-bidi-types.h: FRIBIDI_PAR_*


@lru_cache(maxsize=1)
def _fribidi():
    for name in ("libfribidi.so.0", "libfribidi.0.dylib", "libfribidi-0.dll", "fribidi-0.dll", "libfribidi.so"):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        return None
    u32 = ctypes.POINTER(ctypes.c_uint32)
    lib.fribidi_get_bidi_types.argtypes = [u32, ctypes.c_int, u32]
    lib.fribidi_get_bracket_types.argtypes = [u32, ctypes.c_int, u32, u32]
    lib.fribidi_get_par_embedding_levels_ex.argtypes = [u32, u32, ctypes.c_int, u32, ctypes.POINTER(ctypes.c_int8)]
    lib.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_int8
    return lib


def bidi_levels(text: str, rtl: bool | None) -> tuple[int, ...]:
    """UAX #9 embedding level of every character (odd: right to left), for a paragraph whose
    direction is given (rtl True/False) or found from its first strong character (None)."""
    n = len(text)
    lib = _fribidi()
    if lib is None or n == 0:
        return (1 if rtl else 0,) * n
    chars = (ctypes.c_uint32 * n)(*map(ord, text))
    types = (ctypes.c_uint32 * n)()
    brackets = (ctypes.c_uint32 * n)()
    levels = (ctypes.c_int8 * n)()
    lib.fribidi_get_bidi_types(chars, n, types)
    lib.fribidi_get_bracket_types(chars, n, types, brackets)
    par = ctypes.c_uint32(_PAR_ON if rtl is None else (_PAR_RTL if rtl else _PAR_LTR))
    if lib.fribidi_get_par_embedding_levels_ex(types, brackets, n, ctypes.byref(par), levels) == 0:
        return (1 if rtl else 0,) * n
    return tuple(levels)


def reorder(levels: list[int]) -> list[int]:
    """UAX #9 rule L2: the visual order of items with these levels (indices, left to right)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    top, low = max(levels), min(lv for lv in levels if lv % 2) if any(lv % 2 for lv in levels) else None
    if low is None:
        return order
    for level in range(top, low - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


# -- itemisation --------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    from fontTools import unicodedata as ud

    s = ud.script(ch)
    return "Zyyy" if s in ("Zyyy", "Zinh", "Zzzz") else s


def clusters(text: str) -> list[str]:
    from uniseg.graphemecluster import grapheme_clusters

    return list(grapheme_clusters(text))


def _cluster_script(cluster: str) -> str:
    for ch in cluster:
        s = script_of(ch)
        if s != "Zyyy":
            return s
    return "Zyyy"


def han_language(text: str, lang: str) -> str:
    """Which CJK glyph forms a text wants: kana -> Japanese, hangul -> Korean, else the banner's."""
    scripts = {script_of(ch) for ch in text}
    if scripts & {"Hira", "Kana"}:
        return "ja"
    if "Hang" in scripts:
        return "ko"
    han = data.load("fonts")["han"]
    return han.get(lang, han.get(lang.split("-")[0], han["default"]))


def is_rtl_language(lang: str) -> bool:
    return lang.split("-")[0].lower() in data.load("fonts")["direction"]["rtl_languages"]


@dataclass(frozen=True)
class Span:
    """A logical run of text set in one face."""

    start: int
    end: int
    face: Face
    lang: str
    script: str


@dataclass(frozen=True)
class Shaped:
    """A text itemised for drawing: spans (logical order), bidi levels, and what was left out."""

    text: str
    spans: tuple[Span, ...]
    levels: tuple[int, ...]
    rtl: bool  # paragraph direction
    primary: Face | None  # the paragraph's main face (lines of it keep using it)
    lang: str  # language tag of the main script
    banner_lang: str  # the banner's language (decides Han glyph forms of its lines)
    missing: str = ""  # characters no installed face can draw (removed, flagged)
    unshaped: str = ""  # scripts that need shaping while this Pillow has no Raqm


def clean(text: str, colour_emoji: bool) -> tuple[str, list[str]]:
    """Collapse whitespace; drop emoji when there is no colour emoji font (and say so)."""
    notes = []
    if not colour_emoji:
        removed = _EMOJI.findall(text)
        visible = [e for e in removed if e not in "\u200d\ufe0e\ufe0f\u20e3" and not "\U0001f3fb" <= e <= "\U0001f3ff"]
        if visible:
            notes.append(f"emoji removed (no colour emoji font): {''.join(visible)}")
        text = _EMOJI.sub(" ", text)
    return _SPACES.sub(" ", text).strip(), notes


@lru_cache(maxsize=2048)
def shape(text: str, weight: int, lang: str, brand: str | None = None, rtl: bool | None = None, primary: Face | None = None) -> Shaped:
    """Itemise `text` (already cleaned) into face runs. `brand` is a brand kit font (path or
    family) tried first for every script it covers; `rtl`/`primary` carry a paragraph's
    direction and main face to one of its lines."""
    brand_face = F.brand_face(brand, weight) if brand else None
    parts = clusters(text)
    scripts = [_cluster_script(c) for c in parts]
    # digits, spaces and punctuation take the script of what precedes them (else what follows)
    resolved = list(scripts)
    prev = None
    for i, s in enumerate(resolved):
        if s == "Zyyy":
            resolved[i] = prev or "Zyyy"
        else:
            prev = s
    nxt = None
    for i in range(len(resolved) - 1, -1, -1):
        if resolved[i] == "Zyyy":
            resolved[i] = nxt or "Zyyy"
        else:
            nxt = resolved[i]
    counts = Counter(s for s in scripts if s != "Zyyy")
    main = max(counts, key=lambda s: (counts[s], -scripts.index(s))) if counts else "Zyyy"
    han = han_language(text, lang)
    main_lang = _lang_for(main, lang, han)
    if rtl is None:
        rtl = True if is_rtl_language(lang) else (None if any(script_of(ch) in ("Arab", "Hebr") for ch in text) else False)
    if primary is None:
        primary = brand_face if brand_face is not None and F.covers(brand_face, "".join(p for p, s in zip(parts, resolved) if s == main)) else None
        primary = primary or next(iter(F.chain(main, han, weight)), None)
    emoji = F.emoji_face()

    faces: list[Face | None] = [None] * len(parts)
    missing: list[str] = []
    i = 0
    while i < len(parts):  # one script run at a time
        j = i
        while j < len(parts) and resolved[j] == resolved[i]:
            j += 1
        run = "".join(parts[i:j])
        script = resolved[i]
        candidates = [f for f in (brand_face, primary) if f is not None] + list(F.chain(script, han, weight))
        whole = next((f for f in candidates if F.covers(f, run)), None)
        for k in range(i, j):
            cluster = parts[k]
            if emoji is not None and _EMOJI_BASE.search(cluster) and F.covers(emoji, cluster):
                faces[k] = emoji
            elif whole is not None:
                faces[k] = whole
            else:
                faces[k] = _face_for_cluster(cluster, candidates, weight)
                if faces[k] is None:
                    missing.extend(ch for ch in cluster if not ch.isspace())
        i = j
    # uncovered clusters are removed; the rest merge into spans of one face
    kept_parts, kept_faces, kept_scripts = [], [], []
    for p, f, s in zip(parts, faces, resolved):
        if f is not None:
            kept_parts.append(p)
            kept_faces.append(f)
            kept_scripts.append(s)
    if missing:
        text = _SPACES.sub(" ", "".join(kept_parts)).strip()
        if text != "".join(kept_parts):
            return _with(shape(text, weight, lang, brand, rtl, primary), missing=_uniq(missing))
    else:
        text = "".join(kept_parts)
    spans: list[Span] = []
    pos = 0
    for p, f, s in zip(kept_parts, kept_faces, kept_scripts):
        end = pos + len(p)
        span_lang = _lang_for(s, lang, han)
        if spans and spans[-1].face == f and spans[-1].end == pos:
            # one face, one run: a Latin brand inside an Arabic or Chinese title is shaped with
            # the title (one Raqm call, its kerning intact), tagged with the main language
            merged_lang = main_lang if main_lang in (spans[-1].lang, span_lang) else spans[-1].lang
            spans[-1] = Span(spans[-1].start, end, f, merged_lang, spans[-1].script)
        else:
            spans.append(Span(pos, end, f, span_lang, s))
        pos = end
    levels = bidi_levels(text, rtl)
    par_rtl = bool(levels and (rtl if rtl is not None else _first_strong_rtl(levels, text)))
    complex_scripts = set(data.load("fonts")["shaping"]["complex_scripts"])
    unshaped = "" if F.RAQM else ", ".join(sorted(set(kept_scripts) & complex_scripts))
    return Shaped(text, tuple(spans), levels, par_rtl, primary, main_lang, lang, _uniq(missing), unshaped)


def _with(shaped: Shaped, **changes) -> Shaped:
    return replace(shaped, **changes)


def _uniq(chars: list[str]) -> str:
    return "".join(dict.fromkeys(chars))


def _first_strong_rtl(levels: tuple[int, ...], text: str) -> bool:
    for lv, ch in zip(levels, text):
        if not ch.isspace() and script_of(ch) != "Zyyy":
            return bool(lv % 2)
    return False


def _lang_for(script: str, lang: str, han: str) -> str:
    if script == "Hani":
        return han
    return data.load("fonts")["languages"].get(script, lang)


def _face_for_cluster(cluster: str, candidates: list[Face], weight: int) -> Face | None:
    for f in candidates:
        if F.covers(f, cluster):
            return f
    for f in F.all_faces(weight):
        if F.covers(f, cluster):
            return f
    base = next((ch for ch in cluster if not ch.isspace() and not F._invisible(ch)), None)
    if base is None:
        return candidates[0] if candidates else None
    found = F.system_face_for(ord(base), weight)
    return found if found is not None and F.covers(found, cluster) else None


# -- measuring ------------------------------------------------------------------------------


def _kw(direction: str | None, lang: str | None) -> dict:
    """Raqm arguments (none under basic layout, which cannot take them)."""
    if not F.RAQM:
        return {}
    return {"direction": direction, "language": lang}


@dataclass(frozen=True)
class Piece:
    """A visual run of a line: drawn with one call, left to right at `x` from the line start."""

    text: str
    face: Face
    lang: str
    direction: str  # "ltr" | "rtl"
    x: float
    advance: float
    scale: float = 1.0  # bitmap colour fonts are drawn at their strike and scaled by this


@dataclass(frozen=True)
class LineBox:
    """A laid-out line at one size: its visual pieces and extents (px, from origin / baseline)."""

    text: str
    size: int
    pieces: tuple[Piece, ...]
    advance: float
    ink: tuple[int, int, int, int]  # left, top, right, bottom relative to (line start, baseline)
    ascent: int
    descent: int

    @property
    def width(self) -> int:
        """Horizontal room the line needs: advance or ink, whichever reaches further."""
        left, _, right, _ = self.ink
        return int(max(right, self.advance) - min(left, 0) + 0.999)


def _metrics(f: Face, size: int) -> tuple[int, int, float]:
    font = F.load(f, size)
    scale = size / f.strike if f.strike else 1.0
    ascent, descent = font.getmetrics()
    return round(ascent * scale), round(descent * scale), scale


@lru_cache(maxsize=65536)
def advance(f: Face, size: int, text: str, direction: str, lang: str) -> float:
    font = F.load(f, size)
    scale = size / f.strike if f.strike else 1.0
    return font.getlength(text, **_kw(direction, lang)) * scale


@lru_cache(maxsize=16384)
def layout_line(shaped: Shaped, size: int) -> LineBox:
    """A whole `Shaped` text as one line at `size` (exact: Raqm measures it)."""
    text = shaped.text
    direction = "rtl" if shaped.rtl else "ltr"
    if len(shaped.spans) == 1 and not shaped.spans[0].face.colour:
        span = shaped.spans[0]
        pieces = [(text, span.face, span.lang, direction)]
    else:
        # runs of one face and one level, in visual order (UAX #9 L2 over runs)
        runs: list[tuple[int, int, Span, int]] = []
        for span in shaped.spans:
            start = span.start
            for k in range(span.start + 1, span.end + 1):
                if k == span.end or shaped.levels[k] != shaped.levels[start]:
                    runs.append((start, k, span, shaped.levels[start]))
                    start = k
        order = reorder([r[3] for r in runs])
        pieces = [(text[runs[i][0] : runs[i][1]], runs[i][2].face, runs[i][2].lang, "rtl" if runs[i][3] % 2 else "ltr") for i in order]
    x = 0.0
    out = []
    left, top, right, bottom = 0.0, 0.0, 0.0, 0.0
    ascent = descent = 0
    for k, (piece, f, lang, d) in enumerate(pieces):
        adv = advance(f, size, piece, d, lang)
        a, de, scale = _metrics(f, size)
        ascent, descent = max(ascent, a), max(descent, de)
        font = F.load(f, size)
        bx0, by0, bx1, by1 = font.getbbox(piece, anchor="ls", **_kw(d, lang))
        bx0, by0, bx1, by1 = bx0 * scale, by0 * scale, bx1 * scale, by1 * scale
        if k == 0:
            left, top, right, bottom = x + bx0, by0, x + bx1, by1
        else:
            left, top, right, bottom = min(left, x + bx0), min(top, by0), max(right, x + bx1), max(bottom, by1)
        out.append(Piece(piece, f, lang, d, x, adv, scale))
        x += adv
    ink = (int(np.floor(left)), int(np.floor(top)), int(np.ceil(right)), int(np.ceil(bottom)))
    return LineBox(text, size, tuple(out), x, ink, ascent, descent)


def line_of(paragraph: Shaped, text: str, weight: int, brand: str | None) -> Shaped:
    """A line cut from a paragraph, itemised again with the paragraph's direction and main face."""
    return shape(text, weight, paragraph.banner_lang, brand, paragraph.rtl, paragraph.primary) if text else paragraph


# -- line breaking --------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def break_points(text: str) -> tuple[int, ...]:
    """Offsets where a line may break (UAX #14 by uniseg, tailored by fonts.toml [breaking]);
    ascending, ending with len(text)."""
    from uniseg.linebreak import line_break_boundaries

    rules = data.load("fonts")["breaking"]
    no_start, no_end = set(rules["no_line_start"]), set(rules["no_line_end"])
    unit = re.compile(r"(?:%s)(?![^\W\d_])" % "|".join(re.escape(u) for u in sorted(rules["units"], key=len, reverse=True)))
    out = []
    for b in line_break_boundaries(text):
        if 0 < b < len(text) and (text[b] in no_start or text[b - 1] in no_end):
            continue
        if 1 < b < len(text) and text[b - 1] == " " and text[b - 2].isdigit() and unit.match(text, b):
            continue  # "750 ml" stays together
        if b > 0:
            out.append(b)
    if not out or out[-1] != len(text):
        out.append(len(text))
    return tuple(out)


@dataclass
class Wrapped:
    lines: list[str]
    broke_word: bool = False  # a long word was broken between characters


@lru_cache(maxsize=1024)
def _segments(paragraph: Shaped, weight: int, brand: str | None) -> tuple[tuple[int, float, float], ...]:
    """(end offset, width with its trailing spaces, width without) of every piece of text between
    two break points, at REF_SIZE: what size estimates are made of (measured once per text)."""
    out = []
    start = 0
    for b in break_points(paragraph.text):
        piece = paragraph.text[start:b]
        full = layout_line(line_of(paragraph, piece, weight, brand), REF_SIZE).advance if piece.strip() else 0.0
        trimmed = float(layout_line(line_of(paragraph, piece.rstrip(" "), weight, brand), REF_SIZE).width) if piece.strip() else 0.0
        out.append((b, float(full), trimmed))
        start = b
    return tuple(out)


def wrap(paragraph: Shaped, size: int, width: float, *, weight: int, brand: str | None, exact: bool, break_words: bool = False) -> Wrapped | None:
    """Greedy line filling between UAX #14 break points. With exact=False, widths are the
    reference-size measurements of the pieces between break points, scaled to `size` (no font
    work per size); exact=True measures each candidate line at `size`. A word wider than the line
    is broken between characters when it is long (fonts.toml `long_word_chars`) or `break_words`
    is set; otherwise the text does not fit at this size (None)."""
    text = paragraph.text
    if not text:
        return Wrapped([])
    rules = data.load("fonts")["breaking"]
    long_word, no_start = int(rules["long_word_chars"]), set(rules["no_line_start"])
    dict_scripts = set(rules["dictionary_scripts"])
    k = size / REF_SIZE

    def fits(a: int, b: int, estimate: float) -> bool:
        if exact:
            s = text[a:b].rstrip(" ")
            return not s or layout_line(line_of(paragraph, s, weight, brand), size).width <= width
        return estimate * SLACK <= width

    lines: list[str] = []
    broke = False
    start, prev_end = 0, 0  # the current line is text[start:prev_end]
    acc = 0.0  # its estimated width, trailing spaces included (px at `size`)
    for end, full, trimmed in _segments(paragraph, weight, brand):
        if fits(start, end, acc + trimmed * k):
            acc, prev_end = acc + full * k, end
            continue
        if prev_end > start:  # this piece starts the next line
            lines.append(text[start:prev_end].rstrip(" "))
            start, acc = prev_end, 0.0
            if fits(start, end, trimmed * k):
                acc, prev_end = full * k, end
                continue
        word = text[start:end]
        dictionary = any(script_of(ch) in dict_scripts for ch in word)
        if not (break_words or (len(word.rstrip(" ")) >= long_word and not dictionary)):
            return None
        # a long word: broken between grapheme clusters, never before a kinsoku character
        piece = ""
        for c in clusters(word):
            if piece.strip() and c not in no_start and _piece_width(paragraph, piece + c, size, weight, brand, exact) > width:
                lines.append(piece.rstrip(" "))
                broke = True
                start += len(piece)
                piece = ""
            piece += c
        if piece.strip() and _piece_width(paragraph, piece, size, weight, brand, exact) > width:
            return None  # one character wider than the line
        acc, prev_end = _piece_width(paragraph, piece, size, weight, brand, exact) + (full - trimmed) * k, end
    if prev_end > start:
        lines.append(text[start:prev_end].rstrip(" "))
    return Wrapped([ln for ln in lines if ln], broke)


def _piece_width(paragraph: Shaped, piece: str, size: int, weight: int, brand: str | None, exact: bool) -> float:
    piece = piece.rstrip(" ")
    if not piece:
        return 0.0
    if exact:
        return float(layout_line(line_of(paragraph, piece, weight, brand), size).width)
    return layout_line(line_of(paragraph, piece, weight, brand), REF_SIZE).width * size / REF_SIZE * SLACK


def ellipsize(paragraph: Shaped, lines: list[str], size: int, width: float, max_lines: int, *, weight: int, brand: str | None) -> list[str]:
    """At most `max_lines`, the last ending with '…' where text had to be cut (exact widths)."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max_lines - 1]
    rest = clusters(lines[max_lines - 1])
    lo, hi = 0, len(rest)  # the most clusters that fit with the ellipsis
    while lo < hi:
        mid = (lo + hi + 1) // 2
        cand = "".join(rest[:mid]).rstrip(" ,.;:，。、") + "…"
        if layout_line(line_of(paragraph, cand, weight, brand), size).width <= width:
            lo = mid
        else:
            hi = mid - 1
    last = "".join(rest[:lo]).rstrip(" ,.;:，。、")
    return kept + [last + "…"]


# -- drawing --------------------------------------------------------------------------------


def draw_line(canvas: Image.Image, ink: Image.Image | None, box: LineBox, x: int, baseline: int, fill: tuple[int, int, int]) -> None:
    """Draw a laid-out line with its start at x and its baseline at `baseline` (px). `ink`, an L
    image the size of the canvas, gets the same glyph coverage (for bounds checks). Each piece is
    rasterised once (Pillow's text drawing into a small mask) and pasted into both."""
    for p in box.pieces:
        font = F.load(p.face, box.size)
        px, py = x + p.x, baseline
        if p.face.colour:
            _draw_colour(canvas, ink, p, font, px, py)
            continue
        left, top, right, bottom = font.getbbox(p.text, anchor="ls", **_kw(p.direction, p.lang))
        ox, oy = int(np.floor(px + left)) - 1, int(np.floor(py + top)) - 1
        w, h = int(np.ceil(px + right)) + 2 - ox, int(np.ceil(py + bottom)) + 2 - oy
        if w <= 0 or h <= 0:
            continue
        mask = Image.new("L", (w, h), 0)
        # the same fractional origin as drawing on the canvas itself: the same glyph pixels
        ImageDraw.Draw(mask).text((px - ox, py - oy), p.text, font=font, fill=255, anchor="ls", **_kw(p.direction, p.lang))
        canvas.paste(fill, (ox, oy), mask)
        if ink is not None:
            ink.paste(255, (ox, oy), mask)


def _draw_colour(canvas: Image.Image, ink: Image.Image | None, p: Piece, font: ImageFont.FreeTypeFont, x: float, baseline: float) -> None:
    """A colour emoji run: drawn at the font's own size with its colours, scaled into the line."""
    left, top, right, bottom = font.getbbox(p.text, anchor="ls", **_kw(p.direction, p.lang))
    w, h = max(1, right - left), max(1, bottom - top)
    tile = Image.new("RGBA", (int(w), int(h)), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((-left, -top), p.text, font=font, anchor="ls", embedded_color=True, **_kw(p.direction, p.lang))
    if p.scale != 1.0:
        tile = tile.resize((max(1, round(w * p.scale)), max(1, round(h * p.scale))), Image.LANCZOS)
    at = (round(x + left * p.scale), round(baseline + top * p.scale))
    canvas.paste(tile, (max(0, at[0]), max(0, at[1])), tile)
    if ink is not None:
        ink.paste(255, (max(0, at[0]), max(0, at[1])), tile.getchannel("A"))

