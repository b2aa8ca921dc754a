"""What a banner is made of, as data: copy, brand kit, and the layer spec a UI re-renders.

Everything here is a plain dataclass that round-trips through JSON (`to_dict` / `from_dict`),
so an edited headline can be re-rendered without running diffusion again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from creative.geometry import Box


@dataclass
class BannerCopy:
    """The words on a banner. Drawn by us with a real font, never by the diffusion model."""

    headline: str
    subline: str = ""
    cta: str = ""

    def text(self) -> str:
        """All of it as one string (what CLIP scores the banner against)."""
        return " ".join(t for t in (self.headline, self.subline, self.cta) if t)


@dataclass
class TextLayer:
    """One piece of copy. Inputs first (what a UI edits), then what rendering measured."""

    role: str  # headline | subline | cta
    text: str
    weight: str = "bold"  # bold | regular
    max_lines: int = 2
    line_height: float = 1.2
    colour: str | None = None  # None: chosen at render time for contrast
    # -- measured when rendered --
    font: str = ""  # the main face (file path); `fonts` lists every face used
    font_index: int = 0
    fonts: list[str] = field(default_factory=list)  # faces used, as "file#index@weight"
    direction: str = ""  # ltr | rtl: the paragraph direction the text was set in
    size: int = 0
    lines: list[str] = field(default_factory=list)
    ink: Box | None = None  # where the glyphs are (never outside the safe box)
    line_boxes: list[Box] = field(default_factory=list)  # each line's glyphs, top to bottom
    drawn_colour: str = ""  # the colour used (the input colour, or the one chosen for contrast)
    contrast: float | None = None  # worst-case WCAG ratio against the pixels behind the text
    changes: list[str] = field(default_factory=list)  # characters removed, text shortened
    missing: str = ""  # characters no installed font can draw (removed): the banner is flagged
    unshaped: str = ""  # scripts drawn without shaping (no Raqm here): the banner is flagged
    button: dict | None = None  # cta: {"box": [x, y, w, h], "fill": "#hex", "radius": px}
    plate: dict | None = None  # a backing plate drawn for contrast: {"box", "fill", "opacity"}


@dataclass
class TextBlock:
    """Text layers stacked top to bottom inside a region (a column, or a strip's cell)."""

    region: Box
    align: str  # left | center
    valign: str  # top | center
    layers: list[TextLayer]
    min_size: int = 9
    max_size: int = 64  # headline size cap; the others follow typography ratios
    dropped: list[str] = field(default_factory=list)  # roles the template has no room for
    # -- measured when rendered (reset by every render, so an edited spec renders afresh) --
    left_out: list[str] = field(default_factory=list)  # roles that did not fit at a readable size


@dataclass
class LayerSpec:
    """Everything needed to draw a banner again, given its assets (product, visual, logo)."""

    width: int
    height: int
    size_name: str
    platform: str
    template: str
    safe: Box
    background: dict[str, Any]  # {"kind": "procedural", "backdrop": {...}} | {"kind": "image", "asset": ..., "fit": ...}
    product: dict[str, Any]  # {"asset": "product", "box": [x, y, w, h], "method": ..., "shadow": bool}
    blocks: list[TextBlock]
    logo: dict[str, Any] | None = None  # {"asset": "logo", "box": [...]}
    brand: dict[str, Any] | None = None  # BrandKit fields (fonts and colours used to render)
    language: str = "en"

    def layers(self) -> list[TextLayer]:
        return [layer for block in self.blocks for layer in block.layers]

    def layer(self, role: str) -> TextLayer | None:
        return next((layer for layer in self.layers() if layer.role == role), None)

    def set_text(self, role: str, text: str) -> None:
        """Edit the copy (what a UI does before calling `render` again)."""
        layer = self.layer(role)
        if layer is None:
            raise KeyError(f"this banner has no {role!r} text")
        layer.text = text

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LayerSpec":
        d = dict(d)
        d["safe"] = Box.of(d["safe"])
        blocks = []
        for b in d["blocks"]:
            b = dict(b)
            b["region"] = Box.of(b["region"])
            b["layers"] = [_layer_from_dict(layer) for layer in b["layers"]]
            blocks.append(TextBlock(**b))
        d["blocks"] = blocks
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


def _layer_from_dict(d: dict[str, Any]) -> TextLayer:
    d = dict(d)
    d["ink"] = Box.of(d.get("ink"))
    d["line_boxes"] = [Box.of(b) for b in d.get("line_boxes", [])]
    return TextLayer(**{f.name: d[f.name] for f in fields(TextLayer) if f.name in d})


def _jsonable(value: Any) -> Any:
    """Dataclasses to dicts, every box (a Box, or a box in a free-form dict) as [x, y, w, h]."""
    if isinstance(value, Box):
        return value.to_list()
    if is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
