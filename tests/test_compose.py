"""Composition: sizes and templates, text fitting inside safe zones, contrast, fonts, layer specs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative import data
from creative.compose import (
    BannerCopy,
    LayerSpec,
    all_sizes,
    banner_size,
    default_copy,
    load_brand_kit,
    placed_product,
    plan,
    render,
    render_banner,
    template_for,
)
from creative.compose import fonts, shaping, typeset
from creative.colour import AA_NORMAL, contrast_ratio, relative_luminance, worst_contrast
from creative.inputs.product import Product

REPO = Path(__file__).resolve().parent.parent
BRAND = REPO / "samples" / "brand" / "brand.toml"

LONG_EN = BannerCopy(
    "Ultralight waterproof trail running shoe with a carbon-plated midsole for long mountain races and everyday training",
    "Breathable engineered mesh, a grippy Vibram-style outsole, reflective details and a free returns promise for ninety days",
    "Shop the collection now",
)
LONG_ZH = BannerCopy(
    "超轻防水越野跑鞋，碳板中底，专为长距离山地赛事和日常训练打造，舒适透气，抓地力强",
    "透气工程网面，耐磨橡胶大底，反光细节设计，九十天无忧退换",
    "立即购买",
)
EMOJI = BannerCopy("Summer sale 🔥 on trail shoes 👟🏽", "Free shipping ✨ today only 🎉", "Shop now 👉")
NORMAL = BannerCopy("Trailrunner 2 running shoe", "Breathable mesh upper", "Shop now")


def product_rgba(w: int = 240, h: int = 160) -> Image.Image:
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(im).rounded_rectangle([0, 20, w - 1, h - 1], radius=30, fill=(200, 40, 40, 255))
    return im


def stripes(size: int = 64) -> Image.Image:
    """The worst background for text: black and white stripes (no text colour works alone)."""
    a = np.zeros((size, size, 3), np.uint8)
    a[:, ::2] = 255
    return Image.fromarray(a)


def compose(size: str, copy: BannerCopy, *, background=None, brand=None, assets=None):
    product = product_rgba()
    bg = background or {"kind": "image", "asset": "visual", "fit": "cover"}
    logo = Image.open(brand.logo) if brand and brand.logo else None
    spec = plan(
        banner_size(size), product_size=product.size, method="classical", copy=copy, background=bg, brand=brand, logo_size=logo.size if logo else None
    )
    assets = assets or {"product": product, "visual": stripes()} | ({"logo": logo} if logo else {})
    return render_banner(spec, assets), assets


def _drawable(line: str, layer) -> bool:
    """Every character of a drawn line is set in a face that has a glyph for it (no tofu)."""
    weight = typeset.BOLD if layer.weight == "bold" else typeset.REGULAR
    shaped = shaping.shape(line, weight, "en")
    return shaped.text == line and all(fonts.covers(s.face, line[s.start : s.end]) for s in shaped.spans)


def test_sizes_and_safe_zones_are_data():
    sizes = all_sizes()
    for name in ("1080x1080", "1080x1350", "1080x1920", "1200x628", "1200x1200", "300x250", "728x90", "160x600", "320x50"):
        assert name in sizes and sizes[name].platform
    story = sizes["1080x1920"]
    assert story.safe == {"top": 0.14, "bottom": 0.35, "left": 0.06, "right": 0.06}
    box = story.safe_box()
    assert (box.x, box.y, box.right, box.bottom) == (65, 269, 1015, 1248)
    assert banner_size("640x480").platform == "custom"
    with pytest.raises(ValueError, match="unknown banner size"):
        banner_size("huge")


def test_templates_follow_the_aspect_ratio():
    assert template_for(728, 90)[0] == "strip" and template_for(320, 50)[0] == "strip"
    assert template_for(970, 250)[0] == "billboard"
    assert template_for(1200, 628)[0] == "wide"
    assert template_for(1080, 1080)[0] == "square" and template_for(300, 250)[0] == "square"
    assert template_for(1080, 1350)[0] == "portrait"
    assert template_for(1080, 1920)[0] == "story"
    assert template_for(160, 600)[0] == "skyscraper"


@pytest.mark.parametrize("copy", [LONG_EN, LONG_ZH, EMOJI], ids=["long-en", "long-zh", "emoji"])
def test_text_stays_inside_the_safe_zone_with_aa_contrast_in_every_size(copy):
    for name, size in all_sizes().items():
        out, _ = compose(name, copy)
        safe = out.spec.safe
        drawn = [layer for layer in out.spec.layers() if layer.lines]
        assert drawn and drawn[0].role == "headline", name
        for layer in drawn:
            assert layer.ink.inside(safe), (name, layer.role, layer.ink, safe)
            assert layer.contrast >= AA_NORMAL, (name, layer.role, layer.contrast)
            assert "\u25a1" not in "".join(layer.lines)
            assert not layer.missing and all(_drawable(line, layer) for line in layer.lines), (name, layer.role)
        # independent of the spec: every glyph pixel actually drawn is inside the safe box
        ys, xs = np.nonzero(np.asarray(out.ink))
        assert xs.min() >= safe.x and xs.max() < safe.right and ys.min() >= safe.y and ys.max() < safe.bottom, name
        assert out.spec.product["box"][0] >= safe.x and out.spec.product["box"][1] >= safe.y


def test_copy_is_spelled_exactly_when_it_fits():
    for name in ("1080x1080", "1200x628", "1080x1920", "300x600"):
        out, _ = compose(name, NORMAL)
        for layer, text in zip(out.spec.layers(), (NORMAL.headline, NORMAL.subline, NORMAL.cta)):
            assert " ".join(layer.lines) == text and not layer.changes, (name, layer.role, layer.lines)
    zh, _ = compose("1080x1080", BannerCopy("陶知 手工粗陶马克杯 350毫升", "手工拉坯", "立即购买"))
    head = zh.spec.layer("headline")
    assert "".join(head.lines).replace(" ", "") == "陶知手工粗陶马克杯350毫升" and not head.changes
    assert "NotoSansCJK" in head.font


@pytest.fixture
def no_colour_emoji_font(monkeypatch):
    """A machine with no colour emoji font (fontconfig finds none), whatever this one has."""
    monkeypatch.setattr(fonts, "emoji_face", lambda: None)
    shaping.shape.cache_clear()
    yield
    shaping.shape.cache_clear()


def test_emoji_are_removed_and_recorded_never_drawn_as_boxes(no_colour_emoji_font):
    out, _ = compose("1080x1080", EMOJI)
    head = out.spec.layer("headline")
    assert " ".join(head.lines) == "Summer sale on trail shoes"
    assert any("emoji removed" in c and "🔥" in c for c in head.changes)
    assert out.spec.layer("cta").lines == ["Shop now"]


def test_long_text_is_shortened_with_an_ellipsis_and_recorded():
    out, _ = compose("320x50", LONG_EN)
    head = out.spec.layer("headline")
    assert head.lines[-1].endswith("…")
    assert any("shortened" in c for c in head.changes)
    assert out.spec.blocks[0].dropped == ["subline"]  # strips have no room for one


def test_a_backing_plate_is_drawn_when_no_text_colour_has_the_contrast():
    out, _ = compose("1080x1080", NORMAL)
    head = out.spec.layer("headline")
    assert head.plate is not None and head.contrast >= AA_NORMAL
    calm, _ = compose("1080x1080", NORMAL, background={"kind": "procedural", "backdrop": _backdrop()})
    assert calm.spec.layer("headline").plate is None


def _backdrop(style: str = "studio") -> dict:
    from creative.generate.visuals import make_backdrop

    return make_backdrop(style, 0, 0, [(200, 40, 40)], None)


def test_contrast_maths():
    assert float(contrast_ratio(relative_luminance(np.array([0, 0, 0])), relative_luminance(np.array([255, 255, 255])))) == pytest.approx(21.0)
    assert worst_contrast((255, 255, 255), np.array([[[255, 255, 255], [0, 0, 0]]])) == pytest.approx(1.0)


def test_the_button_colour_is_adjusted_for_a_readable_label(tmp_path):
    kit = tmp_path / "kit.toml"
    kit.write_text('[colours]\nprimary = "#777777"\n')
    out, _ = compose("1080x1080", NORMAL, brand=load_brand_kit(kit))
    cta = out.spec.layer("cta")
    assert cta.contrast >= AA_NORMAL and cta.button["fill"] != "#777777"


def test_the_example_brand_kit_loads_and_its_logo_is_placed():
    kit = load_brand_kit(BRAND)
    assert kit.name == "Northpeak" and Path(kit.logo).is_file()
    out, _ = compose("1080x1080", NORMAL, brand=kit)
    assert out.spec.logo is not None
    x, y, w, h = out.spec.logo["box"]
    safe = out.spec.safe
    assert x >= safe.x and y >= safe.y and x + w <= safe.right and y + h <= safe.bottom


def test_a_bad_brand_kit_names_the_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[colours]\nprimary = "blue"\n')
    with pytest.raises(ValueError, match="bad.toml.*not a hex colour"):
        load_brand_kit(bad)
    missing = tmp_path / "missing.toml"
    missing.write_text('logo = "nope.png"\n')
    with pytest.raises(ValueError, match="file not found: nope.png"):
        load_brand_kit(missing)


def test_text_no_font_can_draw_is_removed_and_flagged_never_drawn_as_tofu(monkeypatch):
    # Before: a missing CJK font raised FontNotFoundError and the whole banner failed; now the
    # characters are removed, named on the layer (`missing`) and the banner is flagged.
    real_chain = fonts.chain.__wrapped__

    def no_cjk(script, lang, weight):
        return () if script in ("Hani", "Hira", "Kana", "Hang") else real_chain(script, lang, weight)

    monkeypatch.setattr(fonts, "chain", no_cjk)
    monkeypatch.setattr(fonts, "all_faces", lambda weight: tuple(f for f in real_chain("Latn", "en", weight)))
    monkeypatch.setattr(fonts, "system_face_for", lambda codepoint, weight: None)
    shaping.shape.cache_clear()
    try:
        out, _ = compose("1080x1080", BannerCopy("Hush 40 头戴式耳机", "Bluetooth 5.3", "Shop now"))
    finally:
        shaping.shape.cache_clear()
    head = out.spec.layer("headline")
    assert head.missing == "头戴式耳机"
    assert " ".join(head.lines) == "Hush 40"
    assert any("no installed font" in c and "头" in c for c in head.changes)


def test_the_layer_spec_round_trips_through_json_and_re_renders_identically():
    out, assets = compose("1200x628", NORMAL, background={"kind": "procedural", "backdrop": _backdrop()})
    d = json.loads(json.dumps(out.spec.to_dict()))
    assert d["product"]["box"] == out.spec.product["box"] and isinstance(d["safe"], list)
    again = render(LayerSpec.from_dict(d), assets)
    assert np.array_equal(np.asarray(again), np.asarray(out.image))


def test_editing_the_headline_re_renders_without_touching_the_product():
    out, assets = compose("1080x1080", NORMAL, background={"kind": "procedural", "backdrop": _backdrop()})
    spec = LayerSpec.from_dict(out.spec.to_dict())
    spec.set_text("headline", "Now 20% off: Trailrunner 2")
    edited = render_banner(spec, assets)
    assert " ".join(edited.spec.layer("headline").lines) == "Now 20% off: Trailrunner 2"
    layer, box = placed_product(edited.spec, assets)
    solid = np.asarray(layer)[..., 3] == 255
    for image in (out.image, edited.image):
        region = np.asarray(image)[box.y : box.bottom, box.x : box.right]
        assert np.array_equal(region[solid], np.asarray(layer)[..., :3][solid])
    with pytest.raises(KeyError):
        spec.set_text("footnote", "x")


@pytest.mark.parametrize("size", ["300x250", "160x600", "970x250"])
def test_a_rendered_spec_renders_again_from_scratch_after_an_edit(size):
    # Bug: rendering wrote what it measured into the block (a subline left out for room, a
    # capped CTA size), so an edited spec stayed stuck with the old text's outcome.
    out, assets = compose(size, LONG_EN)
    assert render_banner(LayerSpec.from_dict(out.spec.to_dict()), assets).spec.to_dict() == out.spec.to_dict()
    spec = LayerSpec.from_dict(out.spec.to_dict())
    for role, text in (("headline", NORMAL.headline), ("subline", NORMAL.subline), ("cta", NORMAL.cta)):
        spec.set_text(role, text)
    edited = render_banner(spec, assets)
    fresh, _ = compose(size, NORMAL, assets=assets)
    assert edited.spec.to_dict() == fresh.spec.to_dict()
    assert np.array_equal(np.asarray(edited.image), np.asarray(fresh.image))


def test_default_copy_comes_from_the_product_facts(product_image):
    en = Product(images=[product_image], title="Trailrunner 2", description="Breathable mesh upper. Grippy outsole.", price=89, currency="EUR")
    copy = default_copy(en)
    assert copy == BannerCopy("Trailrunner 2", "Breathable mesh upper\u00a0·\u00a0€89", "Shop now")
    zh = Product(images=[product_image], title="手工马克杯", attributes={"颜色": "青绿"}, language="zh")
    assert default_copy(zh) == BannerCopy("手工马克杯", "青绿", data.load("layouts")["default_copy"]["cta"]["zh"])


def test_a_button_that_does_not_fit_whole_is_left_out_never_cut():
    # 320x50 once drew "View…": no call to action reads like that
    out, _ = compose("320x50", BannerCopy("Loftstep Pace Runner shoe", "Weight 265 g (UK 8).", "Explore the collection"))
    cta = out.spec.layer("cta")
    assert not any(line.endswith("…") for line in cta.lines)
    assert cta.lines == [] and any("do not fit whole" in c for c in cta.changes)
    assert out.spec.layer("headline").lines  # the words that matter stay
