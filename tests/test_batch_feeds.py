"""`creative batch` on a shop's own export (#13): photos by URL, bad photos and bad rows recorded
with their reasons, and a rerun that downloads nothing."""

import json

import pytest

from test_batch import batch
from test_feeds import PHOTOS, write_layout

pytestmark = pytest.mark.slow


def test_batch_on_a_shopify_export_with_bad_urls_then_a_resume_downloads_nothing(image_server, tmp_path):
    for name, colour in PHOTOS.items():
        image_server.image(f"/{name}.png", colour)
    path, _ = write_layout(tmp_path, "shopify", image_server.url)
    text = path.read_text()
    # one of the shoe's photos is gone; every photo of the bottle fails
    text = text.replace("/shoe-pair.png", "/gone.png").replace("/bottle-a.png", "/page.png")
    text = text.replace("/bottle-b.png", "/gone.png").replace("/bottle-c.png", "/gone2.png")
    image_server.routes["/page.png"] = (200, {"Content-Type": "text/html"}, b"<html>a page</html>")
    path.write_text(text)
    out = tmp_path / "out"

    result = batch(path, out, "--currency", "GBP")
    assert result.returncode == 1, result.stderr  # the bottle failed; the others were made
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert [r["sku"] for r in manifest if r["kind"] == "sku"] == ["pace-runner", "mug-350"]
    skipped = [r for r in manifest if r["kind"] == "skipped_image"]
    assert [(r["sku"], r["text"]["image"], r["text"]["reason"], r["text"]["where"]) for r in skipped] == [
        ("pace-runner", f"{image_server.url}/gone.png", "HTTP 404 Not Found", "lines 2-3 (handle 'pace-runner')")
    ]
    (error,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert error["sku"] == "summit-750" and error["where"] == "lines 5-7 (handle 'summit-750')"
    assert "no usable image" in error["error"] and "not an image (the server sent text/html)" in error["error"] and "HTTP 404" in error["error"]
    page = (out / "index.html").read_text()
    assert "pace-runner/banners/300x250-1.png" in page and "photo not used" in page and "summit-750 (lines 5-7" in page
    creative = json.loads((out / "mug-350" / "creative.json").read_text())
    assert (creative["product"]["price"], creative["product"]["sale_price"], creative["product"]["currency"]) == (30.0, 24.0, "GBP")
    assert "2 products made" in result.stdout

    good = ["/shoe-side.png", "/mug.png"]
    image_server.hits.clear()
    rerun = batch(path, out, "--currency", "GBP")
    assert "0 products made, 2 already done, 1 failed" in rerun.stdout
    assert all(image_server.hits[p] == 0 for p in good), image_server.hits  # nothing downloaded again
    assert image_server.hits["/gone.png"] == 1  # a failure is tried again, once


# The other layouts (Shopify's current header, Merchant Center TSV and Atom) are read into the
# same products (test_feeds.py); a whole run each would add a minute to the suite for nothing new.
@pytest.mark.parametrize("name", ["google-rss", "woocommerce"])
def test_batch_on_each_platforms_export(image_server, tmp_path, name):
    for photo, colour in PHOTOS.items():
        image_server.image(f"/{photo}.png", colour)
    path, _ = write_layout(tmp_path, name, image_server.url)
    result = batch(path, tmp_path / "out", "--currency", "GBP")
    assert result.returncode == 0, result.stderr
    skus = [json.loads(line)["sku"] for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines() if '"kind": "sku"' in line]
    assert len(skus) == 3 and "3 products made" in result.stdout
    page = (tmp_path / "out" / "index.html").read_text()
    assert all(f"{sku}/banners/300x250-1.png" in page for sku in skus)
