"""The `creative` command, run as users run it: a subprocess, JSON on stdout, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "creative", *args], capture_output=True, text=True, env=full_env, cwd=REPO, timeout=300)


def test_help_is_instant_and_imports_no_heavy_library():
    code = "import sys, creative.cli as c; c.build_parser(); import creative; print(sorted(m for m in ('torch','open_clip','transformers','diffusers','gradio') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert run("--help").returncode == 0


def test_models_list_json_names_licences():
    out = run("models", "list", "--json")
    assert out.returncode == 0, out.stderr
    profiles = {p["name"]: p for p in json.loads(out.stdout)}
    assert {"auto", "base", "quality", "tiny"} <= set(profiles)
    clip = profiles["base"]["roles"]["clip"][0]
    assert clip["licence"] == "MIT" and clip["commercial"] == "yes" and clip["id"].startswith("laion/")


def test_models_status_tiny_json():
    out = run("models", "status", "--profile", "tiny", "--json")
    assert out.returncode == 0, out.stderr
    roles = json.loads(out.stdout)["roles"]
    assert set(roles) == {"clip", "lm", "captioner", "diffusion", "inpaint", "safety", "segmenter"}
    assert all(r["status"] == "local" and r["via"] == "tiny" for r in roles.values())


def test_models_status_auto_offline_names_what_is_missing_and_why():
    out = run("models", "status", "--json", env={"HF_HUB_OFFLINE": "1"})
    roles = json.loads(out.stdout)["roles"]
    assert roles["clip"]["status"] == "unavailable" and "HF_HUB_OFFLINE is set" in roles["clip"]["reason"]
    assert roles["safety"]["via"] == "package"
    text = run("models", "status", env={"HF_HUB_OFFLINE": "1"}).stdout
    assert "UNAVAILABLE" in text and "unavailable (optional)" in text


def test_models_pull_offline_fails_clearly():
    out = run("models", "pull", "base", env={"HF_HUB_OFFLINE": "1"})
    assert out.returncode == 1
    assert "cannot download laion/CLIP-ViT-B-32-laion2B-s34B-b79K" in out.stderr and "Traceback" not in out.stderr


def test_models_pull_tiny_builds_every_role():
    out = run("models", "pull", "tiny")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("built tiny model") == 7


def test_analyze_json_on_tiny(tmp_path):
    from conftest import draw_product

    image = draw_product(tmp_path / "mug.png")
    out = run("analyze", str(image), "--title", "Red mug", "--attr", "colour=red", "--profile", "tiny", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["title"] == "Red mug" and result["embedding_dim"] == 32
    assert len(result["tags"]["colour"]) == 3 and result["roles"]["clip"]["model"] == "tiny-clip"


@pytest.mark.parametrize(
    "setup, expected",
    [
        (lambda p: p.write_bytes(b"not an image"), "cannot identify image file"),
        (lambda p: None, "file not found"),
    ],
)
def test_analyze_bad_image_is_one_clear_line(tmp_path, setup, expected):
    image = tmp_path / "broken.jpg"
    setup(image)
    out = run("analyze", str(image), "--title", "x", "--profile", "tiny")
    assert out.returncode == 2
    assert "broken.jpg" in out.stderr and expected in out.stderr.lower() and "Traceback" not in out.stderr


def test_analyze_offline_auto_warns_and_reports(tmp_path):
    from conftest import draw_product

    image = draw_product(tmp_path / "mug.png")
    out = run("analyze", str(image), "--title", "Mug", "--json", env={"HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    assert "warning: clip unavailable" in out.stderr
    assert json.loads(out.stdout)["roles"]["clip"]["status"] == "unavailable"
