"""The local hub mirror (tests/hubmirror) against the real clients.

huggingface_hub, transformers, diffusers and open_clip run in subprocesses with an environment
built from scratch (conftest pins this process offline): HF_ENDPOINT = the mirror, HF_HOME = a
temporary folder, no HF_HUB_OFFLINE while downloading, HF_HUB_OFFLINE=1 while loading. Xet is not
disabled: the mirror never advertises it, and the tests check that downloads go over plain HTTP.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import random
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

if str(Path(__file__).parent) not in sys.path:  # importable under any pytest import mode
    sys.path.insert(0, str(Path(__file__).parent))

from hubmirror import HubMirror, client_env, ensure_repos, repo_folders, run_client
from hubmirror.repos import CLIP_ID, COCA_ID, INPAINT_ID, LCM_ID, QWEN_ID, REPO_IDS

HF = "from huggingface_hub import hf_hub_download, snapshot_download\nimport huggingface_hub.errors as E\n"
MB = 1 << 20


@pytest.fixture(scope="module")
def built() -> Path:
    return ensure_repos()


@pytest.fixture(scope="module")
def mirror(built):
    # Small tree pages: every snapshot_download follows the Link pagination.
    with HubMirror(page_size=5) as m:
        m.add_repos_from(built)
        yield m


@pytest.fixture(autouse=True)
def _fresh_mirror(request):
    m = request.getfixturevalue("mirror") if "mirror" in request.fixturenames else None
    if m is not None:
        m.reset()
    yield
    if m is not None:
        m.reset()


def hub(mirror: HubMirror, home: Path, code: str, **env) -> dict:
    return run_client(HF + code, client_env(home, mirror.endpoint, **env))


def ok(result: dict) -> dict:
    assert "error" not in result, f"{result['error']['type']}: {result['error']['message']}\n{result['error']['traceback']}\n{result['_stderr']}"
    return result


def raw(url: str, method: str = "GET", headers: dict | None = None):
    """One plain HTTP request (no proxies, no redirects): (status, headers, body)."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(method, u.path + (f"?{u.query}" if u.query else ""), headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the mirror's HTTP surface ---------------------------------------------------------------------


def test_endpoints_answer_like_the_hub(mirror, built):
    src = repo_folders(built)[QWEN_ID]
    commit = mirror.commit(QWEN_ID)
    base = f"{mirror.endpoint}/{QWEN_ID}/resolve"

    status, h, body = raw(f"{mirror.endpoint}/api/models/{QWEN_ID}/revision/main?blobs=true")
    info = json.loads(body)
    assert status == 200 and info["sha"] == commit and info["id"] == QWEN_ID
    sib = {s["rfilename"]: s for s in info["siblings"]}
    assert set(sib) == {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()}
    assert sib["model.safetensors"]["lfs"]["sha256"] == sha256(src / "model.safetensors")

    # A regular file: 200, git blob sha1 as ETag, size in Content-Length.
    status, h, _ = raw(f"{base}/main/config.json", "HEAD")
    data = (src / "config.json").read_bytes()
    assert status == 200 and h["x-repo-commit"] == commit
    assert h["etag"] == '"' + hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() + '"'
    assert int(h["content-length"]) == len(data)
    # Its GET comes gzipped and chunked (no Content-Length), as from the hub.
    status, h, body = raw(f"{base}/main/config.json", headers={"Accept-Encoding": "gzip"})
    assert (status, h["content-encoding"], h["transfer-encoding"]) == (200, "gzip", "chunked")
    assert "content-length" not in h and gzip.decompress(body) == data
    # An LFS file: 302 to the CDN (another origin), sha256 and size in X-Linked-*.
    status, h, _ = raw(f"{base}/{commit}/model.safetensors", "HEAD")
    weights = (src / "model.safetensors").read_bytes()
    assert status == 302 and h["x-repo-commit"] == commit
    assert h["x-linked-etag"] == f'"{hashlib.sha256(weights).hexdigest()}"' and int(h["x-linked-size"]) == len(weights)
    cdn = h["location"]
    assert urlsplit(cdn).port != urlsplit(mirror.endpoint).port
    assert not any(k.startswith("x-xet") for k in h) and "link" not in h  # no Xet: plain HTTP downloads

    # Ranges on the CDN, as http_get sends them when resuming.
    status, h, body = raw(cdn, headers={"Range": "bytes=10-19"})
    assert (status, h["content-range"], body) == (206, f"bytes 10-19/{len(weights)}", weights[10:20])
    status, h, body = raw(cdn, headers={"Range": "bytes=100-"})
    assert status == 206 and body == weights[100:] and int(h["content-length"]) == len(weights) - 100
    status, _, body = raw(cdn, headers={"Range": "bytes=-5"})
    assert status == 206 and body == weights[-5:]
    status, h, _ = raw(cdn, headers={"Range": f"bytes={len(weights)}-"})
    assert status == 416 and h["content-range"] == f"bytes */{len(weights)}"

    # Tree listing, paginated with a Link header; non-recursive listing of a folder.
    url, paths = f"{mirror.endpoint}/api/models/{LCM_ID}/tree/main?recursive=true&expand=false", []
    pages = 0
    while url:
        status, h, body = raw(url)
        assert status == 200
        paths += [e["path"] for e in json.loads(body) if e["type"] == "file"]
        pages += 1
        url = h["link"].split(">")[0].lstrip("<") if "link" in h else None
    lcm_src = repo_folders(built)[LCM_ID]
    assert pages > 1 and sorted(paths) == sorted(p.relative_to(lcm_src).as_posix() for p in lcm_src.rglob("*") if p.is_file())
    _, _, body = raw(f"{mirror.endpoint}/api/models/{LCM_ID}/tree/main/unet")
    assert {e["path"] for e in json.loads(body)} == {"unet/config.json", "unet/diffusion_pytorch_model.safetensors", "unet/model.onnx", "unet/model.onnx_data"}

    # Errors carry the hub's X-Error-Code.
    assert raw(f"{base}/v9/config.json", "HEAD")[1]["x-error-code"] == "RevisionNotFound"
    status, h, _ = raw(f"{base}/main/nope.json", "HEAD")
    assert (status, h["x-error-code"], h["x-repo-commit"]) == (404, "EntryNotFound", commit)
    status, h, _ = raw(f"{mirror.endpoint}/api/models/nobody/nothing")
    assert (status, h["x-error-code"]) == (401, "RepoNotFound")
    assert mirror.count(method="HEAD", kind="resolve", filename="config.json") == 2


# -- downloads into the standard cache ------------------------------------------------------------


@pytest.fixture(scope="module")
def downloaded(mirror, tmp_path_factory):
    """snapshot_download of every repo (revision main) into a fresh HF_HOME; returns the home,
    the snapshot paths and the requests that took."""
    mirror.reset()
    home = tmp_path_factory.mktemp("hf-home")
    r = ok(hub(mirror, home, f"result['paths'] = {{rid: snapshot_download(rid) for rid in {list(REPO_IDS)!r}}}"))
    log = mirror.requests()
    mirror.reset()
    return home, r["paths"], log


def test_snapshot_download_fills_the_standard_cache(downloaded, mirror, built):
    home, paths, log = downloaded
    for repo_id, src in repo_folders(built).items():
        repo = mirror.repo(repo_id)
        storage = home / "hub" / f"models--{repo_id.replace('/', '--')}"
        snapshot = storage / "snapshots" / repo.commit
        assert Path(paths[repo_id]) == snapshot
        assert (storage / "refs" / "main").read_text() == repo.commit
        assert (storage / "trees" / f"{repo.commit}.json").exists()  # tree listing cache (huggingface_hub 2.x)
        for rel, f in repo.files.items():
            link = snapshot / rel
            # A relative symlink into blobs/, named by the ETag: sha256 for LFS files, git sha1 otherwise.
            assert link.is_symlink() and not os.path.isabs(os.readlink(link)), rel
            assert link.resolve() == (storage / "blobs" / f.etag).resolve(), rel
            assert link.read_bytes() == (src / rel).read_bytes(), rel
        blobs = sorted(p.name for p in (storage / "blobs").iterdir())
        assert blobs == sorted({f.etag for f in repo.files.values()}), "no leftover .incomplete files"
        # Every blob came over exactly once (files with the same content, like the inpainting repo's
        # root config.json and unet/config.json, share one); LFS files from the CDN, the rest from /resolve.
        by_etag: dict[str, list] = {}
        for rel, f in repo.files.items():
            by_etag.setdefault(f.etag, []).append(f)
        for etag, same in by_etag.items():
            got = [r for r in log if r.repo_id == repo_id and r.filename in {f.path for f in same} and r.file_body]
            assert [(r.kind, r.status, r.complete) for r in got] == [("cdn" if same[0].lfs else "resolve", 200, True)], [f.path for f in same]
    kinds = {r.kind for r in log}
    assert kinds == {"info", "tree", "resolve", "cdn"}  # plain HTTP only: nothing asked for Xet
    assert sum(r.kind == "tree" and r.repo_id == LCM_ID for r in log) > 1  # followed the Link pagination
    assert all(r.download_counter for r in log), [(r.method, r.path) for r in log if not r.download_counter]
    assert all(r.status in (200, 302) for r in log)


def test_second_download_fetches_nothing_complete(downloaded, mirror):
    home, paths, _ = downloaded
    commit = mirror.commit(QWEN_ID)
    r = ok(
        hub(
            mirror,
            home,
            f"""
result['paths'] = {{rid: snapshot_download(rid) for rid in {list(REPO_IDS)!r}}}
result['main'] = hf_hub_download({QWEN_ID!r}, 'config.json')
result['pinned'] = hf_hub_download({QWEN_ID!r}, 'model.safetensors', revision={commit!r})
""",
        )
    )
    assert r["paths"] == paths
    # snapshot_download: one "which commit is main?" call per repo, the tree comes from the cache;
    # hf_hub_download at main: one HEAD; at a commit hash with the file cached: nothing at all.
    expected = Counter({("GET", f"/api/models/{rid}/revision/main"): 1 for rid in REPO_IDS})
    expected[("HEAD", f"/{QWEN_ID}/resolve/main/config.json")] = 1
    assert mirror.counts_by_path() == expected
    assert mirror.downloads() == 0


@pytest.mark.slow
def test_real_libraries_load_the_cached_repos_offline(downloaded, mirror):
    home, _, _ = downloaded
    code = f"""
import torch
from PIL import Image
from transformers import AutoModelForCausalLM, AutoTokenizer
tok = AutoTokenizer.from_pretrained({QWEN_ID!r})
chat = tok.apply_chat_template([{{"role": "user", "content": "写一句广告语: trail shoes"}}], tokenize=False, add_generation_prompt=True)
ids = tok(chat)["input_ids"]
result["chat"] = chat
result["special_ids"] = [tok.convert_tokens_to_ids(t) for t in ("<|endoftext|>", "<|im_start|>", "<|im_end|>")]
result["chat_specials"] = tok.convert_ids_to_tokens([i for i in ids if i in result["special_ids"]])
result["tokens"] = [tok.eos_token, tok.pad_token, tok.bos_token, tok.eos_token_id]
text = "新品上市，欢迎选购! Shop the new lightweight backpack."
result["roundtrip"] = tok.decode(tok(text)["input_ids"]) == text
result["merged"] = len(tok(text)["input_ids"]) < len(text.encode())  # trained merges at work
lm = AutoModelForCausalLM.from_pretrained({QWEN_ID!r})
result["lm"] = [type(lm).__name__, lm.config.tie_word_embeddings, bool(lm.lm_head.weight.data_ptr() == lm.model.embed_tokens.weight.data_ptr())]
out = lm.generate(**tok(chat, return_tensors="pt"), max_new_tokens=4, do_sample=False)
result["generated"] = out.shape[1] - len(ids)
from transformers import CLIPModel
hf_clip, hf_tok = CLIPModel.from_pretrained({CLIP_ID!r}), AutoTokenizer.from_pretrained({CLIP_ID!r})
with torch.no_grad():
    feats = hf_clip.get_text_features(**hf_tok(["a red sneaker"], return_tensors="pt"))
result["hf_clip"] = list((feats if torch.is_tensor(feats) else feats.pooler_output).shape)

import open_clip
clip, _, pre = open_clip.create_model_and_transforms("hf-hub:{CLIP_ID}")
tk = open_clip.get_tokenizer("hf-hub:{CLIP_ID}")
with torch.no_grad():
    img = clip.encode_image(pre(Image.new("RGB", (320, 240), "red"))[None])
    txt = clip.encode_text(tk(["a red sneaker", "a blue mug"]))
result["clip"] = [list(img.shape), list(txt.shape), float(clip.logit_scale.exp())]
coca, _, pre2 = open_clip.create_model_and_transforms("hf-hub:{COCA_ID}")
with torch.no_grad():
    out = coca(pre2(Image.new("RGB", (64, 64), "blue"))[None], open_clip.get_tokenizer("hf-hub:{COCA_ID}")(["a photo of"])[:, :-1])
result["coca"] = [type(coca).__name__, list(out["logits"].shape)]

from diffusers import AutoPipelineForInpainting, DiffusionPipeline
lcm = DiffusionPipeline.from_pretrained({LCM_ID!r})
lcm.set_progress_bar_config(disable=True)
result["lcm_default_size"] = lcm.unet.config.sample_size * lcm.vae_scale_factor  # 768, as published
im = lcm("a red sneaker", height=64, width=64, num_inference_steps=2, guidance_scale=1.5, generator=torch.Generator().manual_seed(0)).images[0]
result["lcm"] = [type(lcm).__name__, type(lcm.scheduler).__name__, type(lcm.safety_checker).__name__, lcm.unet.config.time_cond_proj_dim, list(im.size)]
inp = AutoPipelineForInpainting.from_pretrained({INPAINT_ID!r}, variant="fp16")  # its only safetensors weights
inp.set_progress_bar_config(disable=True)
im = inp("a blue mug", image=Image.new("RGB", (64, 64), "white"), mask_image=Image.new("L", (64, 64), 255), height=64, width=64, num_inference_steps=2).images[0]
result["inpaint"] = [type(inp).__name__, type(inp.scheduler).__name__, inp.unet.config.in_channels, list(im.size)]
"""
    r = ok(run_client(code, client_env(home, offline=True), timeout=240))
    assert mirror.count() == 0  # offline: the cache alone
    assert r["chat"].startswith("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud.")
    assert r["chat"].endswith("<|im_end|>\n<|im_start|>assistant\n")
    assert r["chat_specials"] == ["<|im_start|>", "<|im_end|>", "<|im_start|>", "<|im_end|>", "<|im_start|>"]
    eot, im_start, im_end = r["special_ids"]
    assert (im_start, im_end) == (eot + 1, eot + 2)  # added after the BPE vocab, in Qwen's order
    assert r["tokens"] == ["<|im_end|>", "<|endoftext|>", None, im_end]
    assert r["roundtrip"] and r["merged"]
    assert r["lm"] == ["Qwen2ForCausalLM", True, True] and r["generated"] == 4
    assert r["hf_clip"] == [1, 32]
    assert r["clip"][:2] == [[1, 32], [2, 32]] and r["clip"][2] == pytest.approx(100, rel=1e-3)
    assert r["coca"][0] == "CoCa" and r["coca"][1][-1] == 49408
    assert r["lcm"] == ["LatentConsistencyModelPipeline", "LCMScheduler", "StableDiffusionSafetyChecker", 256, [64, 64]] and r["lcm_default_size"] == 768
    assert r["inpaint"] == ["StableDiffusionInpaintPipeline", "DDIMScheduler", 9, [64, 64]]


# -- failures ------------------------------------------------------------------------------------


def test_missing_file_repo_and_revision_raise_hub_errors(mirror, tmp_path):
    mirror.fail_file(QWEN_ID, "generation_config.json", 404)
    r = ok(
        hub(
            mirror,
            tmp_path,
            f"""
def attempt(**kw):
    try:
        hf_hub_download(**kw)
    except Exception as e:
        return [type(e).__name__, isinstance(e, E.EntryNotFoundError), isinstance(e, E.RepositoryNotFoundError),
                isinstance(e, E.RevisionNotFoundError), isinstance(e, OSError), str(e).splitlines()[-1] if str(e) else ""]
result['file'] = attempt(repo_id={QWEN_ID!r}, filename='generation_config.json')
result['repo'] = attempt(repo_id='nobody/nothing', filename='config.json')
result['rev'] = attempt(repo_id={QWEN_ID!r}, filename='config.json', revision='v9')
""",
        )
    )
    assert r["file"][:5] == ["RemoteEntryNotFoundError", True, False, False, True]
    assert "generation_config.json" in r["file"][5]
    assert r["repo"][:5] == ["RepositoryNotFoundError", False, True, False, True]
    assert r["rev"][:5] == ["RevisionNotFoundError", False, False, True, True]
    # The 404 carried X-Repo-Commit: the client remembers the miss for that commit.
    storage = tmp_path / "hub" / f"models--{QWEN_ID.replace('/', '--')}"
    assert (storage / ".no_exist" / mirror.commit(QWEN_ID) / "generation_config.json").exists()
    assert mirror.count() == 3 and mirror.downloads() == 0


def test_401_on_a_repo_is_repository_not_found(mirror, tmp_path):
    mirror.fail_repo(QWEN_ID, 401)
    r = ok(
        hub(
            mirror,
            tmp_path,
            f"""
for name, call in (("snapshot", lambda: snapshot_download({QWEN_ID!r})), ("file", lambda: hf_hub_download({QWEN_ID!r}, "config.json"))):
    try:
        call()
    except Exception as e:
        result[name] = [type(e).__name__, getattr(e.response, "status_code", None)]
""",
        )
    )
    assert r["snapshot"] == ["RepositoryNotFoundError", 401] and r["file"] == ["RepositoryNotFoundError", 401]
    assert mirror.count() == 2  # no retries on 401


def test_429(mirror, tmp_path):
    # Repo info always rate-limited; one file's HEAD rate-limited once.
    mirror.fail(status=429, repo_id=QWEN_ID, kinds=("info",))
    mirror.fail_file(QWEN_ID, "config.json", 429, times=1, methods=("HEAD",))
    r = ok(
        hub(
            mirror,
            tmp_path,
            f"""
try:
    snapshot_download({QWEN_ID!r})
except Exception as e:
    c = e.__cause__
    result["snapshot"] = [type(e).__name__, type(c).__name__, c.response.status_code, "rate limit" in str(e)]
result["file"] = hf_hub_download({QWEN_ID!r}, "config.json")
""",
        )
    )
    # snapshot_download asks for the repo info without retrying and reports the 429 as a
    # LocalEntryNotFoundError (a FileNotFoundError) whose cause is the HfHubHTTPError.
    assert r["snapshot"] == ["LocalEntryNotFoundError", "HfHubHTTPError", 429, True]
    assert mirror.count(kind="info") == 1
    # hf_hub_download retries the HEAD once at once (the RateLimit reset is not waited for here) and succeeds.
    assert [(q.method, q.status) for q in mirror.requests(filename="config.json")] == [("HEAD", 429), ("HEAD", 200), ("GET", 200)]
    assert Path(r["file"]).read_bytes() == (mirror.repo(QWEN_ID).folder / "config.json").read_bytes()


def test_500_then_success(mirror, tmp_path):
    mirror.fail_file(QWEN_ID, "model.safetensors", 500, times=1, methods=("HEAD",))
    mirror.fail_file(CLIP_ID, "open_clip_model.safetensors", 500, times=1, methods=("GET",))  # LFS: a CDN GET
    mirror.fail(status=500, repo_id=COCA_ID, kinds=("info",), times=1)
    mirror.fail(status=500, repo_id=COCA_ID, kinds=("tree",), times=1)
    r = ok(
        hub(
            mirror,
            tmp_path,
            f"""
result["head"] = hf_hub_download({QWEN_ID!r}, "model.safetensors")
for name, call in (("get", lambda: hf_hub_download({CLIP_ID!r}, "open_clip_model.safetensors")), ("info", lambda: snapshot_download({COCA_ID!r}))):
    try:
        call()
    except Exception as e:
        result[name + "_first"] = [type(e).__name__, type(e.__cause__).__name__]
result["get"] = hf_hub_download({CLIP_ID!r}, "open_clip_model.safetensors")
result["snapshot"] = snapshot_download({COCA_ID!r})
""",
        )
    )
    # A 5xx on the metadata HEAD is retried within the same call.
    assert [(q.method, q.status) for q in mirror.requests(filename="model.safetensors")] == [("HEAD", 500), ("HEAD", 302), ("GET", 200)]
    # A 5xx on the file GET is not retried (http_get retries 408/429 only): the call fails, the next one works.
    assert r["get_first"] == ["HfHubHTTPError", "HTTPStatusError"]
    assert [(q.kind, q.status) for q in mirror.requests(filename="open_clip_model.safetensors", method="GET")] == [("cdn", 500), ("cdn", 200)]
    # Repo info is not retried either (LocalEntryNotFoundError caused by the 500); the tree listing is (after 1 s).
    assert r["info_first"] == ["LocalEntryNotFoundError", "HfHubHTTPError"]
    assert [q.status for q in mirror.requests(repo_id=COCA_ID, kind="tree")][:2] == [500, 200]
    for key, repo_id, rel in (("head", QWEN_ID, "model.safetensors"), ("get", CLIP_ID, "open_clip_model.safetensors")):
        assert Path(r[key]).read_bytes() == (mirror.repo(repo_id).folder / rel).read_bytes()
    assert sorted(p.name for p in Path(r["snapshot"]).iterdir()) == sorted(mirror.repo(COCA_ID).files)


def test_truncated_body_is_retried_within_the_call(mirror, tmp_path):
    # A > 10 MiB file: huggingface_hub keeps what it received in 10 MiB chunks, so only then
    # does a retry resume with a Range request.
    big = tmp_path / "big-repo"
    big.mkdir()
    (big / ".gitattributes").write_text("*.bin filter=lfs diff=lfs merge=lfs -text\n")
    (big / "weights.bin").write_bytes(random.Random(0).randbytes(21 * MB))
    mirror.add_repo("hubmirror/big", big)
    mirror.truncate("hubmirror/big", "weights.bin", keep=15 * MB, times=1)
    mirror.truncate(QWEN_ID, "model.safetensors", keep=100_000, times=1)
    r = ok(
        hub(
            mirror,
            tmp_path / "home",
            f"""
result["big"] = hf_hub_download("hubmirror/big", "weights.bin")
result["small"] = hf_hub_download({QWEN_ID!r}, "model.safetensors")
""",
        )
    )
    assert sha256(Path(r["big"])) == sha256(big / "weights.bin")
    got = [(q.status, q.range, q.body_bytes) for q in mirror.requests(filename="weights.bin", method="GET")]
    assert got == [(200, None, 15 * MB), (206, f"bytes={10 * MB}-", 11 * MB)]
    # Under 10 MiB nothing is kept: the retry fetches the whole file again, without Range.
    assert Path(r["small"]).read_bytes() == (mirror.repo(QWEN_ID).folder / "model.safetensors").read_bytes()
    got = [(q.status, q.range, q.complete) for q in mirror.requests(filename="model.safetensors", method="GET")]
    assert got == [(200, None, False), (200, None, True)]


@pytest.mark.slow
def test_truncated_until_the_client_gives_up_then_a_second_call_completes(mirror, tmp_path):
    unet = "unet/diffusion_pytorch_model.safetensors"
    mirror.truncate(LCM_ID, unet, keep=0, times=6)  # the first call's 1 + 5 retries (1 s apart)
    code = f"""
try:
    snapshot_download({LCM_ID!r})
except Exception as e:
    result["error_1"] = [type(e).__module__ + "." + type(e).__name__, isinstance(e, OSError)]
result["path"] = snapshot_download({LCM_ID!r})
"""
    r = ok(hub(mirror, tmp_path, code))
    # The give-up error is httpx's own, not a huggingface_hub (or OSError) one.
    assert r["error_1"] == ["httpx2.RemoteProtocolError", False]
    repo = mirror.repo(LCM_ID)
    assert [(q.complete, q.body_bytes) for q in mirror.requests(filename=unet, method="GET")] == [(False, 0)] * 6 + [(True, repo.files[unet].size)]
    # Every other file was complete after the first call and was not downloaded again.
    for rel in repo.files:
        if rel != unet:
            assert mirror.downloads(LCM_ID, rel) == 1, rel
    storage = tmp_path / "hub" / f"models--{LCM_ID.replace('/', '--')}"
    assert not list(storage.rglob("*.incomplete"))
    assert (Path(r["path"]) / unet).read_bytes() == (repo.folder / unet).read_bytes()
    mirror.reset()
    ok(hub(mirror, tmp_path, f"snapshot_download({LCM_ID!r})"))
    assert mirror.downloads() == 0 and mirror.count() == 1
