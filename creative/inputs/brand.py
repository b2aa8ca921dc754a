"""Brand kits: a brand's logo, colours and fonts, read from and written to a TOML file
(see samples/brand/brand.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from creative.colour import parse_hex


@dataclass
class BrandKit:
    """A brand's logo, colours and fonts, read from a TOML file (see samples/brand/)."""

    name: str = ""
    logo: str | None = None  # path to a PNG (transparent background is best)
    primary: str = "#1f2937"  # CTA button
    secondary: str = "#e5e7eb"  # accents, backdrop tint
    text: str = "#111111"  # preferred text colour (used when it has the contrast)
    font_headline: str | None = None  # font file paths; None: a good system font
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

    try:
        return BrandKit(
            name=raw.get("name", ""),
            logo=resolve(raw.get("logo")),
            primary=colours.get("primary", BrandKit.primary),
            secondary=colours.get("secondary", BrandKit.secondary),
            text=colours.get("text", BrandKit.text),
            font_headline=resolve(fonts.get("headline")),
            font_body=resolve(fonts.get("body")),
            font_cjk=resolve(fonts.get("cjk")),
        )
    except ValueError as e:
        raise ValueError(f"brand kit {path}: {e}") from e


def save_brand_kit(kit: BrandKit, folder: str | Path) -> Path:
    """Write a kit as `folder/brand.toml`, its logo and fonts copied beside it (what
    `load_brand_kit` reads back). Returns the TOML's path."""
    import json
    import shutil

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def keep(src: str | None, name: str) -> str | None:
        if not src:
            return None
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
