"""Finished banners, unranked: every visual proposal composed in every size asked for.

    banners = compose_banners(product, cutout, visuals, copy, options)   # then rank.rank_banners

Each `Banner` keeps its layer spec and the assets it was drawn from, so it can be drawn again
with other words or colours (`rerender`) without running diffusion. Its metadata says what
made it: the visual, the cutout, the copy and where it came from, every text change the
renderer made, text no font could draw (`text_flags`), the models of every role and what fell
back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PIL import Image

from creative.compose import BannerCopy, LayerSpec, all_sizes, banner_size, default_copy, plan, render_banner
from creative.encode.cutout import Cutout
from creative.generate.visuals import BannerOptions, VisualSet
from creative.inputs.product import Product


@dataclass
class Banner:
    image: Image.Image
    size: str  # "1080x1080"
    scores: dict[str, float]
    score: float
    metadata: dict[str, Any]
    spec: LayerSpec
    assets: dict[str, Image.Image] = field(repr=False, default_factory=dict)  # for re-rendering
    rank: int = 1  # 1 = best of its size

    def save(self, path: str | Path) -> Path:
        """Write the image (PNG or JPEG by suffix) and a JSON sidecar next to it (same name, .json)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".png", ".jpg", ".jpeg"):
            raise ValueError(f"banner path must end in .png, .jpg or .jpeg: {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".png":
            self.image.save(path, format="PNG", optimize=True)
        else:
            self.image.save(path, format="JPEG", quality=92, optimize=True, progressive=True)
        sidecar = path.with_suffix(".json")
        sidecar.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return sidecar

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "rank": self.rank, "score": round(self.score, 4), "scores": self.scores, "metadata": self.metadata, "spec": self.spec.to_dict()}


def compose_banners(
    product: Product,
    cutout: Cutout,
    visuals: VisualSet,
    copy: BannerCopy | None,
    options: BannerOptions,
    *,
    models: dict[str, str | None] | None = None,
    fallbacks: list[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> list[Banner]:
    """Every visual of `visuals` composed in every size of `options.sizes` (all sizes in
    sizes.toml when None), in size order, unscored (rank them with `rank.rank_banners`).

    `copy` None means words from the product facts (`compose.default_copy`). `models` (role ->
    model name) and `fallbacks` go into each banner's metadata. `progress(fraction, step)` is
    called before each size. Raises FontNotFoundError when no font can draw the copy."""
    report = progress or (lambda fraction, step: None)
    size_specs = [banner_size(s) for s in options.sizes] if options.sizes else list(all_sizes().values())
    copy_source = "given"
    if copy is None:
        copy, copy_source = default_copy(product), "product facts"
    brand = options.brand
    logo = Image.open(brand.logo).convert("RGBA") if brand and brand.logo else None
    base_assets = {"product": cutout.product} | ({"logo": logo} if logo else {})
    notes = list(dict.fromkeys((fallbacks or []) + visuals.fallbacks))
    banners = []
    for i, size in enumerate(size_specs):
        report(i / len(size_specs), f"composing {size.name}")
        for visual in visuals.visuals:
            spec = plan(
                size,
                product_size=cutout.product.size,
                method=cutout.method,
                copy=copy,
                background=visual.background_spec(),
                brand=brand,
                logo_size=logo.size if logo else None,
                language=product.language,
            )
            assets = base_assets | ({"visual": visual.image} if visual.image is not None else {})
            out = render_banner(spec, assets)
            metadata = {
                "product": product.title,
                "sku": product.sku or None,
                "size": out.spec.size_name,
                "platform": out.spec.platform,
                "template": out.spec.template,
                "visual_source": visual.source,
                "mode": visual.mode,
                "mode_requested": options.mode,
                "style": options.style,
                "seed": visual.seed,
                "proposal": visual.index,
                "prompt": visual.prompt,
                "negative_prompt": visual.negative_prompt,
                "safety": visual.safety,
                "safety_dropped": visuals.dropped,
                "cutout": cutout.to_dict(),
                "copy": {"headline": copy.headline, "subline": copy.subline, "cta": copy.cta},
                "copy_source": copy_source,
                "text": text_metadata(out.spec),
                "text_flags": (flags := text_flags(out.spec)),
                "models": dict(models or {}),
                "fallbacks": list(dict.fromkeys(notes + [f"banner text: {f}" for f in flags])),
            }
            banners.append(Banner(out.image, out.spec.size_name, {}, 0.0, metadata, out.spec, assets))
    return banners


def rerender(banner: Banner, *, copy: BannerCopy | None = None, copy_source: str = "edited", text_colour: str | None = None, button_colour: str | None = None) -> Banner:
    """The banner drawn again from its layer spec with new words or colours: the same product
    pixels and backdrop, no diffusion. Scores are kept as they were (re-score it with
    `rank.rescore`). A colour of None keeps the current one; "" goes back to choosing one for
    contrast."""
    spec = LayerSpec.from_dict(banner.spec.to_dict())
    if copy is not None:
        for role in ("headline", "subline", "cta"):
            spec.set_text(role, getattr(copy, role))
    if text_colour is not None:
        for layer in spec.layers():
            if layer.role != "cta":
                layer.colour = text_colour or None
    if button_colour is not None and (cta := spec.layer("cta")) is not None:
        cta.button = {"requested": button_colour or None}
    out = render_banner(spec, banner.assets)
    words = BannerCopy(*(out.spec.layer(r).text for r in ("headline", "subline", "cta")))
    flags = text_flags(out.spec)
    fallbacks = [f for f in banner.metadata.get("fallbacks", []) if not f.startswith("banner text: ")] + [f"banner text: {f}" for f in flags]
    metadata = banner.metadata | {"copy": vars(words).copy(), "text": text_metadata(out.spec), "text_flags": flags, "fallbacks": list(dict.fromkeys(fallbacks))}
    if copy is not None:
        metadata["copy_source"] = copy_source
    return Banner(out.image, banner.size, dict(banner.scores), banner.score, metadata, out.spec, banner.assets, banner.rank)


def text_metadata(spec: LayerSpec) -> dict[str, Any]:
    return {
        layer.role: {"lines": layer.lines, "size": layer.size, "font": Path(layer.font).name if layer.font else None, "changes": layer.changes}
        for layer in spec.layers()
    }


def text_flags(spec: LayerSpec) -> list[str]:
    """What is wrong with the text as drawn: characters no installed font has (removed), scripts
    drawn without shaping. Empty when every character was drawn, shaped, by a real font."""
    flags = []
    for layer in spec.layers():
        if layer.missing:
            flags.append(f"{layer.role}: characters no installed font can draw were left out: {layer.missing}")
        if layer.unshaped:
            flags.append(f"{layer.role}: {layer.unshaped} text drawn without shaping (this Pillow has no Raqm layout)")
    return flags
