"""Finished banners: every size, ranked, product pixels intact, deterministic, saved with a sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.rank.banners import WEIGHTS
from creative.inputs.catalog import read_catalog
from creative.compose import BannerCopy, all_sizes, load_brand_kit, placed_product
from creative.colour import AA_NORMAL
from creative.inputs.product import Product

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "samples" / "catalog.csv"


def sample_products() -> list[Product]:
    if not CATALOG.is_file():
        pytest.skip("sample catalog not drawn")
    return [row.product for row in read_catalog(CATALOG) if row.product]


def check(banner) -> None:
    """What every finished banner promises: text inside the safe zone, AA contrast."""
    spec = banner.spec
    assert banner.image.size == (spec.width, spec.height)
    drawn = [layer for layer in spec.layers() if layer.lines]
    assert drawn, banner.size
    for layer in drawn:
        assert layer.ink.inside(spec.safe), (banner.size, layer.role)
        assert layer.contrast >= AA_NORMAL, (banner.size, layer.role, layer.contrast)
    assert banner.metadata["min_contrast"] >= AA_NORMAL


def test_offline_banners_in_every_size_are_procedural_and_ranked_by_layout(offline_studio, product_image):
    product = Product(images=[product_image], title="Trailrunner 2 running shoe", description="Breathable mesh upper.", price=89, currency="EUR")
    banners = offline_studio.banners(product, n=2, seed=0)
    assert sorted({b.size for b in banners}) == sorted(all_sizes())
    assert len(banners) == 2 * len(all_sizes())
    for b in banners:
        check(b)
        meta = b.metadata
        assert meta["visual_source"] == "procedural" and meta["safety"] == "not needed (procedural)"
        assert meta["ranking"] == "layout only (clip unavailable)"
        assert meta["copy_source"] == "product facts" and meta["copy"]["cta"] == "Shop now"
        assert meta["models"]["clip"] is None and meta["models"]["safety"]
        assert any("diffusion unavailable" in f for f in meta["fallbacks"])
        assert set(b.scores) == {"contrast", "occupancy", "text_fit", "separation"}
    first = [b for b in banners if b.size == "1080x1080"]
    assert [b.rank for b in first] == [1, 2]


def test_tiny_banners_rank_with_clip_and_screen_every_visual(tiny_studio, product_image):
    product = Product(images=[product_image], title="Red bag", description="A red leather bag.")
    copy = BannerCopy("Red bag", "Soft leather", "Buy now")
    banners = tiny_studio.banners(product, copy=copy, sizes=["1080x1080", "728x90"], n=3, seed=2)
    assert len(banners) == 6
    for b in banners:
        check(b)
        assert b.metadata["visual_source"] == "diffusion" and b.metadata["mode"] == "background"
        assert isinstance(b.metadata["safety"], dict) and "score" in b.metadata["safety"]
        assert b.metadata["copy_source"] == "given" and b.metadata["ranking"] == "clip + layout"
        assert set(WEIGHTS) <= set(b.scores)
        expected = sum(WEIGHTS[k] * b.scores[k] for k in WEIGHTS) / sum(WEIGHTS.values())
        assert b.score == pytest.approx(expected, abs=1e-3)
        assert b.metadata["models"]["diffusion"] == "tiny-sd"
    assert [b.rank for b in banners if b.size == "728x90"] == [1, 2, 3]


def test_same_seed_same_banners(tiny_studio, product_image):
    product = Product(images=[product_image], title="Red bag")
    a = tiny_studio.banners(product, sizes=["300x250"], n=2, seed=4)
    b = tiny_studio.banners(product, sizes=["300x250"], n=2, seed=4)
    for x, y in zip(a, b):
        assert np.array_equal(np.asarray(x.image), np.asarray(y.image)) and x.metadata == y.metadata


@pytest.mark.parametrize("mode", ["inpaint", "img2img"])
def test_product_pixels_are_intact_in_the_final_banner(tiny_studio, product_image, mode):
    product = Product(images=[product_image], title="Red bag")
    banners = tiny_studio.banners(product, sizes=["1080x1080", "1200x628"], n=1, mode=mode, seed=0)
    for b in banners:
        assert b.metadata["mode"] == mode and b.metadata["cutout"]["method"] == "classical"
        layer, box = placed_product(b.spec, b.assets)
        solid = np.asarray(layer)[..., 3] == 255
        ink = np.asarray(b.image)[box.y : box.bottom, box.x : box.right]
        assert solid.sum() > 1000
        assert np.array_equal(ink[solid], np.asarray(layer)[..., :3][solid]), b.size


def test_save_writes_png_or_jpeg_and_a_json_sidecar(offline_studio, product_image, tmp_path):
    product = Product(images=[product_image], title="Red bag")
    banner = offline_studio.banners(product, sizes=["300x250"], n=1)[0]
    sidecar = banner.save(tmp_path / "bag.png")
    assert Image.open(tmp_path / "bag.png").format == "PNG"
    meta = json.loads(sidecar.read_text())
    assert meta["size"] == "300x250" and meta["metadata"]["visual_source"] == "procedural"
    assert meta["spec"]["blocks"][0]["layers"][0]["text"] == "Red bag"
    banner.save(tmp_path / "bag.jpg")
    assert Image.open(tmp_path / "bag.jpg").format == "JPEG" and (tmp_path / "bag.json").is_file()
    with pytest.raises(ValueError, match=".png, .jpg"):
        banner.save(tmp_path / "bag.gif")


def test_brand_kit_on_a_banner(offline_studio, product_image):
    kit = load_brand_kit(REPO / "samples" / "brand" / "brand.toml")
    product = Product(images=[product_image], title="Red bag")
    banner = offline_studio.banners(product, sizes=["1200x628"], n=1, brand=kit)[0]
    check(banner)
    assert banner.spec.logo is not None and "logo" in banner.assets


def test_cli_banners_writes_images_and_sidecars(product_image, tmp_path, capsys, monkeypatch):
    from creative.models import resolve
    from creative.cli import main

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolve.hub_offline_reason.cache_clear()
    code = main(["banners", str(product_image), "--title", "Red bag", "--sizes", "300x250,728x90", "--n", "1", "--out", str(tmp_path), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["banners"]) == 2
    for item in out["banners"]:
        assert Path(item["path"]).is_file() and Path(item["path"]).with_suffix(".json").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["offline", "tiny"])
def test_every_sample_product_in_every_size(profile, offline_studio, tiny_studio):
    studio = offline_studio if profile == "offline" else tiny_studio
    for product in sample_products():
        banners = studio.banners(product, n=1, seed=0)
        assert sorted({b.size for b in banners}) == sorted(all_sizes()), product.title
        for b in banners:
            check(b)
            assert b.metadata["visual_source"] == ("procedural" if profile == "offline" else "diffusion")
            head = b.spec.layer("headline")
            if not head.changes and b.spec.template not in ("strip",):
                assert "".join(head.lines).replace(" ", "") == product.title.replace(" ", ""), (b.size, head.lines)
