"""Brand kits: a brand's logo, colours and fonts, read from and written to a TOML file
(see samples/brand/brand.toml)."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from creative.colour import parse_hex

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@dataclass
class BrandKit:
    """A brand's logo, colours and fonts, read from a TOML file (see samples/brand/)."""

    name: str = ""
    logo: str | None = None  # path to a PNG (transparent background is best)
    primary: str = "#1f2937"  # CTA button
    secondary: str = "#e5e7eb"  # accents, backdrop tint
    text: str = "#111111"  # preferred text colour (used when it has the contrast)
    font_headline: str | None = None  # font file paths or family names (fontpkg-*); None: defaults
    font_body: str | None = None
    font_cjk: str | None = None

    def __post_init__(self) -> None:
        for name in ("primary", "secondary", "text"):
            parse_hex(getattr(self, name))  # fail at load time, naming the field

    def colours(self) -> list[str]:
        return [self.primary, self.secondary]


def load_brand_kit(path: str | Path) -> BrandKit:
    """Read a brand kit TOML; relative paths in it are relative to the file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"brand kit not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"brand kit {path}: {e}") from e
    colours = raw.get("colours", {})
    fonts = raw.get("fonts", {})

    def resolve(p: str | None) -> str | None:
        if not p:
            return None
        full = (path.parent / p).expanduser() if not Path(p).is_absolute() else Path(p)
        if not full.is_file():
            raise ValueError(f"brand kit {path}: file not found: {p}")
        return str(full)

    def font(value: str | None) -> str | None:
        """A font file (relative to the kit), or a family name from an installed fontpkg-*
        package ("Inter" -> fontpkg-inter), checked now so a typo fails at load time."""
        if not value:
            return None
        if is_font_file(value):
            return resolve(value)
        check_font_family(value)
        return value

    try:
        return BrandKit(
            name=raw.get("name", ""),
            logo=resolve(raw.get("logo")),
            primary=colours.get("primary", BrandKit.primary),
            secondary=colours.get("secondary", BrandKit.secondary),
            text=colours.get("text", BrandKit.text),
            font_headline=font(fonts.get("headline")),
            font_body=font(fonts.get("body")),
            font_cjk=font(fonts.get("cjk")),
        )
    except ValueError as e:
        raise ValueError(f"brand kit {path}: {e}") from e


def save_brand_kit(kit: BrandKit, folder: str | Path) -> Path:
    """Write a kit as `folder/brand.toml`, its logo and fonts copied beside it (what
    `load_brand_kit` reads back). Returns the TOML's path."""
    import json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def keep(src: str | None, name: str) -> str | None:
        if not src:
            return None
        if not Path(src).is_file():
            return src  # a font family name (an installed fontpkg-* package): kept as a name
        target = folder / (name + Path(src).suffix.lower())
        if Path(src).resolve() != target.resolve():
            shutil.copyfile(src, target)
        return target.name

    q = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 - a JSON string is a valid TOML basic string
    logo = keep(kit.logo, "logo")
    fonts = {role: keep(getattr(kit, f"font_{role}"), f"font-{role}") for role in ("headline", "body", "cjk")}
    lines = [f"name = {q(kit.name)}"] + ([f"logo = {q(logo)}"] if logo else [])
    lines += ["", "[colours]", f"primary = {q(kit.primary)}", f"secondary = {q(kit.secondary)}", f"text = {q(kit.text)}", "", "[fonts]"]
    lines += [f"{role} = {q(name)}" for role, name in fonts.items() if name]
    path = folder / "brand.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- font family names -------------------------------------------------------------------
# A kit names a font by file or by family. Family names are looked up here only to fail at
# load time; compose.fonts finds the face itself (fontpkg-* package first, then fontconfig).


def is_font_file(value: str) -> bool:
    """Is a kit's font value a file (by suffix or a path separator) rather than a family name?"""
    return value.lower().endswith(FONT_SUFFIXES) or "/" in value or "\\" in value


def font_slug(family: str) -> str:
    """The fontpkg-* package name of a family, without the prefix ("Noto Sans" -> noto-sans)."""
    return family.strip().lower().replace(" ", "-").replace("_", "-")


def check_font_family(family: str) -> None:
    """Raise ValueError, naming the package to install, unless the family is installed: as a
    fontpkg-* package or a font fontconfig knows."""
    if not (_fontpkg_has(font_slug(family)) or family.strip() in _fontconfig_families()):
        raise ValueError(f"font family {family!r} is not installed: pip install fontpkg-{font_slug(family)}")


def _fontpkg_has(slug: str) -> bool:
    try:
        import fontpkg
        from fontpkg import FontpkgError
    except ImportError:
        return False
    try:
        return fontpkg.select_file(fontpkg.family(slug), 400, "normal", nearest=True).path.is_file()
    except FontpkgError:
        return False


@lru_cache(maxsize=1)
def _fontconfig_families() -> frozenset[str]:
    exe = shutil.which("fc-list")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--format", "%{family}\\n"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(f.strip() for line in out.splitlines() for f in line.split(","))
