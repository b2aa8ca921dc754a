"""Embedding maths shared by every stage: L2 normalisation, cosine similarity, and the
calibrated 0-1 score of a CLIP cosine. Plain numpy on float32 vectors; no models."""

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
