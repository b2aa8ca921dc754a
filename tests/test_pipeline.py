"""Studio.generate / generate_many and CreativeSet save/load."""

import numpy as np
import pytest

from conftest import SAMPLES
from creative.inputs.catalog import read_catalog
from creative.creative_set import CreativeSet

FAST = dict(sizes=["300x250", "1200x628"], n_captions=1, n_copies=1, n_visuals=1)


@pytest.fixture(scope="module")
def products():
    return [r.product for r in read_catalog(SAMPLES / "catalog.csv")][:2]


@pytest.fixture(scope="module")
def generated(tiny_studio, products):
    return tiny_studio.generate_many(products, platforms=["banner", "google_rsa"], seed=5, **FAST)


def test_generate_makes_every_part_and_records_how(generated, products):
    result = generated[0]
    assert result.product.title == products[0].title
    assert result.analysis["tags"]["category"] and result.embeddings["fused"].shape == (32,)
    assert len(result.captions) == 1 and set(result.copy) == {"banner", "google_rsa"}
    assert sorted({b.size for b in result.banners}) == ["1200x628", "300x250"]
    assert set(result.timings) == {"analyze", "text", "banners"}  # captions and copy are one batched decode
    assert result.models["lm"]["model"] == "tiny-llama" and result.models["clip"]["via"] == "tiny"
    banner_copy = result.copy["banner"][0].fields
    assert result.best_banner("300x250").metadata["copy"]["headline"] == banner_copy["headline"], "the banner carries the best banner copy"


def test_generate_many_equals_one_at_a_time(tiny_studio, generated, products):
    single = tiny_studio.generate(products[1], platforms=["banner", "google_rsa"], seed=5, **FAST)
    assert [c.fields for c in single.copy["google_rsa"]] == [c.fields for c in generated[1].copy["google_rsa"]]
    assert np.array_equal(np.asarray(single.banners[0].image), np.asarray(generated[1].banners[0].image))


def test_save_load_round_trip(generated, tmp_path):
    original = generated[0]
    original.save(tmp_path / "set")
    loaded = CreativeSet.load(tmp_path / "set")
    assert loaded.files() == original.files()
    assert loaded.copy["banner"][0].fields == original.copy["banner"][0].fields
    assert loaded.banners[0].spec.to_dict() == original.banners[0].spec.to_dict()
    assert np.allclose(loaded.embeddings["fused"], original.embeddings["fused"])


def test_loaded_banner_rerenders_after_a_copy_edit(generated, tmp_path):
    from creative.compose import render

    generated[0].save(tmp_path / "set")
    banner = CreativeSet.load(tmp_path / "set").banners[0]
    spec = banner.spec
    spec.set_text("headline", "Edited headline")
    edited = render(spec, banner.assets)
    assert edited.size == banner.image.size and not np.array_equal(np.asarray(edited), np.asarray(banner.image))


def test_generate_cli_writes_a_loadable_set(tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    image = SAMPLES / "images" / "water_bottle.png"
    out = subprocess.run(
        [sys.executable, "-m", "creative", "generate", str(image), "--title", "Summit bottle 750 ml", "--profile", "tiny",
         "--sizes", "300x250", "--platforms", "meta", "--n-visuals", "1", "--n-copies", "1", "--n-captions", "1", "--out", str(tmp_path / "set")],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    assert out.returncode == 0, out.stderr
    loaded = CreativeSet.load(tmp_path / "set")
    assert loaded.product.title == "Summit bottle 750 ml" and set(loaded.copy) == {"meta"} and loaded.banners
