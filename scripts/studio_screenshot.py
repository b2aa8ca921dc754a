"""The README's picture of the studio: start `creative studio`, fill in a sample product,
generate, and save a screenshot (headless Debian Chromium driven by Playwright).

    python scripts/studio_screenshot.py                 # offline `auto` profile -> docs/studio.png
    python scripts/studio_screenshot.py --profile tiny --out /tmp/studio.png

With `auto` on an offline machine SmolLM2 writes the copy, which takes minutes on a CPU.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from creative.inputs.catalog import read_catalog  # noqa: E402

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="auto")
    parser.add_argument("--sku", default="SHOE-001", help="a product of samples/catalog.csv")
    parser.add_argument("--platforms", default="banner", help="copy platforms to tick (comma-separated)")
    parser.add_argument("--out", default=str(REPO / "docs" / "studio.png"))
    parser.add_argument("--port", type=int, default=7899)
    args = parser.parse_args()

    row = next(r for r in read_catalog(REPO / "samples" / "catalog.csv") if r.sku == args.sku)
    product = row.product
    env = os.environ | {"OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    server = subprocess.Popen([sys.executable, "-m", "creative", "studio", "--profile", args.profile, "--port", str(args.port)], env=env, cwd=REPO)
    try:
        for _ in range(240):
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1250})
            page.set_default_timeout(60_000)
            page.goto(f"http://127.0.0.1:{args.port}/", wait_until="load")
            page.set_input_files("#photos input[type=file]", [str(p) for p in product.images])
            page.wait_for_selector("#preview img")
            fields = {
                "title": product.title,
                "description": product.description,
                "attributes": "\n".join(f"{k}={v}" for k, v in list(product.attributes.items())[:4]),
                "brand": product.brand,
                "sku": product.sku,
                "price": f"{product.price:.2f}" if product.price is not None else "",
                "currency": product.currency,
                "audience": product.audience,
            }
            for elem, value in fields.items():
                page.locator(f"#{elem} input, #{elem} textarea").first.fill(value)
            wanted = set(args.platforms.split(","))
            for label in page.locator("#platforms label").all():
                name = label.inner_text().strip()
                if (name in wanted) != label.locator("input").is_checked():
                    label.click()
            started = time.monotonic()
            page.click("#generate")
            page.wait_for_selector("#looks img", timeout=3_600_000)
            page.wait_for_timeout(1500)
            print(f"generated in {time.monotonic() - started:.0f} s")
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=args.out, full_page=True, clip={"x": 0, "y": 0, "width": 1400, "height": 1250})
            print(f"wrote {args.out}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
