"""Banner ranking: layout quality measured on the rendered pixels, CLIP alignment with the
product and with the banner's own copy, and MMR within each size so the top picks differ.

    ranked = rank_banners(banners, clip=models.clip, product_embedding=analysis.embedding.fused)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from creative.colour import AA_NORMAL, to_lab
from creative.compose import BannerCopy, LayerSpec
from creative.compose.banners import Banner, text_flags
from creative.models.clip import ClipEncoder
from creative.rank import mmr
from creative.vectors import normalize

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


def _thumb_embedding(image: Image.Image) -> np.ndarray:
    """A cheap image descriptor for MMR when there is no CLIP model: a 12x12 colour thumbnail."""
    return normalize(np.asarray(image.convert("RGB").resize((12, 12), Image.BOX), dtype=np.float32).ravel() / 255 - 0.5)


def rank_banners(banners: list[Banner], *, clip: ClipEncoder | None = None, product_embedding: np.ndarray | None = None) -> list[Banner]:
    """Score every banner and order each size's banners best first (MMR over the proposals,
    so the top picks differ from each other); sizes keep their order. Scores are 0..1 (see
    WEIGHTS); with no CLIP model (or no product embedding) banners rank by layout alone."""
    clip_ok = clip is not None and product_embedding is not None
    if clip_ok:
        image_emb = clip.encode_images([b.image for b in banners])
        product_cos = image_emb @ normalize(product_embedding)
        texts = [_copy_text(b) for b in banners]
        copy_cos = np.zeros(len(banners), np.float32)
        for text, emb in zip(dict.fromkeys(texts), clip.encode_texts(list(dict.fromkeys(texts)))):  # banners of one product share their words
            same = [i for i, t in enumerate(texts) if t == text]
            copy_cos[same] = image_emb[same] @ emb
        clip_product = np.asarray(clip.score(product_cos), dtype=np.float64)
        clip_copy = np.asarray(clip.score(copy_cos), dtype=np.float64)
        ranking = "clip + layout"
    else:
        image_emb = np.stack([_thumb_embedding(b.image) for b in banners]) if banners else np.zeros((0, 432), np.float32)
        ranking = "layout only (clip unavailable)"
    for i, b in enumerate(banners):
        layout, measured = layout_scores(b.spec, _product_alpha(b.spec, b.assets["product"]), b.image)
        scores = dict(layout)
        if clip_ok:
            scores |= {"clip_product": round(float(clip_product[i]), 4), "clip_copy": round(float(clip_copy[i]), 4)}
            scores |= {"clip_product_cosine": round(float(product_cos[i]), 4), "clip_copy_cosine": round(float(copy_cos[i]), 4)}
        total, terms = weighted(scores)
        b.scores, b.score = scores, round(total, 4)
        b.metadata |= measured | {"ranking": ranking, "weights": terms}
    ordered: list[Banner] = []
    for size in dict.fromkeys(b.size for b in banners):
        idx = [i for i, b in enumerate(banners) if b.size == size]
        relevance = np.array([banners[i].score for i in idx])
        for rank, j in enumerate(mmr(relevance, image_emb[idx], k=len(idx), diversity=MMR_DIVERSITY), start=1):
            b = banners[idx[j]]
            b.rank = b.metadata["rank"] = rank
            ordered.append(b)
    return ordered


def rescore(banner: Banner, *, clip: ClipEncoder | None = None, product_embedding: np.ndarray | None = None) -> Banner:
    """A banner's scores measured again after it was drawn again (`compose.rerender`): layout
    always, CLIP too when a CLIP model and the product's fused embedding are given (else the
    old CLIP scores stay). Its rank is kept."""
    layout, measured = layout_scores(banner.spec, _product_alpha(banner.spec, banner.assets["product"]), banner.image)
    scores = {k: v for k, v in banner.scores.items() if k not in layout} | layout
    if clip is not None and product_embedding is not None:
        emb = clip.encode_images([banner.image])[0]
        product_cos, copy_cos = float(emb @ normalize(product_embedding)), float(emb @ clip.encode_texts([_copy_text(banner)])[0])
        scores |= {"clip_product": round(float(clip.score(product_cos)), 4), "clip_copy": round(float(clip.score(copy_cos)), 4)}
        scores |= {"clip_product_cosine": round(product_cos, 4), "clip_copy_cosine": round(copy_cos, 4)}
    total, _ = weighted(scores)
    banner.scores, banner.score = scores, round(total, 4)
    banner.metadata = banner.metadata | measured
    return banner


def _copy_text(banner: Banner) -> str:
    """The banner's words as CLIP reads them: the copy it was asked to show (after an edit,
    the words it shows)."""
    return BannerCopy(**banner.metadata["copy"]).text()


def weighted(scores: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The banner's score: the weighted mean of the components it has, and the weights used."""
    terms = {k: w for k, w in WEIGHTS.items() if k in scores}
    return sum(w * scores[k] for k, w in terms.items()) / sum(terms.values()), terms


def _product_alpha(spec: LayerSpec, product: Image.Image) -> np.ndarray | None:
    box = spec.product["box"]
    if spec.product.get("method") == "framed":
        return None
    # at a quarter of the box: plenty for areas and mean colours
    return np.asarray(product.getchannel("A").resize((max(1, box[2] // 4), max(1, box[3] // 4)), Image.BOX), dtype=np.float32)
