"""Product cutout: alpha, classical (plain backgrounds, shadows left out), segmenter, framed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from creative.encode.cutout import BUSY_LIMIT, box_sum, cut_out, label, product_cutout
from creative.inputs.images import load_image

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "images"


def shot(bg=(248, 248, 248), size=300, shadow=True, gradient=False) -> Image.Image:
    """A red product with a soft floor shadow on a studio background."""
    im = Image.new("RGB", (size, size), bg)
    if gradient:  # a sweep: darker wall at the top
        a = np.asarray(im).astype(np.float32)
        a *= np.linspace(0.9, 1.0, size)[:, None, None]
        im = Image.fromarray(a.astype(np.uint8))
    if shadow:
        sh = Image.new("L", im.size, 0)
        ImageDraw.Draw(sh).ellipse([50, 215, 250, 245], fill=110)
        sh = sh.filter(ImageFilter.GaussianBlur(8))
        im = Image.composite(Image.new("RGB", im.size, (0, 0, 0)), im, sh)
    ImageDraw.Draw(im).rounded_rectangle([70, 80, 230, 228], radius=20, fill=(200, 30, 30))
    return im


def test_classical_cutout_of_a_plain_background_keeps_the_product_and_leaves_its_shadow_out():
    im = shot()
    cut = cut_out(im)
    assert cut.method == "classical"
    assert cut.background_busyness < BUSY_LIMIT
    left, top, right, bottom = cut.bbox
    assert abs(left - 70) <= 3 and abs(top - 80) <= 3 and abs(right - 231) <= 3
    assert bottom <= 233, "the floor shadow under the product is not part of it"
    mask = np.asarray(cut.mask)
    assert mask[150, 150] == 255 and mask[5, 5] == 0 and mask[240, 150] < 40
    # the product's interior is its own pixels, bit for bit
    hard = cut.hard_mask()
    assert hard.sum() > 0.8 * 160 * 148
    assert np.array_equal(np.asarray(cut.image)[..., :3][hard], np.asarray(im)[hard])


def test_classical_cutout_on_a_studio_sweep_gradient():
    cut = cut_out(shot(gradient=True, shadow=False))
    assert cut.method == "classical"
    assert np.asarray(cut.mask)[10, 150] == 0 and np.asarray(cut.mask)[150, 150] == 255


def test_a_photo_with_transparency_keeps_its_alpha():
    im = Image.new("RGBA", (120, 100), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse([20, 10, 100, 90], fill=(30, 120, 60, 255))
    cut = cut_out(im)
    assert cut.method == "alpha"
    assert np.array_equal(np.asarray(cut.mask), np.asarray(im.getchannel("A")))
    assert cut.bbox == (20, 10, 101, 91)


def textured(size=300, seed=0) -> Image.Image:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (size // 4, size // 4, 3))
    base = Image.fromarray(np.clip(140 + 60 * noise, 0, 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)
    ImageDraw.Draw(base).rounded_rectangle([80, 80, 220, 220], radius=20, fill=(30, 90, 200))
    return base


def test_a_busy_background_is_framed_not_cut_raggedly():
    cut = cut_out(textured())
    assert cut.method == "framed"
    assert cut.background_busyness > BUSY_LIMIT
    assert cut.bbox == (0, 0, 300, 300)
    assert any("busy" in n for n in cut.notes)


class FakeSegmenter:
    name = "fake-segmenter"

    def __init__(self, confident: bool):
        self.confident = confident

    def foreground_probability(self, image):
        p = np.full((image.height, image.width), 0.05 if self.confident else 0.45, np.float32)
        p[80:220, 80:220] = 0.97 if self.confident else 0.55
        return p


def test_the_segmenter_is_used_when_the_classical_path_is_unreliable_and_it_is_confident():
    cut = cut_out(textured(), segmenter=FakeSegmenter(confident=True))
    assert cut.method == "segmenter"
    assert cut.bbox[0] in range(78, 83) and cut.bbox[2] in range(218, 223)
    unsure = cut_out(textured(), segmenter=FakeSegmenter(confident=False))
    assert unsure.method == "framed"
    assert any("fake-segmenter unreliable" in n for n in unsure.notes)


def test_product_cutout_tries_the_profile_segmenter_only_for_busy_photos(tiny_studio):
    assert product_cutout(tiny_studio.models, shot()).method == "classical"
    busy = product_cutout(tiny_studio.models, textured())
    # the tiny segmenter has random weights: it is consulted, found unsure, and the photo framed
    assert busy.method in ("framed", "segmenter")
    assert any("segmenter" in n or "segmented" in n for n in busy.notes)


def test_label_and_box_sum():
    m = np.zeros((6, 8), bool)
    m[0:2, 0:2] = True
    m[3:6, 4:7] = True
    m[2, 3] = True  # touches the second blob diagonally only
    labels, n = label(m)
    assert n == 2
    assert labels[0, 0] != labels[4, 5] and labels[2, 3] == labels[4, 5]
    assert box_sum(np.ones((5, 5)), 1)[2, 2] == 9 and box_sum(np.ones((5, 5)), 1)[0, 0] == 4


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample images not drawn")
def test_every_sample_photo_gets_a_cutout():
    methods = {}
    for path in sorted(SAMPLES.iterdir()):
        cut = cut_out(load_image(path, keep_alpha=True))
        methods[path.name] = cut.method
        assert cut.mask.size == cut.image.size
        left, top, right, bottom = cut.bbox
        assert right > left and bottom > top
    assert methods.get("water_bottle.png") == "alpha"
    assert methods.get("ceramic_mug.jpg") == "framed"  # on a wood table: framed
    assert methods.get("running_shoe_side.jpg") == "classical"
