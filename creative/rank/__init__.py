"""The `rank` stage: every candidate (captions, copy, banners) ordered by its alignment with
the product and by diversity (MMR).

Ranking primitives shared by every stage: `cosine` alignment and the `calibrated` 0-1 score
(from `creative.vectors`, low enough for the encoder to use) and `mmr`. Everything is plain
numpy on L2-normalised embeddings, so the same maths ranks captions, copy, visuals and
finished banners.
"""

from __future__ import annotations

import numpy as np

from creative.vectors import calibrated, cosine, normalize

__all__ = ["calibrated", "cosine", "mmr", "normalize"]


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
