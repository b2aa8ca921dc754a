"""Visual proposals: prompts, procedural backdrops, batched diffusion (tiny), product pixels kept, safety."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative.compose import Box
from creative.encode.cutout import cut_out
from creative.generate import visuals
from creative.generate.visuals import BannerOptions, build_prompt, make_backdrop, propose_visuals, render_backdrop, resolve_mode


@pytest.fixture(scope="module")
def cutout():
    im = Image.new("RGB", (200, 200), (248, 248, 248))
    ImageDraw.Draw(im).rounded_rectangle([50, 40, 150, 170], radius=16, fill=(30, 110, 200))
    return cut_out(im)


def test_prompt_from_caption_tags_style_and_colours():
    prompt, negative = build_prompt("luxury", subject="a blue wrist watch", tags=["watch", "elegant"], colours=[(27, 42, 85)], mode="inpaint")
    assert "a blue wrist watch" in prompt and "elegant" in prompt and "navy" in prompt and "luxury" in prompt
    assert "text" in negative and "watermark" in negative and "nsfw" in negative
    background, _ = build_prompt("studio", subject="a blue wrist watch", tags=[], colours=[], mode="background")
    assert "wrist watch" not in background  # an empty set: the product is composited later


def test_procedural_backdrops_are_deterministic_per_seed_and_vary_across_proposals():
    box = Box(100, 80, 200, 220)
    params = make_backdrop("studio", 3, 0, [(30, 110, 200)], None)
    a = render_backdrop(params, (400, 400), box)
    b = render_backdrop(params, (400, 400), box)
    assert np.array_equal(np.asarray(a), np.asarray(b))
    other = make_backdrop("studio", 3, 1, [(30, 110, 200)], None)
    assert other != params
    assert not np.array_equal(np.asarray(render_backdrop(other, (400, 400), box)), np.asarray(a))
    assert make_backdrop("studio", 4, 0, [(30, 110, 200)], None) != params  # another seed, another look


@pytest.mark.parametrize("style", ["studio", "minimal", "lifestyle", "seasonal", "luxury", "bold"])
def test_every_style_and_prop_renders(style):
    for index in range(3):
        params = make_backdrop(style, 0, index, [(200, 150, 40)], None)
        for size in ((300, 250), (728, 90), (160, 600)):
            w, h = size
            im = render_backdrop(params, size, Box(w // 4, h // 5, w // 2, h // 2))
            assert im.size == size and im.mode == "RGB"
            assert np.asarray(im).std() > 0.5  # not a flat fill


def test_offline_proposals_are_procedural_and_say_so(offline_studio, cutout):
    result = propose_visuals(offline_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=3, seed=0))
    assert result.mode == "procedural"
    assert [v.source for v in result.visuals] == ["procedural"] * 3
    assert all(v.safety == "not needed (procedural)" and v.image is None for v in result.visuals)
    assert any("diffusion unavailable" in f for f in result.fallbacks)


def test_background_mode_is_one_batched_call_with_a_generator_per_proposal(tiny_studio, cutout, monkeypatch):
    calls = []
    pipe = tiny_studio.models.get("diffusion").pipeline
    real_call = type(pipe).__call__

    def spy(self, *args, **kwargs):
        calls.append(kwargs)
        return real_call(self, *args, **kwargs)

    monkeypatch.setattr(type(pipe), "__call__", spy)
    result = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=3, seed=5, mode="background"))
    assert len(calls) == 1
    assert len(calls[0]["prompt"]) == 3 and len(calls[0]["generator"]) == 3
    assert calls[0]["num_inference_steps"] == tiny_studio.models.get("diffusion").options["steps"]
    assert [v.seed for v in result.visuals] == [5, 6, 7]
    for v in result.visuals:
        assert v.source == "diffusion" and v.mode == "background" and v.image is not None
        assert isinstance(v.safety, dict) and 0 <= v.safety["score"] <= 1 and not v.safety["flagged"]


def test_same_seed_same_visuals(tiny_studio, cutout):
    a = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=2, seed=1, mode="background"))
    b = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=2, seed=1, mode="background"))
    for x, y in zip(a.visuals, b.visuals):
        assert np.array_equal(np.asarray(x.image), np.asarray(y.image))


@pytest.mark.parametrize("mode", ["inpaint", "img2img"])
def test_scene_modes_keep_the_product_pixels_exactly(tiny_studio, cutout, mode):
    result = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=2, seed=0, mode=mode, strength=0.5))
    assert result.mode == mode
    for v in result.visuals:
        box = v.product_box
        layer = np.asarray(cutout.product.resize((box.w, box.h), Image.LANCZOS))
        solid = layer[..., 3] == 255
        scene = np.asarray(v.image)[box.y : box.bottom, box.x : box.right]
        assert solid.sum() > 0.5 * box.w * box.h
        assert np.array_equal(scene[solid], layer[..., :3][solid])


def test_a_list_of_modes_gives_the_proposals_those_modes_in_turn(tiny_studio, cutout):
    options = BannerOptions(n=3, seed=0, mode="background,inpaint")
    result = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=options)
    assert result.mode == "background+inpaint"
    assert [v.mode for v in result.visuals] == ["background", "inpaint", "background"]
    assert [v.index for v in result.visuals] == [0, 1, 2] and [v.seed for v in result.visuals] == [0, 1, 2]
    assert all(v.source == "diffusion" and isinstance(v.safety, dict) for v in result.visuals)  # every image screened
    assert result.visuals[0].product_box is None and result.visuals[1].product_box is not None  # inpaint keeps the product in place
    # each proposal is what that mode alone makes with its seed (up to float noise: batches of 2 and 1)
    alone = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=1, seed=0, mode="background"))
    diff = np.abs(np.asarray(alone.visuals[0].image, dtype=int) - np.asarray(result.visuals[0].image, dtype=int))
    assert diff.mean() < 1.0
    for bad in ("background,outpaint", "auto,inpaint", ""):
        with pytest.raises(ValueError, match="mode"):
            BannerOptions(mode=bad)


def test_flagged_visuals_are_dropped_recorded_and_replaced(tiny_studio, cutout, monkeypatch):
    safety = tiny_studio.models.get("safety")
    monkeypatch.setattr(safety, "threshold", 0.0)  # everything counts as unsafe
    result = propose_visuals(tiny_studio.models, cutout, title="Blue bottle", options=BannerOptions(n=2, seed=0, mode="background"))
    assert len(result.dropped) == 2 and all(d["flagged"] for d in result.dropped)
    assert [v.source for v in result.visuals] == ["procedural", "procedural"]
    assert "flagged" in result.visuals[0].safety
    assert any("safety" in f for f in result.fallbacks)


def test_mode_resolution(tiny_studio, offline_studio, cutout):
    framed = cut_out(Image.effect_noise((200, 200), 80).convert("RGB"))
    assert framed.method == "framed"
    mode, notes = resolve_mode(tiny_studio.models, "inpaint", framed)
    assert mode == "background" and "framed" in notes[0]
    assert resolve_mode(tiny_studio.models, "auto", cutout)[0] == "background"
    assert resolve_mode(offline_studio.models, "img2img", cutout)[0] == "procedural"
    with pytest.raises(ValueError, match="unknown mode"):
        resolve_mode(tiny_studio.models, "outpaint", cutout)


def test_memory_savers_only_where_sizes_need_them():
    class Pipe:
        def __init__(self):
            self.sliced = False
            self.vae = type("Vae", (), {"tiled": False, "enable_tiling": lambda s: setattr(s, "tiled", True)})()

        def enable_attention_slicing(self):
            self.sliced = True

    small, big = Pipe(), Pipe()
    visuals._memory_savers(small, 512, 512, "cuda")
    visuals._memory_savers(big, 1024, 1024, "cuda")
    assert not small.sliced and not small.vae.tiled
    assert big.sliced and big.vae.tiled
