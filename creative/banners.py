"""Finished banners: cutout -> K visual proposals -> composed in every size -> scored and ranked.

    banners = studio.banners(product, sizes=["1080x1080", "1200x628"], n=3, style="studio")
    banners[0].save("out/shoe-1080x1080-1.png")   # the image, plus a .json sidecar

For each size, the K proposals are ranked by score and re-ordered with MMR for variety; the
result lists every size's banners best first. Everything that decided a banner (which model
filled each role, what fell back, every score) is in its metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image

from creative.compose import BannerCopy, BrandKit, LayerSpec, all_sizes, banner_size, default_copy, plan, render_banner
from creative.compose.colour import AA_NORMAL
from creative.cutout import product_cutout
from creative.generate.visuals import Visual, propose_visuals
from creative.rank import mmr, normalize

# How a banner's score is made. Every component is 0..1; the score is their weighted mean.
#   clip_product  calibrated CLIP cosine of the banner with the product's fused embedding:
#                 the banner still shows this product (and its backdrop suits it)
#   clip_copy     calibrated CLIP cosine of the banner with its own copy text
#   contrast      worst text contrast, 4.5 (WCAG AA, always met) -> 0.4 .. 7 (AAA) and up -> 1
#   occupancy     how much of the banner the product fills: 1 inside the template's good band
#   text_fit      1 when all copy is set in full at a comfortable size; less when a subline was
#                 left out, text was shortened or set small, or a plate was needed; much less
#                 (-0.6) when characters were left out for want of a font, or drawn unshaped
#   separation    how far the product's colours are from the backdrop right around it (CIE76
#                 distance of the means, 40 -> 1): a navy shoe on a navy wall scores low
# CLIP leads (what the banner says and shows); the layout terms separate close calls and rank
# alone when no CLIP model is available.
WEIGHTS = {"clip_product": 0.3, "clip_copy": 0.2, "contrast": 0.15, "occupancy": 0.1, "text_fit": 0.15, "separation": 0.1}
MMR_DIVERSITY = 0.3
OCCUPANCY_BAND = (0.12, 0.45)  # product area / banner area that reads as "the product is the hero"


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


def _occupancy_score(fraction: float) -> float:
    lo, hi = OCCUPANCY_BAND
    if fraction < lo:
        return max(0.0, fraction / lo)
    if fraction > hi:
        return max(0.0, 1 - (fraction - hi) / (1 - hi))
    return 1.0


def _separation(image: Image.Image, spec: LayerSpec, alpha: np.ndarray | None) -> float:
    """Colour distance between the product and the backdrop inside its box (1 for a framed card)."""
    if alpha is None:
        return 1.0
    from creative.generate.visuals import to_lab

    x, y, w, h = spec.product["box"]
    px = np.asarray(image.crop((x, y, x + w, y + h)).resize(alpha.shape[::-1], Image.BOX), dtype=np.float64)
    fg, bg = alpha >= 250, alpha <= 5
    if fg.sum() < 4 or bg.sum() < 4:
        return 1.0
    delta = np.linalg.norm(to_lab(tuple(px[fg].mean(axis=0))) - to_lab(tuple(px[bg].mean(axis=0))))
    return float(min(1.0, delta / 40))


def layout_scores(spec: LayerSpec, product_alpha: np.ndarray | None, image: Image.Image | None = None) -> tuple[dict[str, float], dict[str, Any]]:
    """The layout-quality components of a rendered spec, and the measurements behind them."""
    layers = [layer for layer in spec.layers() if layer.lines]
    ratios = {layer.role: layer.contrast for layer in layers if layer.contrast is not None}
    worst = min(ratios.values()) if ratios else 21.0
    contrast = float(np.clip(0.4 + 0.6 * (worst - AA_NORMAL) / (7.0 - AA_NORMAL), 0.4 if worst >= AA_NORMAL else 0.0, 1.0))
    box = spec.product["box"]
    area = float(product_alpha.mean() / 255.0) * box[2] * box[3] if product_alpha is not None else box[2] * box[3]
    occupancy = area / (spec.width * spec.height)
    fit = 1.0
    head = spec.layer("headline")
    if head and head.size and spec.blocks[0].max_size:
        fit -= 0.3 * max(0.0, 1 - head.size / spec.blocks[0].max_size)  # set well below its cap
    for layer in spec.layers():
        if any(c.startswith("shortened") or "below the readable" in c for c in layer.changes):
            fit -= 0.3
        if any(c.startswith("left out") for c in layer.changes):
            fit -= 0.15
    if any(layer.plate for layer in layers):
        fit -= 0.1  # needed a plate: the backdrop fights the text
    flags = text_flags(spec)
    if flags:
        fit -= 0.6  # text is missing or drawn unshaped: never ranked above a banner that has it all
    scores = {"contrast": round(contrast, 4), "occupancy": round(_occupancy_score(occupancy), 4), "text_fit": round(max(0.0, fit), 4)}
    if image is not None:
        scores["separation"] = round(_separation(image, spec, product_alpha), 4)
    return scores, {"contrast_ratios": ratios, "min_contrast": round(worst, 2), "product_occupancy": round(occupancy, 4), "text_flags": flags}


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


def _thumb_embedding(image: Image.Image) -> np.ndarray:
    """A cheap image descriptor for MMR when there is no CLIP model: a 12x12 colour thumbnail."""
    return normalize(np.asarray(image.convert("RGB").resize((12, 12), Image.BOX), dtype=np.float32).ravel() / 255 - 0.5)


def make_banners(
    studio,
    product,
    *,
    analysis=None,
    copy: BannerCopy | None = None,
    sizes: list[str] | None = None,
    n: int = 3,
    style: str = "studio",
    mode: str = "auto",
    strength: float = 0.6,
    seed: int = 0,
    brand: BrandKit | None = None,
    caption: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> list[Banner]:
    """Banners for one product in every size asked for (all sizes in sizes.toml by default),
    n proposals each, ranked. Same seed, same banners. `progress(fraction, step)` is called
    before the visuals are made and before each size is composed."""
    report = progress or (lambda fraction, step: None)
    size_specs = [banner_size(s) for s in sizes] if sizes else list(all_sizes().values())
    if analysis is None:
        analysis = studio.analyze(product)
    fallbacks = list(analysis.fallbacks)
    photo = product.load_images(keep_alpha=True)[0]
    cutout = product_cutout(studio, photo)
    copy_source = "given"
    if copy is None:
        copy, copy_source = default_copy(product), "product facts"
    tags = [t.label for t in analysis.top_tags(4)] if analysis.tags else []
    report(0.0, f"{n} visual proposals")
    visuals = propose_visuals(
        studio, cutout, title=product.title, caption=caption, tags=tags, n=n, style=style, mode=mode, strength=strength, seed=seed, brand=brand
    )
    fallbacks += visuals.fallbacks
    logo = Image.open(brand.logo).convert("RGBA") if brand and brand.logo else None
    base_assets = {"product": cutout.product} | ({"logo": logo} if logo else {})

    rendered: list[tuple[Visual, Any, dict, dict, dict]] = []
    for i, size in enumerate(size_specs):
        # visuals are most of the work when diffusion runs; composing, the rest
        report(0.5 + 0.45 * i / len(size_specs), f"composing {size.name}")
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
            alpha = _product_alpha(out.spec, cutout.product)
            layout, measured = layout_scores(out.spec, alpha, out.image)
            rendered.append((visual, out, assets, layout, measured))

    clip_ok = analysis.embedding is not None and studio.available("clip")
    if clip_ok:
        clip = studio.clip
        image_emb = clip.encode_images([r[1].image for r in rendered])
        copy_emb = clip.encode_texts([copy.text()])[0]
        product_cos = image_emb @ normalize(analysis.embedding.fused)
        copy_cos = image_emb @ copy_emb
        clip_product = np.asarray(clip.score(product_cos), dtype=np.float64)
        clip_copy = np.asarray(clip.score(copy_cos), dtype=np.float64)
        ranking = "clip + layout"
    else:
        image_emb = np.stack([_thumb_embedding(r[1].image) for r in rendered])
        ranking = "layout only (clip unavailable)"

    banners: list[Banner] = []
    roles = {role: res.model for role, res in studio.resolutions.items()}
    for i, (visual, out, assets, layout, measured) in enumerate(rendered):
        scores = dict(layout)
        if clip_ok:
            scores |= {"clip_product": round(float(clip_product[i]), 4), "clip_copy": round(float(clip_copy[i]), 4)}
            scores |= {"clip_product_cosine": round(float(product_cos[i]), 4), "clip_copy_cosine": round(float(copy_cos[i]), 4)}
        total, terms = _weighted(scores)
        spec = out.spec
        metadata = {
            "product": product.title,
            "sku": product.sku or None,
            "size": spec.size_name,
            "platform": spec.platform,
            "template": spec.template,
            "visual_source": visual.source,
            "mode": visual.mode,
            "mode_requested": mode,
            "style": style,
            "seed": visual.seed,
            "proposal": visual.index,
            "prompt": visual.prompt,
            "negative_prompt": visual.negative_prompt,
            "safety": visual.safety,
            "safety_dropped": visuals.dropped,
            "cutout": cutout.to_dict(),
            "copy": {"headline": copy.headline, "subline": copy.subline, "cta": copy.cta},
            "copy_source": copy_source,
            "text": _text_metadata(spec),
            **measured,
            "ranking": ranking,
            "weights": terms,
            "models": roles,
            "fallbacks": list(dict.fromkeys(fallbacks + [f"banner text: {f}" for f in measured["text_flags"]])),
        }
        banners.append(Banner(out.image, spec.size_name, scores, round(total, 4), metadata, spec, assets))

    # rank within each size: MMR over the proposals, so the top picks differ from each other
    ordered: list[Banner] = []
    for size in size_specs:
        idx = [i for i, b in enumerate(banners) if b.size == size.name]
        relevance = np.array([banners[i].score for i in idx])
        order = mmr(relevance, image_emb[idx], k=len(idx), diversity=MMR_DIVERSITY)
        for rank, j in enumerate(order, start=1):
            b = banners[idx[j]]
            b.rank = rank
            b.metadata["rank"] = rank
            ordered.append(b)
    return ordered


def _weighted(scores: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The banner's score: the weighted mean of the components it has, and the weights used."""
    terms = {k: w for k, w in WEIGHTS.items() if k in scores}
    return sum(w * scores[k] for k, w in terms.items()) / sum(terms.values()), terms


def _text_metadata(spec: LayerSpec) -> dict[str, Any]:
    return {
        layer.role: {"lines": layer.lines, "size": layer.size, "font": Path(layer.font).name if layer.font else None, "changes": layer.changes}
        for layer in spec.layers()
    }


def _product_alpha(spec: LayerSpec, product: Image.Image) -> np.ndarray | None:
    box = spec.product["box"]
    if spec.product.get("method") == "framed":
        return None
    # at a quarter of the box: plenty for areas and mean colours
    return np.asarray(product.getchannel("A").resize((max(1, box[2] // 4), max(1, box[3] // 4)), Image.BOX), dtype=np.float32)


def restyle(
    banner: Banner,
    *,
    copy: BannerCopy | None = None,
    copy_source: str = "edited",
    text_colour: str | None = None,
    button_colour: str | None = None,
    clip=None,
    product_embedding: np.ndarray | None = None,
) -> Banner:
    """The banner drawn again from its layer spec with new words or colours: the same product
    pixels and backdrop, no diffusion. Layout scores are measured again, and the CLIP scores
    too when a CLIP model and the product's fused embedding are given (else the old ones stay).
    A colour of None keeps the current one; "" goes back to choosing one for contrast."""
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
    layout, measured = layout_scores(out.spec, _product_alpha(out.spec, banner.assets["product"]), out.image)
    scores = {k: v for k, v in banner.scores.items() if k not in layout}
    scores |= layout
    words = BannerCopy(*(out.spec.layer(r).text for r in ("headline", "subline", "cta")))
    if clip is not None and product_embedding is not None:
        emb = clip.encode_images([out.image])[0]
        product_cos, copy_cos = float(emb @ normalize(product_embedding)), float(emb @ clip.encode_texts([words.text()])[0])
        scores |= {"clip_product": round(float(clip.score(product_cos)), 4), "clip_copy": round(float(clip.score(copy_cos)), 4)}
        scores |= {"clip_product_cosine": round(product_cos, 4), "clip_copy_cosine": round(copy_cos, 4)}
    total, _ = _weighted(scores)
    metadata = banner.metadata | measured | {"copy": vars(words).copy(), "text": _text_metadata(out.spec)}
    if copy is not None:
        metadata["copy_source"] = copy_source
    return Banner(out.image, banner.size, scores, round(total, 4), metadata, out.spec, banner.assets, banner.rank)
