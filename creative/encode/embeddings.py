"""CLIP image and text embeddings of products, pooled per product, and their fusion.

    images --CLIP image tower--> pooled image embedding --\
                                                           +--> fused product embedding
    facts  --CLIP text tower---> pooled text embedding  --/

Every embedding is L2-normalised. The fused embedding is what later stages condition on
and rank against; its parts stay available for stages that want only one modality.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from creative.models.clip import ClipEncoder
from creative.vectors import normalize

# Image and text count equally by default. CLIP's two towers sit apart in the shared
# space (the "modality gap"), so the normalised average lands between them and scores
# well against both a product's photos and its facts; 0.5 is the point that favours neither.
DEFAULT_IMAGE_WEIGHT = 0.5


def fuse(image: np.ndarray, text: np.ndarray, image_weight: float = DEFAULT_IMAGE_WEIGHT) -> np.ndarray:
    """normalize(w * image + (1 - w) * text) for normalised inputs; w in [0, 1]."""
    if not 0.0 <= image_weight <= 1.0:
        raise ValueError(f"image_weight must be in [0, 1], got {image_weight}")
    return normalize(image_weight * normalize(image) + (1.0 - image_weight) * normalize(text))


@dataclass
class ProductEmbedding:
    per_image: np.ndarray  # (n_images, d)
    per_text: np.ndarray  # (n_texts, d)
    image: np.ndarray  # (d,) pooled over the product's images
    text: np.ndarray  # (d,) pooled over its fact texts
    fused: np.ndarray  # (d,)
    image_weight: float


def pool(embeddings: np.ndarray) -> np.ndarray:
    """Mean of normalised rows, renormalised: one vector for a multi-image product."""
    return normalize(normalize(embeddings).mean(axis=0))


def embed_products(encoder: ClipEncoder, images: list[list], texts: list[list[str]], image_weight: float = DEFAULT_IMAGE_WEIGHT) -> list[ProductEmbedding]:
    """Embed many products with one batched pass per tower (what `generate_many` wants)."""
    flat_images = [im for ims in images for im in ims]
    flat_texts = [t for ts in texts for t in ts]
    image_emb = encoder.encode_images(flat_images)
    text_emb = encoder.encode_texts(flat_texts)
    out, i, j = [], 0, 0
    for ims, ts in zip(images, texts):
        per_image, per_text = image_emb[i : i + len(ims)], text_emb[j : j + len(ts)]
        i, j = i + len(ims), j + len(ts)
        img, txt = pool(per_image), pool(per_text)
        out.append(ProductEmbedding(per_image, per_text, img, txt, fuse(img, txt, image_weight), image_weight))
    return out
