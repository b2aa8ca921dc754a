"""Loaders never run with weights they did not load: open_clip folders without their weights file
fail instead of falling back to random init; CoCa's published pickle is converted once through
torch's weights-only unpickler (and a pickle that would run code is refused); diffusers schedulers
come from the profile's options."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
import torch
from PIL import Image

from creative.models.loaders import LOADERS, ModelLoadError, convert_pickle, load_coca, load_diffusers, load_open_clip
from creative.models.profiles import load_profile
from creative.models.resolve import tiny_folder
from creative.models.tiny import ensure_tiny


def tiny(role: str) -> tuple[Path, object]:
    profile = load_profile("tiny")
    entry = profile.candidates(role)[0]
    return ensure_tiny(entry, profile.seed, tiny_folder(entry, profile.seed)), entry


def copy_without(src: Path, dest: Path, *names: str) -> Path:
    shutil.copytree(src, dest)
    for name in names:
        (dest / name).unlink()
    return dest


def test_an_open_clip_folder_without_its_weights_is_an_error_not_random_weights(tmp_path):
    folder, entry = tiny("clip")
    bare = copy_without(folder, tmp_path / "clip", "open_clip_model.safetensors")
    with pytest.raises(ModelLoadError, match="no weights in .* \\(neither open_clip_model.safetensors nor open_clip_pytorch_model.bin\\)"):
        load_open_clip(bare, entry, "cpu")
    # Another model's weights under a name open_clip would pick up itself (a transformers
    # model.safetensors, as the CLIP repo also holds) are not taken for the open_clip ones.
    (bare / "model.safetensors").write_bytes((folder / "open_clip_model.safetensors").read_bytes())
    with pytest.raises(ModelLoadError, match="no weights"):
        load_open_clip(bare, entry, "cpu")


def test_open_clip_weights_load_strictly(tmp_path):
    from safetensors.torch import load_file, save_file

    folder, entry = tiny("clip")
    broken = copy_without(folder, tmp_path / "clip")
    state = load_file(str(folder / "open_clip_model.safetensors"))
    state.pop("logit_scale")  # one tensor short
    save_file(state, str(broken / "open_clip_model.safetensors"))
    with pytest.raises(ModelLoadError, match="logit_scale"):
        load_open_clip(broken, entry, "cpu")


def test_a_pickle_only_coca_is_converted_once_and_captions_like_the_safetensors_one(tmp_path):
    from safetensors.torch import load_file

    folder, entry = tiny("captioner")
    published = copy_without(folder, tmp_path / "coca", "open_clip_model.safetensors")
    torch.save(load_file(str(folder / "open_clip_model.safetensors")), published / "open_clip_pytorch_model.bin")  # as laion publishes it
    image = Image.new("RGB", (64, 64), (200, 40, 40))
    torch.manual_seed(0)
    expected = load_coca(folder, entry, "cpu").caption([image], max_length=5)
    captioner = load_coca(published, entry, "cpu")
    assert captioner.caption([image], max_length=5) == expected
    converted = convert_pickle(published / "open_clip_pytorch_model.bin")
    assert (converted / "open_clip_model.safetensors").is_file() and (converted / "DONE").is_file()
    stamp = (converted / "open_clip_model.safetensors").stat().st_mtime_ns
    load_coca(published, entry, "cpu")
    assert (converted / "open_clip_model.safetensors").stat().st_mtime_ns == stamp  # converted once


class _RunsCode:
    def __reduce__(self):
        return (print, ("this pickle runs code",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path, capsys):
    folder, entry = tiny("captioner")
    evil = copy_without(folder, tmp_path / "coca", "open_clip_model.safetensors")
    with (evil / "open_clip_pytorch_model.bin").open("wb") as f:
        pickle.dump({"weights": _RunsCode()}, f)
    with pytest.raises(ModelLoadError, match="not a plain PyTorch state dict"):
        load_coca(evil, entry, "cpu")
    assert "this pickle runs code" not in capsys.readouterr().out


def test_the_profile_can_swap_the_diffusion_scheduler(tmp_path):
    folder, entry = tiny("diffusion")
    swapped = entry.model_copy(update={"options": {**entry.options, "scheduler": "DPMSolverMultistepScheduler", "scheduler_config": {"algorithm_type": "dpmsolver++"}}})
    model = load_diffusers(folder, swapped, "cpu")
    assert type(model.pipeline.scheduler).__name__ == "DPMSolverMultistepScheduler"
    assert model.pipeline.scheduler.config.algorithm_type == "dpmsolver++"
    assert model.pipeline.scheduler.config.beta_schedule == "scaled_linear"  # the rest from the repo's config
    with pytest.raises(ModelLoadError, match="unknown diffusers scheduler 'NoSuchScheduler'"):
        load_diffusers(folder, entry.model_copy(update={"options": {"scheduler": "NoSuchScheduler"}}), "cpu")


def test_a_pipeline_never_loads_its_own_safety_checker():
    folder, entry = tiny("diffusion")
    pipe = LOADERS[entry.loader](folder, entry, "cpu").pipeline
    assert pipe.safety_checker is None  # generated images are screened by the profile's safety role
