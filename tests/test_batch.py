"""The batch script: outputs, bad rows, path traversal, HTML escaping, resume after SIGKILL."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SAMPLES, draw_product
from creative.batch import sku_folder, sku_problem, sku_seed

pytestmark = pytest.mark.slow
FAST = ["--profile", "tiny", "--sizes", "300x250", "--platforms", "banner", "--n-visuals", "1", "--n-copies", "1", "--n-captions", "1", "--no-progress"]


def batch(catalog: Path, out: Path, *extra: str, **popen) -> subprocess.CompletedProcess | subprocess.Popen:
    cmd = [sys.executable, "-m", "creative", "batch", str(catalog), "--out", str(out), *FAST, *extra]
    if popen:
        return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file's bytes; creative.json without its timings (the one thing that varies)."""
    files = {}
    for f in sorted(out.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            if f.name == "creative.json":
                d = json.loads(data)
                d.pop("timings")
                data = json.dumps(d, sort_keys=True).encode()
            files[f.relative_to(out).as_posix()] = data
    return files


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """Three real sample products (one Chinese), as a catalog of their own."""
    folder = tmp_path_factory.mktemp("catalog")
    lines = (SAMPLES / "catalog.csv").read_text(encoding="utf-8").splitlines()
    path = folder / "catalog.csv"
    path.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    shutil.copytree(SAMPLES / "images", folder / "images")  # a symlink out of the catalog's folder is refused
    return path


@pytest.fixture(scope="module")
def uninterrupted(catalog, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "full"
    result = batch(catalog, out)
    assert result.returncode == 0, result.stderr
    return out


def test_outputs_manifest_and_contact_sheet(uninterrupted):
    skus = ["SHOE-001", "MUG-001", "BOTTLE-001"]
    assert all((uninterrupted / s / "creative.json").is_file() and (uninterrupted / s / "banners" / "300x250-1.png").is_file() for s in skus)
    rows = [json.loads(line) for line in (uninterrupted / "manifest.jsonl").read_text().splitlines()]
    assert [r["sku"] for r in rows if r["kind"] == "sku"] == skus
    assert {r["kind"] for r in rows} == {"banner", "copy", "caption", "sku"}
    assert all((uninterrupted / r["path"]).is_file() for r in rows)
    csv_lines = (uninterrupted / "manifest.csv").read_text().splitlines()
    assert csv_lines[0].startswith("sku,kind,path") and len(csv_lines) == len(rows) + 1
    assert (uninterrupted / "errors.jsonl").read_text() == ""
    assert "SHOE-001/banners/300x250-1.png" in (uninterrupted / "index.html").read_text()


def test_rerun_of_a_finished_batch_changes_nothing(catalog, uninterrupted):
    before = snapshot(uninterrupted)
    result = batch(catalog, uninterrupted)
    assert result.returncode == 0 and "0 products made, 3 already done" in result.stdout
    assert snapshot(uninterrupted) == before


def test_killed_run_resumes_to_the_same_result(catalog, uninterrupted, tmp_path):
    out = tmp_path / "killed"
    proc = batch(catalog, out, popen=True)
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:  # wait until one SKU is done, then a random moment more
        manifest = out / "manifest.jsonl"
        if manifest.is_file() and '"kind": "sku"' in manifest.read_text():
            break
        time.sleep(0.2)
    time.sleep(random.Random(os.getpid()).uniform(0, 3))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    result = batch(catalog, out)
    assert result.returncode == 0, result.stderr
    leftovers = [p for p in out.rglob(".*") if p.is_file()]
    assert leftovers == [], f"temporary files left behind: {leftovers}"
    assert snapshot(out) == snapshot(uninterrupted)


def test_bad_rows_are_reported_and_the_rest_runs(tmp_path):
    draw_product(tmp_path / "ok.png")
    (tmp_path / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    long_title = "x" * 5000
    (tmp_path / "cat.csv").write_text(
        "sku,images,title\n"
        "GOOD-1,ok.png,<script>alert('x')</script> Mug & Co\n"
        "GOOD-1,ok.png,Duplicate\n"
        "MISSING,nope.png,Missing image\n"
        "CORRUPT,corrupt.jpg,Corrupt image\n"
        "EMPTY,ok.png,\n"
        "../../evil,ok.png,Traversal\n"
        f"LONG,ok.png,{long_title}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    before = set(tmp_path.parent.iterdir())
    result = batch(tmp_path / "cat.csv", out)
    assert result.returncode == 1
    errors = {e["sku"]: e["error"] for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())}
    assert "duplicate" in errors["GOOD-1"]
    assert "file not found" in errors["MISSING"]
    assert "corrupt.jpg" in errors["CORRUPT"]
    assert "title" in errors["EMPTY"]
    assert "path characters" in errors["../../evil"]
    assert "title" in errors["LONG"]
    assert (out / "GOOD-1" / "creative.json").is_file()
    assert set(tmp_path.parent.iterdir()) == before, "nothing written outside --out"
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()
    page = (out / "index.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Mug &amp; Co" in page


def test_sku_names_and_seeds():
    assert sku_folder("SHOE-001") == "SHOE-001"
    assert sku_folder("a b/c").startswith("a_b_c-") and sku_folder("a b") != sku_folder("a_b")
    assert sku_problem("../x") and sku_problem("a/b") and sku_problem("a\\b") and sku_problem("SHOE-001") is None
    assert sku_seed("SHOE-001", 0) == sku_seed("SHOE-001", 0) != sku_seed("SHOE-002", 0)


def test_ray_engine_equals_local_engine(catalog, tmp_path):
    pytest.importorskip("ray")
    local = batch(catalog, tmp_path / "local", "--threads", "1")
    ray_run = batch(catalog, tmp_path / "ray", "--engine", "ray", "--workers", "2", "--threads", "1")
    assert local.returncode == 0 and ray_run.returncode == 0, ray_run.stderr[-2000:]
    assert snapshot(tmp_path / "ray") == snapshot(tmp_path / "local")
