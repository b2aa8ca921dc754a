"""Zero-shot tags: each vocabulary category (creative/data/vocabulary.toml) scored as CLIP
zero-shot classification of the product's pooled image embedding. The label text embeddings
are computed once per model and vocabulary and cached on disk."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from creative import data
from creative.models.clip import ClipEncoder
from creative.paths import atomic_write_bytes, creative_home
from creative.vectors import normalize


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
