"""Banner text in every script: shaped like Pillow's Raqm layout draws it, inside the safe zone,
nothing dropped without a flag. Fonts come from the packages creative depends on, so this holds on
a machine with no system fonts (see tests/test_fresh_machine.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, features

from creative.compose.banners import text_flags
from creative.compose import BannerCopy, all_sizes, banner_size, load_brand_kit, plan, render_banner
from creative.compose import fonts, shaping
from creative.generate.visuals import make_backdrop
from creative.rank.banners import layout_scores

pytestmark = pytest.mark.skipif(not features.check_feature("raqm"), reason="needs Pillow's Raqm layout (FriBiDi)")

TITLES = {
    "en": ("Trailrunner 2 waterproof running shoe", "en"),
    "zh": ("陶知 手工粗陶马克杯 350毫升 青绿釉", "zh"),
    "ja": ("手作りの陶器マグカップ「青磁」350ml", "ja"),
    "ar": ("Oud Royal عطر العود الملكي من دار ليالي", "ar"),
    "he": ("שמן זית כתית מעולה מהגליל 500 מ״ל", "he"),
    "hi": ("हाथ से छपा हुआ सूती दुपट्टा", "hi"),
    "th": ("ผ้าพันคอฝ้ายพิมพ์ลายด้วยมือ สีคราม", "th"),
}


def product(w: int = 240, h: int = 160) -> Image.Image:
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(im).rounded_rectangle([0, 20, w - 1, h - 1], radius=30, fill=(200, 40, 40, 255))
    return im


def compose(size: str, copy: BannerCopy, language: str, brand=None):
    p = product()
    bg = {"kind": "procedural", "backdrop": make_backdrop("studio", 0, 0, [(200, 40, 40)], None)}
    spec = plan(banner_size(size), product_size=p.size, method="classical", copy=copy, background=bg, brand=brand, language=language)
    return render_banner(spec, {"product": p})


def reference_mask(line: str, face: fonts.Face, size: int, direction: str, language: str) -> np.ndarray:
    """The line as Pillow's Raqm layout draws it with the same font file, face and weight,
    cropped to its ink: what the banner's line must match pixel for pixel."""
    font = ImageFont.truetype(face.path, size, index=face.index, layout_engine=ImageFont.Layout.RAQM)
    if face.variable:  # the weight on the 'wght' axis, the others at their defaults
        axes = font.get_variation_axes()
        font.set_variation_by_axes([float(face.weight) if a["name"] in (b"Weight", "Weight") else float(a["default"]) for a in axes])
    left, top, right, bottom = font.getbbox(line, anchor="ls", direction=direction, language=language)
    im = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(im).text((2 - left, 2 - top), line, font=font, fill=255, anchor="ls", direction=direction, language=language)
    a = np.asarray(im)
    ys, xs = np.nonzero(a)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def drawn_mask(ink: Image.Image, box) -> np.ndarray:
    a = np.asarray(ink.crop((box.x, box.y, box.right, box.bottom)))
    ys, xs = np.nonzero(a)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("key", list(TITLES))
def test_titles_in_every_script_match_raqm_in_every_size_inside_the_safe_zone(key):
    title, lang = TITLES[key]
    for name in all_sizes():
        out = compose(name, BannerCopy(title, "", ""), lang)
        head = out.spec.layer("headline")
        safe = out.spec.safe
        assert head.lines, (key, name)
        ys, xs = np.nonzero(np.asarray(out.ink))
        assert xs.min() >= safe.x and xs.max() < safe.right and ys.min() >= safe.y and ys.max() < safe.bottom, (key, name)
        assert head.ink.inside(safe), (key, name)
        # nothing dropped silently: every character is drawn, or the change is recorded
        drawn = _squash("".join(head.lines))
        if drawn != _squash(title):
            assert drawn.endswith("…") and _squash(title).startswith(drawn[:-1]) and any("shortened" in c for c in head.changes), (key, name, head.lines)
        assert not head.missing and not text_flags(out.spec)
        assert head.direction == ("rtl" if lang in ("ar", "he") else "ltr")
        # each line is what Raqm draws with the same font: pixel for pixel on its crop
        assert len(head.line_boxes) == len(head.lines)
        paragraph = shaping.shape(shaping.clean(title, fonts.emoji_face() is not None)[0], fonts.BOLD, lang)
        for text, box in zip(head.lines, head.line_boxes):
            line = shaping.line_of(paragraph, text, fonts.BOLD, None)
            assert len(line.spans) == 1, (key, name, text)  # one face per line for these titles
            face = line.spans[0].face
            ref = reference_mask(text, face, head.size, head.direction, line.spans[0].lang)
            got = drawn_mask(out.ink, box)
            assert got.shape == ref.shape and np.array_equal(got > 127, ref > 127), (key, name, text, got.shape, ref.shape)


def test_arabic_is_joined_and_right_to_left_not_basic_layout():
    # Bug: load_font forced Pillow's basic layout: Arabic letters unjoined, word order reversed.
    title = "عطر العود"
    out = compose("1080x1080", BannerCopy(title, "", ""), "ar")
    head = out.spec.layer("headline")
    face = fonts.chain("Arab", "ar", fonts.BOLD)[0]
    got = drawn_mask(out.ink, head.line_boxes[0])
    assert np.array_equal(got > 127, reference_mask(title, face, head.size, "rtl", "ar") > 127)
    basic = ImageFont.truetype(face.path, head.size, layout_engine=ImageFont.Layout.BASIC)
    left, top, right, bottom = basic.getbbox(title)
    assert (right - left) != got.shape[1] or not np.array_equal(got > 127, _basic(title, basic) > 127)


def _basic(text: str, font) -> np.ndarray:
    m = np.asarray(font.getmask(text))
    return m.reshape(font.getmask(text).size[::-1])


def test_hindi_and_thai_in_a_description_are_drawn_not_deleted():
    # Bug: "Hand block printed. हल्का और मुलायम" was drawn as "Hand block printed. ." (deleted).
    for sub, lang in (("Hand block printed. हल्का और मुलायम. Soft", "hi"), ("Hand block printed. นุ่มสบาย. Soft", "th")):
        out = compose("1080x1080", BannerCopy("Cotton scarf", sub, "Shop now"), "en")
        layer = out.spec.layer("subline")
        assert _squash(" ".join(layer.lines)) == _squash(sub), (lang, layer.lines)
        assert not layer.missing and not layer.changes


def test_a_mixed_direction_line_orders_its_runs_like_the_bidi_algorithm():
    out = compose("1200x628", BannerCopy("Trail shoe עברית inside", "", ""), "en")
    head = out.spec.layer("headline")
    assert head.direction == "ltr" and _squash("".join(head.lines)) == _squash("Trail shoe עברית inside")
    line = shaping.layout_line(shaping.shape("Trail shoe עברית inside", fonts.BOLD, "en"), 40)
    texts = [p.text.strip() for p in line.pieces if p.text.strip()]
    assert texts == ["Trail shoe", "עברית", "inside"]  # Latin, then the Hebrew word, then Latin
    assert [p.direction for p in line.pieces if p.text.strip()] == ["ltr", "rtl", "ltr"]
    assert len({p.face.path for p in line.pieces if p.text.strip()}) == 2  # Hebrew set in a Hebrew face


def test_a_long_model_code_breaks_instead_of_shrinking_the_stack():
    # Bug: a 67-character model code shrank the 1080x1080 stack to 19/11/10 px, unrecorded.
    code = "XR7ULTRALIGHTCARBONTRAILRUNNERGTXWIDEFITMODEL2026EDITIONBLACKORANGE"
    assert len(code) == 67
    out = compose("1080x1080", BannerCopy(f"Northpeak {code} shoe", "Breathable mesh upper", "Shop now"), "en")
    head, sub, cta = (out.spec.layer(r) for r in ("headline", "subline", "cta"))
    assert head.size >= 36 and sub.size >= 18 and cta.size >= 16, (head.size, sub.size, cta.size)
    assert _squash("".join(head.lines)) == _squash(f"Northpeak {code} shoe")
    assert any("long word" in c for c in head.changes)


def test_kinsoku_no_line_starts_with_closing_punctuation():
    text = "超轻防水越野跑鞋，碳板中底，专为长距离山地赛事和日常训练打造，舒适透气，抓地力强。"
    for name in all_sizes():
        out = compose(name, BannerCopy(text, "", ""), "zh")
        for line in out.spec.layer("headline").lines:
            assert line[0] not in "，。！？、；：）」』】》", (name, line)


def test_a_character_no_font_has_is_flagged_and_penalised_never_dropped_silently():
    odd = "\U00010c80"  # Old Hungarian: in none of the packaged fonts
    if fonts.system_face_for(ord(odd), fonts.BOLD) is not None:
        pytest.skip("a system font here covers the probe character")
    out = compose("1080x1080", BannerCopy(f"Trail {odd} shoe", "", ""), "en")
    head = out.spec.layer("headline")
    assert head.missing == odd and " ".join(head.lines) == "Trail shoe"
    flags = text_flags(out.spec)
    assert flags and odd in flags[0]
    clean = compose("1080x1080", BannerCopy("Trail shoe", "", ""), "en")
    flagged_scores, measured = layout_scores(out.spec, None)
    clean_scores, _ = layout_scores(clean.spec, None)
    assert measured["text_flags"] == flags
    assert flagged_scores["text_fit"] <= clean_scores["text_fit"] - 0.5


def test_the_cli_warns_when_banner_text_is_flagged(product_image, tmp_path, capsys, monkeypatch):
    from creative.models import resolve
    from creative.cli import main

    odd = "\U00010c80"
    if fonts.system_face_for(ord(odd), fonts.BOLD) is not None:
        pytest.skip("a system font here covers the probe character")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolve.hub_offline_reason.cache_clear()
    code = main(["banners", str(product_image), "--title", f"Red {odd} bag", "--sizes", "300x250", "--n", "1", "--out", str(tmp_path)])
    assert code == 0
    err = capsys.readouterr().err
    assert "warning" in err and "no installed font" in err and odd in err


def test_a_brand_font_named_by_family_comes_from_its_fontpkg_package(tmp_path):
    kit = tmp_path / "brand.toml"
    kit.write_text('[fonts]\nheadline = "Heebo"\nbody = "Noto Sans"\n')
    brand = load_brand_kit(kit)
    assert brand.font_headline == "Heebo"
    out = compose("1080x1080", BannerCopy("Trail shoe", "Breathable mesh", "Shop now"), "en", brand=brand)
    assert "Heebo" in out.spec.layer("headline").font
    bad = tmp_path / "bad.toml"
    bad.write_text('[fonts]\nheadline = "No Such Family"\n')
    with pytest.raises(ValueError, match="fontpkg-no-such-family"):
        load_brand_kit(bad)


def test_a_devanagari_brand_font_is_shaped(tmp_path):
    # Bug: with a Devanagari brand font the vowel sign ि was drawn after its consonant.
    face = fonts.chain("Deva", "hi", fonts.REGULAR)[0]
    kit = tmp_path / "brand.toml"
    kit.write_text(f'[fonts]\nheadline = "{face.path}"\n')
    title = "हिन्दी"
    out = compose("1080x1080", BannerCopy(title, "", ""), "hi", brand=load_brand_kit(kit))
    head = out.spec.layer("headline")
    assert head.font == face.path
    brand_face = fonts.brand_face(face.path, fonts.BOLD)
    ref = reference_mask(title, brand_face, head.size, "ltr", "hi")
    assert np.array_equal(drawn_mask(out.ink, head.line_boxes[0]) > 127, ref > 127)


def test_emoji_are_drawn_in_colour_when_a_colour_font_is_installed_else_removed_and_recorded():
    out = compose("1080x1080", BannerCopy("Summer sale 🔥", "", ""), "en")
    head = out.spec.layer("headline")
    if fonts.emoji_face() is None:
        assert head.lines == ["Summer sale"] and any("emoji removed" in c for c in head.changes)
        return
    assert head.lines == ["Summer sale 🔥"] and not head.changes
    box = head.line_boxes[0]
    px = np.asarray(out.image.crop((box.right - head.size, box.y, box.right, box.bottom))).reshape(-1, 3).astype(int)
    assert (np.abs(px[:, 0] - px[:, 1]) > 60).any()  # coloured pixels where the flame is


def test_without_raqm_complex_scripts_are_flagged_as_unshaped(monkeypatch):
    # A Pillow without FriBiDi has only the basic layout: Arabic would be drawn unjoined and
    # reversed. That is flagged, not passed off as fine.
    monkeypatch.setattr(fonts, "RAQM", False)
    monkeypatch.setattr(fonts, "LAYOUT", ImageFont.Layout.BASIC)
    fonts.load.cache_clear()
    shaping.shape.cache_clear()
    shaping.layout_line.cache_clear()
    shaping.advance.cache_clear()
    try:
        out = compose("1080x1080", BannerCopy("Oud Royal عطر العود", "", ""), "ar")
    finally:
        for f in (fonts.load, shaping.shape, shaping.layout_line, shaping.advance, shaping._segments):
            f.cache_clear()
    head = out.spec.layer("headline")
    assert head.unshaped == "Arab" and any("without shaping" in c for c in head.changes)
    assert text_flags(out.spec)


def test_a_number_and_its_unit_stay_on_one_line():
    for name in all_sizes():
        out = compose(name, BannerCopy("Northpeak Summit insulated water bottle 750 ml", "", ""), "en")
        lines = out.spec.layer("headline").lines
        assert not any(line.endswith("750") for line in lines), (name, lines)


def test_a_chinese_title_never_ends_with_one_character_alone_on_a_line():
    title = "声屿 Hush 40 头戴式主动降噪蓝牙耳机"
    for name in all_sizes():
        out = compose(name, BannerCopy(title, "", ""), "zh")
        lines = out.spec.layer("headline").lines
        assert len(lines) == 1 or len(lines[-1]) > 1, (name, lines)
