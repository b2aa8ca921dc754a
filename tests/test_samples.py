"""The shipped sample catalog: varied, valid, and every product analyses offline."""

import numpy as np

from conftest import SAMPLES
from creative.inputs.catalog import read_catalog
from creative.inputs.images import load_image


def test_catalog_is_varied_and_valid():
    rows = read_catalog(SAMPLES / "catalog.csv")
    assert len(rows) >= 6 and all(r.error is None for r in rows), [r.error for r in rows if r.error]
    products = [r.product for r in rows]
    assert sum(p.language == "zh" for p in products) >= 2
    assert len({p.sku for p in products}) == len(products)
    assert any(len(p.images) > 1 for p in products)


def test_images_include_transparency_and_a_textured_background():
    products = [r.product for r in read_catalog(SAMPLES / "catalog.csv")]
    paths = [p for product in products for p in product.images]
    assert any(load_image(p, keep_alpha=True).mode == "RGBA" for p in paths)

    def border_spread(path) -> float:
        a = np.asarray(load_image(path), dtype=float)
        border = np.concatenate([a[:8].reshape(-1, 3), a[-8:].reshape(-1, 3), a[:, :8].reshape(-1, 3), a[:, -8:].reshape(-1, 3)])
        return float(border.std(axis=0).mean()) if border.mean() < 235 else 0.0

    assert any(border_spread(p) > 8 for p in paths), "one product sits on a non-white, textured background"


def test_every_sample_analyses_on_tiny(tiny_studio):
    products = [r.product for r in read_catalog(SAMPLES / "catalog.csv")]
    for product, analysis in zip(products, tiny_studio.analyze_many(products)):
        assert analysis.embedding is not None and analysis.embedding.per_image.shape[0] == len(product.images)
        assert analysis.tags["category"] and analysis.fallbacks == []
