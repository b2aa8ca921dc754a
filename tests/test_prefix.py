"""Learned prefix (ClipCap-style): trains on tiny models, loss falls, resumes exactly, loads back."""

import json

import numpy as np
import pytest

from conftest import draw_product
from creative.condition.prefix import PairsError, load_prefix, read_pairs, train_prefix

COLOURS = {"red": (200, 30, 30), "blue": (30, 60, 200), "green": (30, 160, 60)}


@pytest.fixture
def pairs(tmp_path):
    lines = ["image,caption,title"]
    for name, rgb in COLOURS.items():
        draw_product(tmp_path / f"{name}.png", rgb)
        lines.append(f"{name}.png,a {name} box on white,{name} box")
        lines.append(f"{name}.png,{name} product photo,")
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_loss_falls(tiny_studio, pairs, tmp_path):
    report = train_prefix(tiny_studio.models, pairs, tmp_path / "out", steps=40, batch_size=4, prefix_length=4, progress=False)
    first, last = np.mean(report.losses[:5]), np.mean(report.losses[-5:])
    assert last < 0.8 * first, report.losses
    assert list((tmp_path / "out").glob("mapper-40.safetensors")) and not list((tmp_path / "out").glob("*.pt"))


def test_resume_continues_exactly_where_it_stopped(tiny_studio, pairs, tmp_path):
    kw = dict(batch_size=4, prefix_length=4, checkpoint_every=5, progress=False)
    straight = train_prefix(tiny_studio.models, pairs, tmp_path / "straight", steps=12, **kw)
    train_prefix(tiny_studio.models, pairs, tmp_path / "resumed", steps=10, **kw)  # "killed" after step 10
    resumed = train_prefix(tiny_studio.models, pairs, tmp_path / "resumed", steps=12, **kw)
    assert resumed.resumed_from == 10
    assert np.allclose(resumed.losses, straight.losses, atol=1e-5)
    a, b = load_prefix(tmp_path / "straight"), load_prefix(tmp_path / "resumed")
    # any unit vector will do
    v = np.ones(32, np.float32) / np.sqrt(32)
    assert np.allclose(a.prefix_embeds(v).numpy(), b.prefix_embeds(v).numpy(), atol=1e-5)
    assert a.prefix_embeds(v).shape == (1, 4, 64)


def test_other_settings_need_a_new_folder(tiny_studio, pairs, tmp_path):
    train_prefix(tiny_studio.models, pairs, tmp_path / "o", steps=2, batch_size=2, prefix_length=4, progress=False)
    with pytest.raises(ValueError, match="other settings"):
        train_prefix(tiny_studio.models, pairs, tmp_path / "o", steps=4, batch_size=2, prefix_length=6, progress=False)


def test_bad_pairs_files(tmp_path):
    with pytest.raises(PairsError, match="not found"):
        read_pairs(tmp_path / "nope.csv")
    (tmp_path / "p.csv").write_text("img,text\na.png,x\n")
    with pytest.raises(PairsError, match="'image' and 'caption'"):
        read_pairs(tmp_path / "p.csv")
    (tmp_path / "q.csv").write_text("image,caption\na.png,\n")
    with pytest.raises(PairsError, match="line 2"):
        read_pairs(tmp_path / "q.csv")
    with pytest.raises(FileNotFoundError, match="train-captioner"):
        load_prefix(tmp_path)


def test_train_captioner_cli_trains_resumes_and_the_prefix_conditions_captions(pairs, tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    def train(steps: int) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "creative", "train-captioner", str(pairs), "--out", str(tmp_path / "prefix"), "--profile", "tiny", "--steps", str(steps), "--batch-size", "2", "--prefix-length", "4"]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=300)

    first = train(5)
    assert first.returncode == 0, first.stderr
    second = train(10)
    assert second.returncode == 0 and "resumed from step 5" in second.stdout
    image = pairs.parent / "red.png"
    out = subprocess.run(
        [sys.executable, "-m", "creative", "captions", str(image), "--title", "red box", "--profile", "tiny", "--prefix", str(tmp_path / "prefix"), "--json"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["variants"]
