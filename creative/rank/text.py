"""Text ranking: captions and copy variants ordered by CLIP alignment with the product and LM
fluency, near-duplicates dropped, a diverse few picked with MMR.

    result = rank_text(generate_copy(models, product, analysis=analysis), n=3, section="copy", clip=clip)
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np

from creative import data
from creative.generate.text import Candidate, TextResult
from creative.models.clip import ClipEncoder
from creative.rank import mmr
from creative.vectors import cosine


def rank_text(result: TextResult, n: int, section: str, clip: ClipEncoder | None = None) -> TextResult:
    """`result` with its drafts ranked: near-duplicates dropped, each scored (CLIP alignment
    with `result.target` when `clip` is given, and LM fluency; weights in ranking.toml
    [section]), a diverse `n` picked by MMR, best score first. `section` is "copy" or
    "captions"."""
    ranked = _rank(result.kept, result.target if clip is not None else None, n, section, clip)
    return replace(result, kept=ranked)


def _ranked_text(c: Candidate) -> str:
    # the button label comes from a fixed list per tone: it says nothing about the variant
    return " ".join(v for f, v in c.fields.items() if v and f != "cta")


def _rank(candidates: list[Candidate], target: np.ndarray | None, n: int, section: str, clip: ClipEncoder | None) -> list[Candidate]:
    cfg = data.load("ranking")[section]
    if not candidates:
        return []
    texts = [_ranked_text(c) for c in candidates]
    if target is not None and clip is not None:
        emb = clip.encode_texts(texts)
        clip_scores = np.asarray(clip.score(emb @ target), dtype=float)
    else:
        emb = _char_ngram_vectors(texts)
        clip_scores = None
    # near-duplicates: keep the first (lower seed) of each group
    keep: list[int] = []
    sims = cosine(emb, emb)
    for i in range(len(candidates)):
        if all(sims[i, j] < cfg["duplicate_similarity"] for j in keep):
            keep.append(i)
    weights = dict(cfg["weights"])
    if clip_scores is None:
        weights.pop("clip")
    total = sum(weights.values())
    for i in keep:
        c = candidates[i]
        if clip_scores is not None:
            c.scores["clip"] = float(clip_scores[i])
        c.scores["fluency"] = float(np.exp(c.fluency)) if c.fluency is not None else 0.0
        c.score = sum(w * c.scores[k] for k, w in weights.items()) / total
        if c.fluency is None and clip_scores is None:
            # copy built from the facts, which no model scored: the more of the facts it says,
            # the better (a tie-break well below any LM score)
            c.score += 1e-3 * min(1.0, len(texts[i]) / 200)
    relevance = np.array([candidates[i].score for i in keep])
    chosen = [keep[j] for j in mmr(relevance, emb[keep], k=n, diversity=cfg["mmr_diversity"])]
    return sorted((candidates[i] for i in chosen), key=lambda c: -c.score)


def _char_ngram_vectors(texts: list[str], n: int = 3, dim: int = 512) -> np.ndarray:
    """Hashed character-trigram counts: a model-free similarity for duplicate checks."""
    out = np.zeros((len(texts), dim), np.float32)
    for row, text in enumerate(texts):
        t = f"  {text.lower()} "
        for i in range(len(t) - n + 1):
            out[row, zlib.crc32(t[i : i + n].encode()) % dim] += 1  # crc32, not hash(): stable across runs
    return out
