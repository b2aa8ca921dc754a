"""Fonts for banner text: where faces come from, which face draws which script, what each covers.

Faces come from installed Python packages first (the fontpkg-* Google Fonts families and the
noto-cjk-* packages, all dependencies of creative, found through the packages' own paths), then
from the system through fontconfig (`fc-list`) only: no font folder is walked by us, so a machine
with an empty fontconfig sees exactly the packaged fonts. What is tried, in which order, per script
and language, is data: `creative/data/fonts.toml`.

Coverage is read from each font's character map (fontTools), never guessed from rendered boxes.
Shaping needs Pillow's Raqm layout (HarfBuzz + FriBiDi); `RAQM` says whether this Pillow has it.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from creative import data
from creative.inputs.brand import FONT_SUFFIXES, check_font_family, font_slug, is_font_file

RAQM = bool(features.check_feature("raqm"))
LAYOUT = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC

BOLD, REGULAR = 700, 400  # CSS / OpenType 'wght' values
# fontconfig's weight scale (fontconfig.h: FC_WEIGHT_REGULAR 80, FC_WEIGHT_BOLD 200)
_FC_WEIGHT = {100: 0, 200: 40, 300: 50, 400: 80, 500: 100, 600: 180, 700: 200, 800: 205, 900: 210}


class FontNotFoundError(RuntimeError):
    """No installed font can draw any of this text (names the package to install)."""


@dataclass(frozen=True)
class Face:
    """One font face at one weight: a file, the face inside a collection, and how to set it."""

    path: str
    index: int = 0  # face inside a .ttc/.otc collection (fontconfig may add a named instance above bit 16)
    weight: int = REGULAR  # set on the 'wght' axis of a variable font; informative for static ones
    variable: bool = False
    family: str = ""
    source: str = ""  # the package it came from, "fontconfig", or "brand kit"
    language_forms: bool = False  # one face for several CJK locales, chosen by the language tag
    colour: bool = False  # colour glyphs (emoji): drawn with embedded_color
    strike: int = 0  # bitmap colour fonts (CBDT) render at this pixel size only; 0: scalable

    @property
    def label(self) -> str:
        """Short name for metadata: file, face index when in a collection, weight."""
        name = Path(self.path).name
        return f"{name}#{self.index}@{self.weight}" if self.index else f"{name}@{self.weight}"


# -- sources --------------------------------------------------------------------------


def _fontpkg_face(slug: str, weight: int) -> Face | None:
    try:
        import fontpkg
        from fontpkg import FontpkgError
    except ImportError:
        return None
    try:
        fam = fontpkg.family(slug)
        file = fontpkg.select_file(fam, weight, "normal", nearest=True)
    except FontpkgError:
        return None
    if not file.path.is_file():
        return None
    return Face(str(file.path), 0, weight if file.variable else (file.weight or weight), file.variable, fam.name, f"fontpkg-{slug}")


def _module_face(module: str, file: str, face_name: str | None, weight: int) -> Face | None:
    if importlib.util.find_spec(module) is None:
        return None
    path = Path(str(importlib.resources.files(module).joinpath(file)))
    if not path.is_file():
        return None
    index = _face_index(str(path), face_name) if face_name else 0
    if index is None:
        return None
    family = ImageFont.truetype(str(path), 12, index=index).getname()[0]
    return Face(str(path), index, weight, False, family, module.replace("_", "-"))


@lru_cache(maxsize=64)
def _face_index(path: str, name: str) -> int | None:
    """The index of the face named `name` inside a collection (None when it has none)."""
    for index in range(32):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            return None
        if family == name:
            return index
    return None


@lru_cache(maxsize=1)
def system_fonts() -> tuple[dict, ...]:
    """Every font fontconfig knows here: file, index, families, weight, colour. Empty without
    fontconfig, or with a fontconfig that lists none (FONTCONFIG_FILE with no <dir>)."""
    return tuple(_fc_list([]))


def _fc_list(query: list[str]) -> list[dict]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    fmt = "%{file}\t%{index}\t%{family}\t%{weight}\t%{color}\t%{slant}\n"
    try:
        out = subprocess.run([exe, "--format", fmt, *query], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 5 or not parts[0].lower().endswith(FONT_SUFFIXES):
            continue
        try:
            index, weight = int(parts[1] or 0), float((parts[3] or "80").split()[0].strip("[]"))
        except ValueError:
            continue
        if (parts[5] if len(parts) > 5 else "0").strip() not in ("", "0"):
            continue  # italic and oblique faces never set banner copy
        fonts.append({"file": parts[0], "index": index, "families": [f.strip() for f in parts[2].split(",")], "weight": weight, "colour": parts[4] == "True"})
    return fonts


def _fontconfig_face(family: str, weight: int) -> Face | None:
    want = _FC_WEIGHT.get(round(weight / 100) * 100, 80)
    found = [f for f in system_fonts() if family in f["families"] and (f["index"] >> 16) == 0]
    if not found:
        return None
    best = min(found, key=lambda f: (abs(f["weight"] - want), f["index"]))
    return Face(best["file"], best["index"], weight, False, family, "fontconfig")


@lru_cache(maxsize=None)
def face(key: str, weight: int) -> Face | None:
    """A face from fonts.toml [faces] at a weight, or None when it is not installed here."""
    spec = data.load("fonts")["faces"][key]
    if spec.get("bold_only") and weight < 600:
        return None
    if "fontpkg" in spec:
        found = _fontpkg_face(spec["fontpkg"], weight)
    elif "module" in spec:
        found = _module_face(spec["module"], spec["file"], spec.get("face"), weight)
    else:
        found = _fontconfig_face(spec["fontconfig"], weight)
    if found is not None and spec.get("language_forms"):
        found = replace(found, language_forms=True)
    return found


def chain_key(script: str, lang: str) -> str:
    """The fonts.toml [chains] key of a script: Han per language, others by script code."""
    chains = data.load("fonts")["chains"]
    if script == "Hani":
        return f"Hani:{lang}" if f"Hani:{lang}" in chains else "Hani:zh-Hans"
    return script if script in chains else "Zyyy"


@lru_cache(maxsize=None)
def chain(script: str, lang: str, weight: int) -> tuple[Face, ...]:
    """The installed faces for a script (and language, for Han), best first."""
    keys = data.load("fonts")["chains"][chain_key(script, lang)]
    return tuple(f for f in (face(k, weight) for k in keys) if f is not None)


@lru_cache(maxsize=None)
def all_faces(weight: int) -> tuple[Face, ...]:
    """Every installed face named in fonts.toml, for characters no chain covers."""
    seen: dict[str, Face] = {}
    for key in data.load("fonts")["faces"]:
        f = face(key, weight)
        if f is not None:
            seen.setdefault(f"{f.path}#{f.index}", f)
    return tuple(seen.values())


@lru_cache(maxsize=4096)
def system_face_for(codepoint: int, weight: int) -> Face | None:
    """Any system font that has this character (fontconfig's own charset match), or None."""
    if not system_fonts():
        return None
    want = _FC_WEIGHT.get(round(weight / 100) * 100, 80)
    found = [f for f in _fc_list([f":charset={codepoint:x}"]) if (f["index"] >> 16) == 0 and not f["colour"]]
    if not found:
        return None
    best = min(found, key=lambda f: (abs(f["weight"] - want), f["file"], f["index"]))
    return Face(best["file"], best["index"], weight, False, best["families"][0], "fontconfig")


@lru_cache(maxsize=1)
def emoji_face() -> Face | None:
    """A colour emoji font from fontconfig (see fonts.toml [emoji]), or None: then emoji are
    removed from banner text and the removal recorded."""
    spec = data.load("fonts")["emoji"]
    found = [f for f in _fc_list([spec["fontconfig_query"]]) if f["colour"] and (f["index"] >> 16) == 0] if system_fonts() else []
    if not found:
        return None
    rank = {name: i for i, name in enumerate(spec["prefer"])}
    best = min(found, key=lambda f: (min((rank.get(n, 99) for n in f["families"]), default=99), f["file"]))
    strike = _strike_size(best["file"], best["index"])
    if strike is None:
        return None
    return Face(best["file"], best["index"], REGULAR, False, best["families"][0], "fontconfig", colour=True, strike=strike)


def _strike_size(path: str, index: int) -> int | None:
    """0 for a scalable colour font (COLR), the largest bitmap size for a CBDT/sbix one, None when
    this Pillow cannot draw it."""
    from fontTools.ttLib import TTFont

    try:
        tt = TTFont(path, fontNumber=index if path.lower().endswith((".ttc", ".otc")) else -1, lazy=True)
        if "CBLC" in tt:
            return max(s.bitmapSizeTable.ppemY for s in tt["CBLC"].strikes)
        if "sbix" in tt:
            return max(tt["sbix"].strikes)
        return 0 if "COLR" in tt else None
    except Exception:  # noqa: BLE001 - an unreadable system font is simply not used
        return None


def brand_face(value: str, weight: int) -> Face:
    """A brand kit's font: a file path, or a family name found in an installed fontpkg-*
    package (then fontconfig). Raises ValueError naming the package to install."""
    if is_font_file(value) or os.sep in value:
        path = Path(value)
        if not path.is_file():
            raise ValueError(f"font file not found: {value}")
        variable = _is_variable(str(path))
        return Face(str(path), 0, weight, variable, ImageFont.truetype(str(path), 12).getname()[0], "brand kit")
    found = _fontpkg_face(font_slug(value), weight) or _fontconfig_face(value.strip(), weight)
    if found is None:
        check_font_family(value)  # raises, naming the package to install
        raise ValueError(f"font family {value!r} has no upright face here")
    return replace(found, source=found.source + " (brand kit)")


@lru_cache(maxsize=64)
def _is_variable(path: str) -> bool:
    try:
        return any(_axis_name(a) in ("weight", "wght") for a in ImageFont.truetype(path, 12).get_variation_axes())
    except (OSError, AttributeError):
        return False


def _axis_name(axis: dict) -> str:
    name = axis.get("name", b"")
    return (name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)).strip().lower()


# -- coverage and loading -----------------------------------------------------------------


@lru_cache(maxsize=128)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points a face maps. Reading a CJK font's cmap takes fontTools a third of a
    second, so the set is kept in $CREATIVE_HOME/fonts, keyed by file, size and mtime."""
    import hashlib

    import numpy as np

    from creative.paths import atomic_write_bytes, creative_home

    st = os.stat(path)
    key = hashlib.sha1(f"{os.path.abspath(path)}|{index}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:20]
    cached = creative_home() / "fonts" / f"cmap-{key}.npy"
    try:
        return frozenset(np.load(cached).tolist())
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    collection = path.lower().endswith((".ttc", ".otc"))
    tt = TTFont(path, fontNumber=(index & 0xFFFF) if collection else -1, lazy=True)
    points = sorted(tt.getBestCmap() or {})
    try:
        import io

        buf = io.BytesIO()
        np.save(buf, np.asarray(points, dtype=np.int32))
        atomic_write_bytes(cached, buf.getvalue())
    except OSError:
        pass  # a read-only home: the set is simply read again next time
    return frozenset(points)


def coverage(f: Face) -> frozenset[int]:
    """The code points the face maps to a glyph (its cmap)."""
    return _cmap(f.path, f.index)


def covers(f: Face, text: str) -> bool:
    """Can the face draw every character of `text`? (Whitespace and format controls such as ZWJ
    and variation selectors need no glyph of their own.)"""
    cmap = coverage(f)
    return all(ord(ch) in cmap or ch.isspace() or _invisible(ch) for ch in text)


def _invisible(ch: str) -> bool:
    o = ord(ch)
    return o in (0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD) or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF or 0x200E <= o <= 0x200F


@lru_cache(maxsize=512)
def load(f: Face, size: int) -> ImageFont.FreeTypeFont:
    """The face at a pixel size, with Raqm layout (when this Pillow has it) and its weight set.
    Cached: every banner size and every re-render share the font objects."""
    px = f.strike or size  # a bitmap colour font renders at its strike only; callers scale
    font = ImageFont.truetype(f.path, px, index=f.index, layout_engine=LAYOUT)
    if f.variable:
        try:
            axes = font.get_variation_axes()
        except OSError:
            return font
        values = [float(min(max(f.weight, a["minimum"]), a["maximum"])) if _axis_name(a) in ("weight", "wght") else float(a["default"]) for a in axes]
        font.set_variation_by_axes(values)
    return font


def package_for(script: str, lang: str) -> str:
    """The package that would add a face for this script (for flags and errors)."""
    faces = data.load("fonts")["faces"]
    for key in data.load("fonts")["chains"][chain_key(script, lang)]:
        if "package" in faces[key]:
            return faces[key]["package"]
    return "a font for this script (fontconfig finds system fonts)"
