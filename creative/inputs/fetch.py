"""Product photos by URL: fetched once, concurrently, checked, and cached on disk.

    fetcher = ImageFetcher()
    results = fetcher.fetch_all(["https://shop.example/a.jpg", ...])   # {url: Fetched}
    results[url].path      # the cached file, or None
    results[url].error     # why not: 'HTTP 404 Not Found', 'timed out after 20 s', ...

Each URL is fetched with a timeout, retried with exponential backoff on failures that can pass
(connection errors, timeouts, 408/429/5xx; Retry-After is honoured), capped in size, and kept
only if its content type and its decoded pixels say it is an image. The cache lives under
`$CREATIVE_HOME/images/`, keyed by URL, with the server's ETag and Last-Modified beside it: a
rerun (or a resumed batch) sends no request for a URL it already has, and `refresh=True`
revalidates each one (If-None-Match / If-Modified-Since; a 304 downloads nothing). Failed URLs
are not cached, so a rerun tries them again.
"""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from creative.paths import atomic_write_bytes, creative_home

__all__ = ["Fetched", "ImageFetcher", "is_url"]

MAX_BYTES = 25 * 1024 * 1024  # as the studio's upload limit: far above any product photo
# Types a server may give an image without saying which; the decode check decides.
_UNTYPED = {"", "application/octet-stream", "binary/octet-stream", "application/binary"}
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


def is_url(ref: str) -> bool:
    """True for http(s) URLs: the image references that are fetched rather than opened."""
    return isinstance(ref, str) and ref.strip().lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Fetched:
    """The outcome for one URL: `path` (the cached file) or `error` (one line: why not)."""

    url: str
    path: Path | None = None
    error: str | None = None
    downloaded: bool = False  # its bytes came over the network in this call (not the cache)


class _Failed(Exception):
    def __init__(self, reason: str, retry: bool = False, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.wait = reason, retry, wait


class ImageFetcher:
    """Fetches image URLs into the on-disk cache.

    `timeout` is seconds per attempt (connect, and each read), `retries` how many more
    attempts a passing failure gets, waiting `backoff` * 2**n seconds (or the server's
    Retry-After, at most 30 s) in between; `max_bytes` caps one image; `workers` URLs are
    fetched at once. `refresh` revalidates cached URLs with the server instead of trusting them.
    """

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        *,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_bytes: int = MAX_BYTES,
        workers: int = 8,
        refresh: bool = False,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else creative_home() / "images"
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.max_bytes, self.workers, self.refresh = max_bytes, workers, refresh

    # -- the cache ----------------------------------------------------------------------

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.cache_dir / key[:2]
        return folder / key, folder / f"{key}.json"

    def cached(self, url: str) -> tuple[Path, dict] | None:
        """The cached file and what the server said of it, or None. The metadata is written
        after the bytes, so an entry cut short by a kill is never taken for a whole one."""
        data, meta = self._paths(url)
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if info.get("url") != url or not data.is_file() or data.stat().st_size != info.get("bytes"):
            return None
        return data, info

    def _store(self, url: str, body: bytes, headers) -> Path:
        data, meta = self._paths(url)
        atomic_write_bytes(data, body)
        info = {
            "url": url,
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "content_type": headers.get("content-type"),
        }
        atomic_write_bytes(meta, json.dumps(info, indent=1).encode("utf-8"))
        return data

    # -- fetching -----------------------------------------------------------------------

    def fetch_all(self, urls: Iterable[str]) -> dict[str, Fetched]:
        """Every distinct URL, fetched concurrently; never raises for a URL that fails."""
        unique = list(dict.fromkeys(u.strip() for u in urls))
        if not unique:
            return {}
        hits = {} if self.refresh else {u: hit for u in unique if (hit := self.cached(u))}
        todo = [u for u in unique if u not in hits]
        results = {u: Fetched(u, hit[0]) for u, hit in hits.items()}
        if todo:
            import httpx

            with httpx.Client(
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=True,
                max_redirects=5,
                limits=httpx.Limits(max_connections=self.workers),
                headers={"User-Agent": "creative (product image fetch)", "Accept": "image/*"},
            ) as client, ThreadPoolExecutor(max_workers=self.workers) as pool:
                for result in pool.map(lambda u: self._fetch(client, u), todo):
                    results[result.url] = result
        return {u: results[u] for u in unique}

    def fetch(self, url: str) -> Fetched:
        """One URL (see `fetch_all`)."""
        return self.fetch_all([url])[url.strip()]

    def _fetch(self, client, url: str) -> Fetched:
        if not is_url(url):
            return Fetched(url, error="not an http or https URL")
        hit = self.cached(url)
        for attempt in range(self.retries + 1):
            try:
                return self._attempt(client, url, hit)
            except _Failed as failure:
                if not failure.retry or attempt == self.retries:
                    return Fetched(url, error=failure.reason + (f" (after {attempt + 1} attempts)" if attempt else ""))
                time.sleep(min(30.0, failure.wait if failure.wait is not None else self.backoff * 2**attempt))
        raise AssertionError("unreachable")

    def _attempt(self, client, url: str, hit: tuple[Path, dict] | None) -> Fetched:
        import httpx

        from creative.inputs.images import ImageError, load_image

        headers = {}
        if hit and hit[1].get("etag"):
            headers["If-None-Match"] = hit[1]["etag"]
        if hit and hit[1].get("last_modified"):
            headers["If-Modified-Since"] = hit[1]["last_modified"]
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and hit:
                    return Fetched(url, hit[0])
                if response.status_code >= 400:
                    wait = _retry_after(response.headers.get("retry-after"))
                    raise _Failed(f"HTTP {response.status_code} {response.reason_phrase}".strip(), response.status_code in _RETRY_STATUS, wait)
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if not (kind.startswith("image/") or kind in _UNTYPED):
                    raise _Failed(f"not an image (the server sent {kind})")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise _Failed(f"{int(declared):,} bytes, over the {self.max_bytes:,}-byte limit")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise _Failed(f"over the {self.max_bytes:,}-byte limit")
        except httpx.TimeoutException:
            raise _Failed(f"timed out after {self.timeout:g} s", retry=True) from None
        except httpx.TooManyRedirects:
            raise _Failed("too many redirects") from None
        except httpx.TransportError as e:  # connection refused, DNS, TLS, cut short
            raise _Failed(f"could not fetch ({type(e).__name__}: {e or 'no detail'})", retry=True) from None
        except httpx.InvalidURL as e:
            raise _Failed(f"invalid URL ({e})") from None
        try:
            load_image(bytes(body), name=url)  # decode every pixel: truncated files fail here
        except ImageError as e:
            raise _Failed(e.reason) from None
        return Fetched(url, self._store(url, bytes(body), response.headers), downloaded=True)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number; an HTTP date counts as unknown)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
