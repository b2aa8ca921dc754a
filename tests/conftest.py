"""Shared fixtures. Tests never touch the network or the user's caches: CREATIVE_HOME and the
Hugging Face cache point into a per-session temporary folder, and the hub counts as offline."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


# Set before any test module imports huggingface_hub, which reads these once at import.
_HOME = Path(tempfile.mkdtemp(prefix="creative-tests-"))
os.environ["CREATIVE_HOME"] = str(_HOME)
os.environ["HF_HUB_CACHE"] = str(_HOME / "hf-cache")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# One torch thread: the tiny models are far too small to gain from more, and on a 2-core
# machine thread spin-waits made them many times slower. Subprocesses inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session", autouse=True)
def isolated_home() -> Path:
    yield _HOME
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_studio(isolated_home: Path):
    from creative.studio import Studio

    return Studio.from_profile("tiny", device="cpu")


def draw_product(path: Path, colour: tuple[int, int, int] = (200, 30, 30), size: int = 256) -> Path:
    """A simple product shot: a coloured rounded shape on white."""
    im = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([size * 0.2, size * 0.3, size * 0.8, size * 0.75], radius=size // 10, fill=colour)
    im.save(path)
    return path


@pytest.fixture
def product_image(tmp_path: Path) -> Path:
    return draw_product(tmp_path / "product.png")


@pytest.fixture
def offline_studio(monkeypatch):
    """The `auto` profile on a machine with no hub and an empty cache (like CI)."""
    from creative.models import resolve
    from creative.studio import Studio

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolve.hub_offline_reason.cache_clear()
    yield Studio.from_profile("auto", device="cpu")
    resolve.hub_offline_reason.cache_clear()
