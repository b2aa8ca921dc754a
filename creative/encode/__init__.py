"""The `encode` stage: what the product's photos and facts say.

    analyses = analyze_many(models, products)    # one batched CLIP pass per tower
    analyses[0].embedding.fused                  # (d,) float32, L2-normalised
    cutout = product_cutout(models, photo)       # the product's own pixels, with alpha

`embeddings` pools and fuses CLIP image and text embeddings, `tags` scores the vocabulary
zero-shot, `cutout` separates the product from its background.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from creative.encode.embeddings import DEFAULT_IMAGE_WEIGHT, ProductEmbedding, embed_products, fuse, pool
from creative.encode.tags import Tag, TagBank, tag_bank, tag_image
from creative.inputs.product import Product
from creative.models import Models
from creative.models.resolve import Resolution
from creative.vectors import cosine

__all__ = [
    "DEFAULT_IMAGE_WEIGHT",
    "Analysis",
    "ProductEmbedding",
    "Tag",
    "TagBank",
    "analyze_many",
    "embed_products",
    "fuse",
    "pool",
    "tag_bank",
    "tag_image",
]


@dataclass
class Analysis:
    """What the encode stage knows about one product."""

    product: Product
    embedding: ProductEmbedding | None  # None when no CLIP model is available
    tags: dict[str, list[Tag]]  # per vocabulary category, best first
    image_text_cosine: float | None  # do the photos match the facts?
    image_text_score: float | None  # the same, calibrated to 0..1
    roles: dict[str, Resolution]
    fallbacks: list[str] = field(default_factory=list)  # what ran without its model, and why

    def top_tags(self, n: int = 6) -> list[Tag]:
        """The best label of each category, most confident first (categories like colour or
        material have different numbers of labels, so confidence is measured against chance)."""
        best = [tags[0] for tags in self.tags.values() if tags]
        counts = {cat: len(tags) for cat, tags in self.tags.items()}
        return sorted(best, key=lambda t: -t.probability * counts.get(t.category, 1))[:n]

    def to_dict(self, *, embeddings: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "title": self.product.title,
            "sku": self.product.sku or None,
            "language": self.product.language,
            "images": len(self.product.images),
            "tags": {
                cat: [{"label": t.name(self.product.language), "label_en": t.label, "probability": round(t.probability, 4), "similarity": round(t.similarity, 4)} for t in tags]
                for cat, tags in self.tags.items()
            },
            "image_text_alignment": None
            if self.image_text_cosine is None
            else {"cosine": round(self.image_text_cosine, 4), "score": round(self.image_text_score or 0.0, 4)},
            "roles": {role: res.to_dict() for role, res in self.roles.items()},
            "fallbacks": self.fallbacks,
        }
        if self.embedding is not None:
            d["embedding_dim"] = int(self.embedding.fused.shape[-1])
            d["image_weight"] = self.embedding.image_weight
            if embeddings:
                d["embeddings"] = {k: getattr(self.embedding, k).round(6).tolist() for k in ("image", "text", "fused")}
        return d


def analyze_many(models: Models, products: list[Product], image_weight: float = DEFAULT_IMAGE_WEIGHT) -> list[Analysis]:
    """Embed and tag products with one batched CLIP pass per tower.

    Every photo is decoded first, so a bad image fails (ImageError, naming it) before any
    model loads. Without a CLIP model each Analysis has no embedding or tags and says why
    in `fallbacks`."""
    images = [p.load_images() for p in products]
    if not models.available("clip"):
        why = f"clip unavailable ({models.resolutions['clip'].reason}): no embeddings, tags or CLIP ranking"
        return [Analysis(p, None, {}, None, None, models.resolutions, [why]) for p in products]
    clip = models.clip
    embeddings = embed_products(clip, images, [p.facts_text() for p in products], image_weight)
    bank = tag_bank(clip)
    out = []
    for product, emb in zip(products, embeddings):
        cos = float(cosine(emb.image, emb.text))
        tags = tag_image(bank, emb.image, clip.logit_scale)
        out.append(Analysis(product, emb, tags, cos, float(np.asarray(clip.score(cos))), models.resolutions))
    return out
