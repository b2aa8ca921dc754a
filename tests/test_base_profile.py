"""The base profile end to end through the local hub mirror (tests/hubmirror), as a user runs it.

`creative models pull base` runs in a subprocess with HF_ENDPOINT = the mirror and a fresh
HF_HOME (the ecosystem's own switches; nothing in creative knows about the mirror). The mirror
serves the five base repos laid out file for file like the published ones, at the commits
models/base.toml pins, with reduced-size random weights. Then, with HF_HUB_OFFLINE=1,
`creative models status` and `creative generate` run from the cache alone.

Random weights make the language model write gibberish, which the publishability gate drops (so
the kept copy comes from the product facts, and says so); the assertions are about the path each
model's output takes, never about its quality.
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

if str(Path(__file__).parent) not in sys.path:  # importable under any pytest import mode
    sys.path.insert(0, str(Path(__file__).parent))

from hubmirror import HubMirror, client_env, ensure_repos, run_client
from hubmirror.repos import CLIP_ID, COCA_ID, INPAINT_ID, LCM_ID, QWEN_ID, REVISIONS

from creative.models.profiles import load_profile

REPO = Path(__file__).resolve().parent.parent
SHOE = REPO / "samples" / "images" / "running_shoe_side.jpg"
MUG = REPO / "samples" / "images" / "ceramic_mug.jpg"
HUB_ROLES = ("clip", "lm", "captioner", "diffusion", "inpaint")


def base_entries() -> dict:
    profile = load_profile("base")
    return {role: profile.candidates(role)[0] for role in HUB_ROLES}


@pytest.fixture(scope="module")
def mirror():
    with HubMirror() as m:
        m.add_repos_from(ensure_repos())
        yield m


@pytest.fixture(autouse=True)
def _fresh(mirror):
    mirror.reset()
    yield
    mirror.reset()


def env_for(home: Path, endpoint: str | None, offline: bool = False) -> dict[str, str]:
    env = client_env(home / "hf", endpoint, offline=offline, CREATIVE_HOME=str(home / "creative"), PYTHONPATH=str(REPO))
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS")  # a user sees progress
    return env


def creative(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "creative.cli", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def downloaded(mirror: HubMirror, complete: bool | None = True) -> set[tuple[str, str]]:
    return {(r.repo_id, r.filename) for r in mirror.requests(file_body=True) if r.status in (200, 206) and (complete is None or r.complete == complete)}


def test_the_profile_pins_the_commits_the_mirror_serves(mirror):
    for role, entry in base_entries().items():
        assert entry.revision == REVISIONS[entry.id] == mirror.commit(entry.id), role
        missing = set(entry.files) - set(mirror.repo(entry.id).files)
        assert not missing, f"{role}: base.toml lists files the repo does not have: {missing}"


@pytest.mark.slow
def test_pull_base_through_the_mirror_then_generate_offline(mirror, tmp_path):
    entries = base_entries()
    env = env_for(tmp_path, mirror.endpoint)
    pull = creative(env, "models", "pull", "base")
    assert pull.returncode == 0, pull.stdout + pull.stderr
    # Progress: our plan and a line per file on stdout, huggingface_hub's bars (as log lines here,
    # stderr not being a terminal) on stderr.
    assert "clip: laion/CLIP-ViT-B-32-laion2B-s34B-b79K @ 1a25a446712b (MIT; 605 MB)" in pull.stdout
    assert "[2/2] open_clip_model.safetensors" in pull.stdout
    assert "diffusion_pytorch_model.safetensors: 100%" in pull.stderr

    # Exactly the listed files came over, each once and whole; nothing else (no ONNX export, no
    # pickle, no single-file checkpoint, no safety checker, no transformers copy of CLIP).
    wanted = {(e.id, f) for e in entries.values() for f in e.files}
    assert downloaded(mirror, complete=None) == wanted
    assert all(r.complete for r in mirror.requests(file_body=True))
    assert not {f for _, f in downloaded(mirror) if f.endswith((".onnx", ".onnx_data", ".bin", ".ckpt")) and "open_clip_pytorch_model" not in f}
    # ... into the standard Hugging Face cache layout under HF_HOME
    hub = tmp_path / "hf" / "hub"
    for entry in entries.values():
        snapshot = hub / f"models--{entry.id.replace('/', '--')}" / "snapshots" / entry.revision
        for f in entry.files:
            assert (snapshot / f).is_symlink() and (snapshot / f).resolve().parent.name == "blobs", f

    # Pulling again asks the hub nothing: pinned commits, everything cached.
    mirror.reset()
    again = creative(env, "models", "pull", "base")
    assert again.returncode == 0 and again.stdout.count("already in the Hugging Face cache") == len(HUB_ROLES)
    assert mirror.count() == 0

    # Hub off: every base role ready from the cache, at the pinned commit.
    offline = env_for(tmp_path, None, offline=True)
    status = creative(offline, "models", "status", "--profile", "base", "--json")
    assert status.returncode == 0, status.stderr
    roles = json.loads(status.stdout)["roles"]
    for role, entry in entries.items():
        assert (roles[role]["status"], roles[role]["via"], roles[role]["model"], roles[role]["revision"]) == ("local", "hf-cache", entry.id, entry.revision)
    assert roles["safety"]["status"] == "local"

    out = tmp_path / "out"
    gen = creative(
        offline, "generate", str(SHOE), "--title", "Loftstep Pace Runner road running shoe",
        "--description", "Lightweight road running shoe with a breathable engineered mesh upper.",
        "--brand", "Loftstep", "--attr", "colour=cobalt blue", "--profile", "base", "--platforms", "meta",
        "--sizes", "1080x1080,1200x628", "--n-visuals", "2", "--n-copies", "2", "--n-captions", "2",
        "--mode", "background,inpaint", "--out", str(out),
    )  # fmt: skip
    assert gen.returncode == 0, gen.stdout + gen.stderr[-3000:]
    result = json.loads((out / "creative.json").read_text())
    # models: the base repos at their pinned revisions, from the cache
    for role, entry in entries.items():
        m = result["models"][role]
        assert (m["model"], m["revision"], m["via"]) == (entry.id, entry.revision, "hf-cache"), role
    # CLIP: tags, photo/facts alignment and the fused embedding (unit length)
    analysis = result["analysis"]
    assert analysis["tags"]["category"] and analysis["image_text_alignment"]["cosine"] is not None
    fused = np.load(out / "embeddings.npz")["fused"]
    assert fused.shape == (analysis["embedding_dim"],) and abs(float(np.linalg.norm(fused)) - 1) < 1e-4
    assert not result["fallbacks"] or all("built from product facts" in f for f in result["fallbacks"])
    # copy and captions: written by Qwen with CLIP guiding the decode ("lm+clip"; the gate drops
    # random-weight gibberish and says so), CoCa's caption among the candidates, CLIP-ranked
    copy = json.loads((out / "copy.json").read_text())["meta"]
    captions = json.loads((out / "captions.json").read_text())
    sources = {v["source"] for v in copy["variants"] + copy["dropped"]}
    assert "lm+clip" in sources
    assert {"lm+clip", "captioner"} <= {v["source"] for v in captions["variants"] + captions["dropped"]}
    assert all("clip" in v["scores"] for v in copy["variants"] + captions["variants"])
    # banners: one LCM backdrop look and one inpainted look, screened, CLIP-ranked, in each size
    sidecars = [json.loads(p.read_text()) for p in sorted((out / "banners").glob("*.json"))]
    assert len(sidecars) == 4
    assert {s["metadata"]["mode"] for s in sidecars} == {"background", "inpaint"}
    for s in sidecars:
        meta = s["metadata"]
        assert meta["visual_source"] == "diffusion" and meta["safety"]["flagged"] is False
        assert meta["ranking"] == "clip + layout" and "clip_product" in s["scores"]
        assert meta["models"]["diffusion"] == LCM_ID and meta["models"]["inpaint"] == INPAINT_ID
    visuals = sorted((out / "assets").glob("visual-*.png"))
    assert len(visuals) == 2 and all(Image.open(p).size == (512, 512) for p in visuals)  # the profile's size, not the unet's default

    # Chinese copy is Qwen's to write (the offline SmolLM2 has no Chinese: there it is facts only)
    zh = creative(offline, "copy", str(MUG), "--title", "陶知 手工粗陶马克杯 350毫升", "--brand", "陶知", "--lang", "zh", "--profile", "base", "--n", "2", "--json")
    assert zh.returncode == 0, zh.stderr[-3000:]
    zh_result = json.loads(zh.stdout)
    assert "lm+clip" in {v["source"] for v in zh_result["variants"] + zh_result["dropped"]}
    assert zh_result["models"]["lm"] == QWEN_ID
    assert mirror.count() == 0  # offline means offline


@pytest.mark.slow
def test_a_broken_mirror_fails_clearly_and_a_second_pull_finishes(mirror, tmp_path):
    entries = base_entries()
    env = env_for(tmp_path, mirror.endpoint)
    mirror.fail_file(LCM_ID, "unet/config.json", 404)  # a file the profile lists is missing
    mirror.fail_file(CLIP_ID, "open_clip_model.safetensors", 500, times=1, methods=("GET",))  # passes
    mirror.truncate(QWEN_ID, "model.safetensors", keep=1000, times=None)  # every body cut short
    first = creative(env, "models", "pull", "base")
    assert first.returncode == 1
    err = first.stderr
    assert "creative: error: diffusion: unet/config.json of SimianLuo/LCM_Dreamshaper_v7@a85df6a8bd97 does not exist on the hub (HTTP 404)" in err
    assert "creative: error: lm: the connection to" in err and "broke while fetching model.safetensors of Qwen/Qwen2.5-0.5B-Instruct" in err
    assert "run `creative models pull base` again" in err and "2 role(s) not downloaded (lm, diffusion)" in err
    assert "open_clip_model.safetensors: the hub answered HTTP 500" in first.stdout and "retrying in 1 s" in first.stdout
    complete_first = downloaded(mirror)
    assert (CLIP_ID, "open_clip_model.safetensors") in complete_first  # the retry fixed it within the pull
    assert not any(repo == LCM_ID for repo, _ in complete_first)  # a missing file stops the repo before any byte
    assert (QWEN_ID, "tokenizer.json") in complete_first and (QWEN_ID, "model.safetensors") not in complete_first

    mirror.reset()  # the hub is well again
    second = creative(env, "models", "pull", "base")
    assert second.returncode == 0, second.stderr
    fetched = downloaded(mirror, complete=None)
    assert not fetched & complete_first  # nothing complete is fetched again
    wanted = {(e.id, f) for e in entries.values() for f in e.files}
    assert fetched == wanted - complete_first


# -- errors the hub can answer, each as one clear message --------------------------------------


FETCH = """
from creative.models.hub import ModelDownloadError, fetch_hub
from creative.models.profiles import load_profile
entry = load_profile("base").candidates({role!r})[0].model_copy(update={update!r})
try:
    fetch_hub(entry, retries=0)
except ModelDownloadError as e:
    result["error"] = [str(e), e.status, e.transient]
"""


def fetch_error(mirror: HubMirror, home: Path, role: str, setup: str = "", **update) -> list:
    """The ModelDownloadError of fetching the base profile's `role` (fields changed by `update`)
    from the mirror in a fresh process: [message, HTTP status, transient]."""
    r = run_client(setup + FETCH.format(role=role, update=update), env_for(home, mirror.endpoint))
    assert "error" in r and isinstance(r["error"], list), r
    return r["error"]


def test_401_says_the_hub_refused_and_how_to_log_in(mirror, tmp_path):
    mirror.fail_repo(COCA_ID, 401)
    message, status, transient = fetch_error(mirror, tmp_path, "captioner")
    assert status == 401 and not transient
    assert message.startswith(f"the hub refused {COCA_ID} (HTTP 401)") and "HF_TOKEN" in message


def test_429_says_wait(mirror, tmp_path):
    mirror.fail_file(QWEN_ID, "config.json", 429)
    message, status, transient = fetch_error(mirror, tmp_path, "lm")
    assert status == 429 and transient and "rate-limiting this machine (HTTP 429)" in message and "config.json" in message


def test_5xx_says_it_is_the_hubs_side(mirror, tmp_path):
    mirror.fail_file(CLIP_ID, "open_clip_config.json", 503, methods=("GET",))
    message, status, transient = fetch_error(mirror, tmp_path, "clip")
    assert status == 503 and transient and message.startswith("the hub answered HTTP 503 for open_clip_config.json of laion/CLIP-ViT-B-32")


def test_a_revision_the_hub_does_not_have(mirror, tmp_path):
    message, status, _ = fetch_error(mirror, tmp_path, "clip", revision="f" * 40)
    assert status == 404 and f"{CLIP_ID} has no revision {'f' * 40}" in message


def test_a_full_disk_is_caught_before_downloading(mirror, tmp_path):
    setup = "import shutil, collections\nshutil.disk_usage = lambda p: collections.namedtuple('u', 'total used free')(10**9, 10**9, 5 * 10**6)\n"
    message, status, _ = fetch_error(mirror, tmp_path, "clip", setup)
    assert message.startswith(f"not enough disk space for {CLIP_ID}: it needs 7.66 MB and ") and "HF_HOME" in message
    assert mirror.downloads() == 0


def test_a_disk_that_fills_up_while_writing():
    from creative.models import hub

    entry = base_entries()["diffusion"]
    error = hub.explain(OSError(errno.ENOSPC, "No space left on device"), entry, "unet/diffusion_pytorch_model.safetensors")
    assert str(error).startswith("no space left on the disk of the Hugging Face cache")
    assert "unet/diffusion_pytorch_model.safetensors of SimianLuo/LCM_Dreamshaper_v7@a85df6a8bd97" in str(error)
    assert "finished files are kept" in str(error)


def test_pull_says_how_to_fill_the_cache_when_the_hub_is_off(tmp_path):
    env = env_for(tmp_path, None, offline=True)
    r = creative(env, "models", "pull", "base", timeout=120)
    assert r.returncode == 1 and "HF_HUB_OFFLINE is set" in r.stderr and "point HF_ENDPOINT at a reachable mirror" in r.stderr
    assert not (tmp_path / "hf" / "hub").exists() or not any((tmp_path / "hf" / "hub").iterdir())



def test_an_entry_whose_files_are_markers_downloads_by_its_patterns(monkeypatch, tmp_path):
    """quality's entries list a few marker files, not everything their loader reads: they must be
    fetched by their `fetch` patterns (fetching only the markers would leave the model unusable)."""
    import huggingface_hub

    from creative.models import hub

    calls = []
    monkeypatch.setattr(huggingface_hub, "snapshot_download", lambda repo_id, **kw: calls.append((repo_id, kw)) or str(tmp_path))
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", lambda *a, **kw: pytest.fail("fetched a marker file alone"))
    entry = load_profile("quality").candidates("diffusion")[0]
    assert entry.files == ("model_index.json", "unet/config.json") and entry.fetch
    assert hub.fetch_hub(entry) == tmp_path
    assert calls == [(entry.id, {"revision": entry.revision, "allow_patterns": list(entry.fetch)})]
