"""Ranking primitives shared by every stage: cosine alignment, a calibrated 0-1 score, MMR.

Everything here is plain numpy on L2-normalised embeddings, so the same maths ranks
captions, copy, visuals and finished banners.
"""

from __future__ import annotations

import numpy as np


def normalize(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """L2-normalise along `axis`; zero vectors stay zero instead of becoming NaN."""
    x = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(x, axis=axis, keepdims=True)
    return x / np.maximum(norm, 1e-12)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity: vector-vector -> scalar, matrix-vector -> (n,), matrix-matrix -> (n, m)."""
    a, b = normalize(a), normalize(b)
    return a @ b.T if b.ndim > 1 else a @ b


def calibrated(cos: np.ndarray | float, center: float, scale: float) -> np.ndarray:
    """Map raw CLIP cosines to 0..1: sigmoid((cos - center) / scale).

    Raw cosines of a CLIP model crowd a narrow band (about 0.1-0.35 for ViT-B/32), so the
    raw number means little to a person. `center` is the cosine that should read as 0.5 and
    `scale` how quickly the score saturates; both come from the model's profile entry.
    """
    z = (np.asarray(cos, dtype=np.float64) - center) / scale
    return 1.0 / (1.0 + np.exp(-z))


def mmr(relevance: np.ndarray, embeddings: np.ndarray, k: int, diversity: float = 0.3) -> list[int]:
    """Maximal marginal relevance (Carbonell & Goldstein, 1998): pick `k` items, each time the
    one maximising (1 - diversity) * relevance - diversity * max similarity to those picked.

    diversity=0 is plain ranking by relevance; 1 ignores relevance after the first pick.
    Ties break towards the lower index, so the result is deterministic.
    """
    relevance = np.asarray(relevance, dtype=np.float64)
    n = len(relevance)
    if n == 0 or k <= 0:
        return []
    if not 0.0 <= diversity <= 1.0:
        raise ValueError(f"diversity must be in [0, 1], got {diversity}")
    sims = cosine(embeddings, embeddings)
    chosen: list[int] = [int(np.argmax(relevance))]
    while len(chosen) < min(k, n):
        redundancy = sims[:, chosen].max(axis=1)
        gain = (1.0 - diversity) * relevance - diversity * redundancy
        gain[chosen] = -np.inf
        chosen.append(int(np.argmax(gain)))
    return chosen
