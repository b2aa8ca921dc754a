import numpy as np
import pytest

from creative.rank import calibrated, cosine, mmr, normalize


def test_normalize_and_cosine():
    a = np.array([3.0, 4.0])
    assert np.allclose(normalize(a), [0.6, 0.8])
    assert np.allclose(normalize(np.zeros(3)), 0)  # no NaN for a zero vector
    m = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    assert np.allclose(cosine(m, np.array([2.0, 0.0])), [1.0, 0.0, np.sqrt(0.5)])
    assert cosine(m, m).shape == (3, 3) and np.allclose(np.diag(cosine(m, m)), 1)


def test_calibrated_score_is_monotone_and_centred():
    cos = np.linspace(-1, 1, 50)
    s = calibrated(cos, center=0.2, scale=0.04)
    assert np.all(np.diff(s) >= 0) and s.min() >= 0 and s.max() <= 1
    assert calibrated(0.2, 0.2, 0.04) == pytest.approx(0.5)
    assert calibrated(0.3, 0.2, 0.04) > 0.9 > 0.1 > calibrated(0.1, 0.2, 0.04)


def test_mmr_without_diversity_is_ranking_by_relevance():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(6, 8))
    rel = np.array([0.1, 0.9, 0.3, 0.8, 0.5, 0.2])
    assert mmr(rel, emb, k=6, diversity=0.0) == [1, 3, 4, 2, 5, 0]


def test_mmr_skips_a_near_duplicate_of_what_it_already_picked():
    base = np.eye(4)
    emb = np.stack([base[0], base[0] + 0.01 * base[1], base[2], base[3]])
    rel = np.array([0.9, 0.89, 0.6, 0.1])
    assert mmr(rel, emb, k=2, diversity=0.0) == [0, 1]
    assert mmr(rel, emb, k=2, diversity=0.5) == [0, 2]  # the duplicate loses to a distinct item


def test_mmr_edge_cases():
    assert mmr(np.array([]), np.zeros((0, 3)), k=3) == []
    assert mmr(np.array([0.5, 0.5]), np.eye(2), k=5) == [0, 1]  # k > n, ties to the lower index
    with pytest.raises(ValueError, match="diversity"):
        mmr(np.array([1.0]), np.eye(1), k=1, diversity=1.5)
