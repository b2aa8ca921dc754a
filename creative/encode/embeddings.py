"""The `encode` stage: CLIP image and text embeddings, their fusion, and zero-shot tags.

    images --CLIP image tower--> pooled image embedding --\
                                                           +--> fused product embedding
    facts  --CLIP text tower---> pooled text embedding  --/

Every embedding is L2-normalised. The fused embedding is what later stages condition on
and rank against; its parts stay available for stages that want only one modality.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from creative import data
from creative.paths import atomic_write_bytes, creative_home
from creative.rank import calibrated, normalize

# Image and text count equally by default. CLIP's two towers sit apart in the shared
# space (the "modality gap"), so the normalised average lands between them and scores
# well against both a product's photos and its facts; 0.5 is the point that favours neither.
DEFAULT_IMAGE_WEIGHT = 0.5


@dataclass
class ClipEncoder:
    """An open_clip model with batched, normalised encoders and a text-embedding memo."""

    model: Any
    preprocess: Any
    tokenizer: Any
    name: str
    device: str
    options: dict = field(default_factory=dict)
    key: str = ""  # identifies the weights, for on-disk caches
    batch_size: int = 32
    _text_memo: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def logit_scale(self) -> float:
        return float(self.model.logit_scale.exp().item())

    def score(self, cos: np.ndarray | float) -> np.ndarray:
        """Calibrated 0-1 score of raw cosines, with this model's calibration constants."""
        return calibrated(cos, self.options.get("calibration_center", 0.2), self.options.get("calibration_scale", 0.04))

    def encode_images(self, images: list) -> np.ndarray:
        """(n, d) normalised embeddings of RGB PIL images, in batches."""
        import torch

        out = []
        for start in range(0, len(images), self.batch_size):
            batch = torch.stack([self.preprocess(im) for im in images[start : start + self.batch_size]]).to(self.device)
            with torch.inference_mode():
                out.append(self.model.encode_image(batch).float().cpu().numpy())
        return normalize(np.concatenate(out)) if out else np.zeros((0, 0), np.float32)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """(n, d) normalised embeddings; each distinct text is encoded once per encoder."""
        import torch

        missing = list(dict.fromkeys(t for t in texts if t not in self._text_memo))
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start : start + self.batch_size]
            tokens = self.tokenizer(chunk).to(self.device)
            with torch.inference_mode():
                emb = normalize(self.model.encode_text(tokens).float().cpu().numpy())
            self._text_memo.update(zip(chunk, emb))
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([self._text_memo[t] for t in texts])


# -- fusion ---------------------------------------------------------------------------


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


# -- zero-shot tags -------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    category: str
    label: str  # English
    label_zh: str
    probability: float  # softmax over the category's labels
    similarity: float  # raw cosine with the image embedding

    def name(self, language: str = "en") -> str:
        return self.label_zh if language == "zh" else self.label


@dataclass
class TagBank:
    """Text embeddings of every vocabulary label, per category."""

    labels: dict[str, list[dict[str, str]]]
    embeddings: dict[str, np.ndarray]


def _bank_path(encoder: ClipEncoder) -> Path:
    digest = hashlib.sha256(encoder.key.encode() + b"\0" + data.data_bytes("vocabulary")).hexdigest()[:20]
    return creative_home() / "banks" / f"vocabulary-{digest}.npz"


def tag_bank(encoder: ClipEncoder) -> TagBank:
    """Build the bank once per model and vocabulary; later runs read it from disk."""
    vocab = data.load("vocabulary")["categories"]
    labels = {cat: spec["labels"] for cat, spec in vocab.items()}
    path = _bank_path(encoder)
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as npz:
                embeddings = {cat: npz[cat] for cat in labels}
            if all(len(embeddings[c]) == len(labels[c]) for c in labels):
                return TagBank(labels, embeddings)
        except (OSError, KeyError, ValueError):
            pass  # a damaged cache file is rebuilt below
    embeddings = {
        cat: encoder.encode_texts([spec["template"].format(label["en"]) for label in spec["labels"]]) for cat, spec in vocab.items()
    }
    buffer = io.BytesIO()
    np.savez(buffer, **embeddings)
    atomic_write_bytes(path, buffer.getvalue())
    return TagBank(labels, embeddings)


def tag_image(bank: TagBank, image_embedding: np.ndarray, logit_scale: float, top_k: int = 3) -> dict[str, list[Tag]]:
    """The `top_k` labels of each category, best first, scored as CLIP zero-shot classification."""
    result: dict[str, list[Tag]] = {}
    for cat, emb in bank.embeddings.items():
        sims = emb @ normalize(image_embedding)
        logits = logit_scale * sims
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        order = np.argsort(-probs, kind="stable")[:top_k]
        result[cat] = [
            Tag(cat, bank.labels[cat][i]["en"], bank.labels[cat][i]["zh"], float(probs[i]), float(sims[i])) for i in order
        ]
    return result
