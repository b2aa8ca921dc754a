"""The studio's working session without the UI: looks, edits re-rendered from layer specs and
re-checked, regeneration that keeps what is locked, and the zip in the batch layout."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from creative.batch import BatchOptions, run_batch
from creative.compose import BannerCopy
from creative.creative_set import png_bytes
from creative.inputs.product import Product
from creative.ui.workbench import Settings, Workbench

REPO = Path(__file__).resolve().parent.parent
SHOE = REPO / "samples" / "images" / "running_shoe_side.jpg"
SIZES = ["1080x1080", "300x250"]
pytestmark = pytest.mark.slow


def pixels(banner) -> np.ndarray:
    return np.asarray(banner.image)


@pytest.fixture(scope="module")
def product() -> Product:
    return Product(images=[SHOE], title="Trailrunner 2", description="Breathable mesh upper.", sku="SHOE-1", platforms=["banner", "meta"], price=89, currency="EUR")


@pytest.fixture
def bench(tiny_studio, product) -> Workbench:
    bench = Workbench(tiny_studio, product, Settings(sizes=SIZES, n_captions=2, n_copies=2, n_visuals=2))
    stages = []
    bench.generate(progress=lambda fraction, stage: stages.append((fraction, stage)))
    names = [s for _, s in stages]
    assert names[:2] == ["analyzing", "copy and captions"] and "banners" in names
    assert "banners: composing 300x250" in names  # the longest stage reports its own steps
    assert [f for f, _ in stages] == sorted(f for f, _ in stages)
    return bench


def test_looks_group_one_visual_in_every_size_best_first(bench):
    looks = bench.looks()
    assert len(looks) == 2
    assert all([b.size for b in look.banners] == SIZES for look in looks)
    assert looks[0].score >= looks[1].score
    assert {look.key for look in looks} == {f"{b.metadata['seed']}-{b.metadata['proposal']}" for b in bench.result.banners}


def test_an_edit_re_renders_every_size_of_one_look_without_diffusion_and_re_checks_it(bench, monkeypatch):
    import creative.studio

    monkeypatch.setattr(creative.studio, "propose_visuals", lambda *a, **k: pytest.fail("an edit must not make visuals"))
    first, second = bench.looks()
    before = {b.size: pixels(b) for b in first.banners}
    other = {b.size: pixels(b) for b in second.banners}
    check = bench.edit(first.key, BannerCopy("Guaranteed best shoe ever made for every single trail, every road and every race in any weather all year round", "Light.", "Buy"))
    edited = bench.look(first.key)
    for b in edited.banners:
        assert not np.array_equal(pixels(b), before[b.size]), b.size
        assert b.metadata["copy"]["headline"].startswith("Guaranteed") and b.metadata["copy_source"] == "edited"
        assert b.assets["product"] is first.banner(b.size).assets["product"]  # same product pixels, same visual
    for b in bench.look(second.key).banners:  # the other look is untouched
        assert np.array_equal(pixels(b), other[b.size])
    assert check.over == {"headline": check.lengths["headline"] - 30}  # banner headline limit: 30
    assert {v.rule for v in check.violations} >= {"guarantees"} or {v.rule for v in check.violations} >= {"superlatives"}
    assert not check.ok
    assert check.layout["300x250"] == ["subline: left out: no room at a readable size"]
    assert bench.look(first.key).banner("300x250").metadata["text"]["subline"]["lines"] == []
    assert bench.words.headline.startswith("Guaranteed")  # new looks get the edited words

    fine = bench.edit(first.key, BannerCopy("Trailrunner 2", "Breathable mesh", "Shop now"), text_colour="#ffffff", button_colour="#aa0000")
    assert fine.ok
    cta = bench.look(first.key).banners[0].spec.layer("cta")
    assert cta.button["requested"] == "#aa0000"
    with pytest.raises(ValueError, match="headline"):
        bench.edit(first.key, BannerCopy("  ", "x", "y"))


def test_regenerating_visuals_keeps_locked_looks_and_replaces_the_rest(bench):
    first, second = bench.looks()
    bench.lock_look(second.key)
    kept = {b.size: pixels(b) for b in second.banners}
    bench.regenerate_visuals()
    looks = bench.looks()
    assert looks[0].key == second.key and looks[0].locked
    assert {b.size: pixels(b).tobytes() for b in looks[0].banners} == {s: p.tobytes() for s, p in kept.items()}
    assert first.key not in {look.key for look in looks} and len(looks) == 2
    for size in SIZES:
        assert sorted(b.rank for b in bench.result.banners if b.size == size) == [1, 2]
    bench.lock_look(looks[1].key)
    with pytest.raises(ValueError, match="locked"):
        bench.regenerate_visuals()


def test_regenerating_copy_keeps_locked_variants_and_re_words_unlocked_looks(bench):
    result = bench.result
    meta_before = [c.text for c in result.copy["meta"]]
    bench.lock_copy("meta", 1)
    first, second = bench.looks()
    bench.edit(second.key, BannerCopy("My own words", "", "Shop now"))
    seed = bench.copy_seed
    bench.regenerate_copy()
    assert bench.copy_seed != seed
    assert result.copy["meta"][0].text == meta_before[1]  # the locked variant stays, on top
    assert len(result.copy["meta"]) <= 2
    assert bench.look(second.key).words.headline == "My own words"  # an edited look keeps its words
    assert bench.look(first.key).words == BannerCopy(**{k: result.copy["banner"][0].fields[k] for k in ("headline", "subline", "cta")})
    with pytest.raises(ValueError):
        bench.lock_copy("meta", 9)


def test_the_zip_has_the_batch_layout_for_one_product(bench, tiny_studio, product, tmp_path):
    catalog = tmp_path / "catalog.jsonl"
    shutil.copy(SHOE, tmp_path / "shoe.jpg")  # photos outside the catalog's folder are refused
    row = {"sku": product.sku, "title": product.title, "description": product.description, "images": "shoe.jpg", "platforms": "banner|meta", "price": 89, "currency": "EUR"}
    catalog.write_text(json.dumps(row) + "\n")
    options = BatchOptions(profile="tiny", sizes=SIZES, n_captions=2, n_copies=2, n_visuals=2)
    summary = run_batch(catalog, tmp_path / "out", options=options, progress=False)
    assert summary.ok, summary.failed
    batch = {str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file()}
    with zipfile.ZipFile(io.BytesIO(bench.zip())) as z:
        names = set(z.namelist())
        assert names == batch
        # the same seed per SKU: the studio's first run is the batch run
        for name in names:
            if name.startswith("SHOE-1/banners/") and name.endswith(".png"):
                assert z.read(name) == (tmp_path / "out" / name).read_bytes(), name
        creative = json.loads(z.read("SHOE-1/creative.json"))
        assert creative["product"]["title"] == "Trailrunner 2"

    # an edit after a download: the next zip has the new pixels, not ones remembered from before
    look = bench.looks()[0]
    bench.edit(look.key, BannerCopy("Fresh words", "", "Shop now"))
    with zipfile.ZipFile(io.BytesIO(bench.zip())) as z:
        for b in bench.result.banners:
            assert z.read(f"SHOE-1/{bench.result.banner_filename(b)}") == png_bytes(b.image)


def test_nothing_to_edit_before_generating(tiny_studio, product):
    bench = Workbench(tiny_studio, product)
    with pytest.raises(ValueError, match="Generate"):
        bench.looks()
    with pytest.raises(ValueError, match="Generate"):
        bench.zip()


def test_saved_work_reopens_as_it_was_and_a_killed_save_loses_nothing(bench, tiny_studio, tmp_path):
    look = bench.looks()[1]
    bench.edit(look.key, BannerCopy("Saved words", "Still here", "Shop now"), text_colour="#123456")
    bench.lock_look(look.key)
    bench.lock_copy("meta", 0)
    folder = tmp_path / "work"
    first = bench.save(folder)
    before = bench.files()

    again = Workbench.load(tiny_studio, folder)
    assert [(x.key, x.locked, x.edited, x.words) for x in again.looks()] == [(x.key, x.locked, x.edited, x.words) for x in bench.looks()]
    assert again.locked_copy == bench.locked_copy and again.words == bench.words
    assert (again.copy_seed, again.visual_seed, again.settings) == (bench.copy_seed, bench.visual_seed, bench.settings)
    after = again.files()
    for name in before:
        if name.startswith("SHOE-1/banners/"):
            assert after[name] == before[name], name  # same pixels, same specs
    assert Path(again.product.images[0]).is_relative_to(first)  # the photo was kept with the work

    # a save killed halfway leaves a partial newer version: the last complete one still opens
    (folder / "9").mkdir()
    (folder / "9" / "workbench.json").write_text("{ half")
    assert Workbench.load(tiny_studio, folder).looks()[0].key == again.looks()[0].key
    again.regenerate_visuals()  # and work carries on from it
    newest = again.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["latest", newest.name])
    with pytest.raises(ValueError, match="no saved work"):
        Workbench.load(tiny_studio, tmp_path / "nothing")
