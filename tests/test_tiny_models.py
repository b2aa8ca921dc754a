"""Every tiny model is built from its config, saved in its role's real format and loaded back
through the loader that real weights use; building is deterministic."""

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative.models.loaders import LOADERS
from creative.models.profiles import Role, load_profile
from creative.models.resolve import tiny_folder
from creative.models.tiny import ensure_tiny

TINY = load_profile("tiny")


def weights_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*.safetensors")):
        h.update(f.relative_to(folder).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_tiny_role_builds_in_the_real_format_deterministically(role, tmp_path):
    entry = TINY.candidates(role)[0]
    a = ensure_tiny(entry, TINY.seed, tmp_path / "a")
    b = ensure_tiny(entry, TINY.seed, tmp_path / "b")
    assert list(a.rglob("*.safetensors")), "weights are saved as safetensors"
    assert not list(a.rglob("*.bin")) and not list(a.rglob("*.pt")), "no pickled weights"
    assert weights_digest(a) == weights_digest(b)
    assert weights_digest(ensure_tiny(entry, TINY.seed + 1, tmp_path / "c")) != weights_digest(a)
    assert LOADERS[entry.loader](a, entry, "cpu") is not None


def test_half_built_folder_is_rebuilt(tmp_path):
    entry = TINY.candidates("safety")[0]
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text("{ half written")  # a killed build leaves no DONE marker
    ensure_tiny(entry, 0, folder)
    assert (folder / "DONE").exists()
    assert LOADERS[entry.loader](folder, entry, "cpu").nsfw_scores([Image.new("RGB", (80, 60))])


def test_loaded_tiny_models_do_their_jobs(tiny_studio):
    im = Image.new("RGB", (96, 80), (200, 40, 40))
    clip = tiny_studio.models.clip
    emb = clip.encode_images([im, im])
    assert emb.shape == (2, 32) and np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-5)
    text = clip.encode_texts(["a red shoe", "a blue mug"])
    assert text.shape == (2, 32) and not np.allclose(text[0], text[1])

    lm = tiny_studio.models.get("lm")
    ids = lm.tokenizer("Red mesh shoe, 红色 👟", return_tensors="pt").input_ids
    assert lm.tokenizer.decode(ids[0], skip_special_tokens=True) == "red mesh shoe , 红 色"  # words it knows; the rest is <unk>
    out1 = lm.model.generate(ids, max_new_tokens=5, do_sample=False)
    out2 = lm.model.generate(ids, max_new_tokens=5, do_sample=False)
    assert out1.shape[1] == ids.shape[1] + 5 and (out1 == out2).all()

    scores = tiny_studio.models.get("safety").nsfw_scores([im])
    assert len(scores) == 1 and 0.0 <= scores[0] <= 1.0

    prob = tiny_studio.models.get("segmenter").foreground_probability(im)
    assert prob.shape == (80, 96) and 0.0 <= prob.min() <= prob.max() <= 1.0

    captions = tiny_studio.models.get("captioner").caption([im], max_length=8)
    assert len(captions) == 1 and isinstance(captions[0], str)


@pytest.mark.slow
def test_tiny_diffusion_and_inpaint_pipelines_render(tiny_studio):
    import torch

    for role in ("diffusion", "inpaint"):
        model = tiny_studio.models.get(role)
        kwargs = dict(prompt="a red shoe on a studio floor", num_inference_steps=2, height=64, width=64, guidance_scale=1.0, output_type="pil")
        if role == "inpaint":
            kwargs |= dict(image=Image.new("RGB", (64, 64), "white"), mask_image=Image.new("L", (64, 64), 255))
        images = model.pipeline(**kwargs, generator=torch.Generator().manual_seed(1)).images
        again = model.pipeline(**kwargs, generator=torch.Generator().manual_seed(1)).images
        assert images[0].size == (64, 64)
        assert np.array_equal(np.asarray(images[0]), np.asarray(again[0])), "seeded runs repeat exactly"


def test_tiny_models_load_from_a_local_path_profile(tmp_path):
    """A `path` source (the user's own folder) goes through the same loader as the tiny build."""
    from creative.studio import Studio

    entry = TINY.candidates("clip")[0]
    folder = ensure_tiny(entry, 0, tmp_path / "my-clip")
    profile = tmp_path / "mine.toml"
    profile.write_text(
        f'name = "mine"\n[[roles.clip]]\nsource = "path"\nloader = "open_clip"\npath = "{folder}"\n'
        'licence = "MIT"\ncommercial = "yes"\nsize_mb = 7\n'
    )
    studio = Studio.from_profile(profile, device="cpu")
    assert studio.models.resolutions["clip"].via == "path"
    assert studio.models.clip.encode_texts(["x"]).shape == (1, 32)
    assert tiny_folder(entry, 0) != folder
