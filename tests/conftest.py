"""Shared fixtures. Tests never touch the network or the user's caches: CREATIVE_HOME and the
Hugging Face cache point into a per-session temporary folder, and the hub counts as offline."""

from __future__ import annotations

import hashlib
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


class ImageServer:
    """A web server on 127.0.0.1 for image URLs: `routes[path]` is (status, headers, body) or a
    callable(handler) -> that triple; every request is counted in `hits[path]`. Responses
    carry an ETag and honour If-None-Match, as CDNs do."""

    def __init__(self) -> None:
        import threading
        from collections import Counter
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.routes: dict = {}
        self.hits: Counter = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                server.hits[self.path] += 1
                route = server.routes.get(self.path, (404, {}, b"not found"))
                status, headers, body = route(self) if callable(route) else route
                etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(status)
                headers = {"Content-Type": "image/png", "Content-Length": str(len(body)), **headers}
                if status == 200:
                    headers.setdefault("ETag", etag)
                for key, value in headers.items():
                    if value is not None:  # None: leave the header out (a body read until the connection closes)
                        self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a size cap, a timeout): as it may

            def log_message(self, *args):  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def image(self, path: str, colour=(200, 30, 30), fmt: str = "PNG") -> str:
        """Serve a drawn product photo at `path`; returns its URL."""
        import io

        buf = io.BytesIO()
        im = Image.new("RGB", (128, 128), "white")
        ImageDraw.Draw(im).rectangle([30, 40, 98, 90], fill=colour)
        im.save(buf, fmt)
        self.routes[path] = (200, {"Content-Type": f"image/{fmt.lower()}"}, buf.getvalue())
        return self.url + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def image_server():
    server = ImageServer()
    yield server
    server.close()
