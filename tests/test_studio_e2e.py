"""The studio in a real browser: Debian's headless Chromium driven by Playwright, on the tiny
profile. Upload a sample, generate, see ranked looks, edit a headline and see the banner
change, download the zip and check it. Screenshots go to artifacts/studio-e2e/ (or
$CREATIVE_ARTIFACTS/studio-e2e/) for a human to look at."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOE = REPO / "samples" / "images" / "running_shoe_side.jpg"
ARTIFACTS = Path(os.environ.get("CREATIVE_ARTIFACTS", REPO / "artifacts")) / "studio-e2e"
# as the machine's notes say: without the background-networking flags Chromium keeps
# trying (and failing) to reach Google's services on a closed network
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


def _need_browser():
    """CI installs Chromium and Playwright (.ci/run), so there a missing one is a failure."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    missing = [what for what, ok in (("playwright", sync_playwright is not None), ("chromium", Path(CHROMIUM).is_file())) if not ok]
    if missing:
        message = f"the browser test needs {' and '.join(missing)} (Debian: apt install chromium; pip install playwright)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def studio_url(isolated_home, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("studio") / "studio.log"
    env = os.environ | {"CREATIVE_HOME": str(isolated_home), "OMP_NUM_THREADS": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "creative", "studio", "--profile", "tiny", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the studio exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the studio did not start in 120 s:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / "studio.log")


@pytest.fixture(scope="module")
def page(studio_url):
    sync_playwright = _need_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        # The browser stands for the user's machine, with its own fonts: a fresh-machine run of
        # the suite hides the system's fonts from creative (FONTCONFIG_FILE), not from Chromium,
        # which cannot draw a page with none.
        env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(60_000)
        page.goto(studio_url, wait_until="load")
        page.wait_for_selector("#generate")
        yield page
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def image_bytes(page, selector: str) -> tuple[str, bytes]:
    src = page.locator(selector).first.get_attribute("src")
    return src, page.request.get(src).body()


def wait_for_new_src(page, selector: str, old: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while page.locator(selector).first.get_attribute("src") == old:
        if time.monotonic() > deadline:
            raise AssertionError(f"{selector} did not change in {timeout} s")
        time.sleep(0.2)


def test_a_non_image_upload_is_refused_with_a_message(page, tmp_path):
    page.click("#generate")  # nothing filled in yet: a message, not a stack trace
    page.get_by_text("add at least one product photo").first.wait_for()
    page.click("#apply")
    page.get_by_text("nothing to edit yet").first.wait_for()
    assert "Traceback" not in page.content()
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    page.set_input_files("#photos input[type=file]", str(fake))
    page.get_by_text("photo.jpg was refused").first.wait_for()
    page.set_input_files("#photos input[type=file]", str(notes))
    page.get_by_text(re.compile(r"Invalid file type: notes\.txt")).first.wait_for()
    big = tmp_path / "huge.png"
    with open(big, "wb") as f:
        f.truncate(26 * 1024 * 1024)  # over the 25 MB upload limit
    page.set_input_files("#photos input[type=file]", str(big))
    page.get_by_text(re.compile(r"exceed|too large|maximum", re.I)).first.wait_for()
    shot(page, "0-refused-upload")
    page.reload(wait_until="load")
    page.wait_for_selector("#generate")


def test_generate_edit_and_download_in_a_browser(page, tmp_path):
    page.set_input_files("#photos input[type=file]", str(SHOE))
    page.wait_for_selector("#preview img")
    page.locator("#title input, #title textarea").first.fill("Loftstep Pace Runner")
    page.locator("#sku input, #sku textarea").first.fill("SHOE-001")
    page.click("#generate")
    page.wait_for_function("document.querySelectorAll('#looks img').length === 3", timeout=180_000)
    page.wait_for_function("document.querySelectorAll('#sizes-gallery img').length === 4")
    shot(page, "1-generated")

    # ranked: the looks' captions carry their scores, best first
    scores = [float(s) for s in re.findall(r"score (\d\.\d+)", page.locator("#looks").inner_text())]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    sizes_text = page.locator("#sizes-gallery").inner_text()
    assert all(size in sizes_text for size in ("1080x1080", "1200x628", "1080x1920", "300x250"))

    # ad copy: a table per platform asked for, each field counted against its limit
    page.get_by_role("tab", name="Ad copy").click()
    page.locator("#copy-banner").wait_for()
    banner_copy, meta_copy = page.locator("#copy-banner").inner_text(), page.locator("#copy-meta").inner_text()
    assert re.search(r"\bheadline\s+.*?\s(\d+)/30\b", banner_copy, re.S), banner_copy  # counted against the limit
    assert re.search(r"\bprimary_text\s+.*?\s(\d+)/125\b", meta_copy, re.S), meta_copy
    assert not page.locator("#copy-google_rsa").is_visible()  # not asked for
    shot(page, "1b-ad-copy")
    page.get_by_role("tab", name="Banners").click()

    # edit the headline: the chosen look re-renders, and the words are checked
    before_src, before = image_bytes(page, "#sizes-gallery img")
    page.locator("#edit-headline input, #edit-headline textarea").first.fill("Edited in the studio")
    page.click("#apply")
    wait_for_new_src(page, "#sizes-gallery img", before_src)
    _, after = image_bytes(page, "#sizes-gallery img")
    assert after != before
    page.get_by_text("headline: 20/30 characters").first.wait_for()
    shot(page, "2-edited")

    # lock the edited look (locked looks lead the gallery), ask for new visuals: it stays, the
    # other two are replaced
    page.locator("#lock-look input").check()
    page.get_by_text(re.compile(r"#1 · score \d\.\d+ · locked · edited")).first.wait_for()
    others = [page.locator("#looks img").nth(i).get_attribute("src") for i in (1, 2)]
    page.click("#regen-visuals")
    wait_for_new_src(page, "#looks img >> nth=1", others[0])
    page.get_by_text(re.compile(r"#1 · score \d\.\d+ · locked · edited")).first.wait_for()
    assert not {page.locator("#looks img").nth(i).get_attribute("src") for i in (1, 2)} & set(others)
    shot(page, "3-new-visuals")

    # the zip: the batch layout for one product, with the edit in it
    page.wait_for_function("!document.querySelector('#download').disabled")
    with page.expect_download() as download:
        page.click("#download")
    path = tmp_path / "download.zip"
    download.value.save_as(path)
    shutil.copyfile(path, ARTIFACTS / "download.zip")
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert {"manifest.jsonl", "manifest.csv", "index.html", "errors.jsonl", "SHOE-001/creative.json", "SHOE-001/copy.json", "SHOE-001/captions.json"} <= names
        banners = sorted(n for n in names if re.fullmatch(r"SHOE-001/banners/\d+x\d+-\d\.png", n))
        assert len(banners) == 4 * 3
        sidecars = [json.loads(z.read(n[:-4] + ".json")) for n in banners]
        edited = [b for b in sidecars if b["metadata"]["copy_source"] == "edited"]
        assert sorted(b["size"] for b in edited) == ["1080x1080", "1080x1920", "1200x628", "300x250"]
        # the new visuals came after the edit, so they carry the edited words too
        assert all(b["metadata"]["copy"]["headline"] == "Edited in the studio" for b in sidecars)
        rows = [json.loads(line) for line in z.read("manifest.jsonl").decode().splitlines()]
        assert rows[-1]["kind"] == "sku" and rows[-1]["sku"] == "SHOE-001"
        from PIL import Image

        with Image.open(io.BytesIO(z.read("SHOE-001/banners/1080x1080-1.png"))) as im:
            assert im.size == (1080, 1080)


def test_work_is_saved_as_you_go_and_reopens_after_a_reload(page):
    # runs after the test above: its session's work (edited, locked look) is on disk
    page.reload(wait_until="load")
    page.wait_for_selector("#generate")
    page.get_by_text("Recent work (saved as you go)").click()
    page.locator("#recent input").click()
    page.get_by_role("option", name=re.compile(r"Loftstep Pace Runner · SHOE-001")).first.click()
    page.click("#reopen")
    page.get_by_text(re.compile(r"#1 · score \d\.\d+ · locked · edited")).first.wait_for()
    assert page.locator("#title input, #title textarea").first.input_value() == "Loftstep Pace Runner"
    assert page.locator("#edit-headline input, #edit-headline textarea").first.input_value() == "Edited in the studio"
    page.wait_for_function("document.querySelectorAll('#sizes-gallery img').length === 4")
    shot(page, "4-reopened")
