"""A catalog's image references -> the photos a product can use, and why the others cannot.

A reference is a path (relative to the catalog's folder, or to --images) or an http(s) URL.
Local paths must resolve, symlinks followed, inside the catalog's folder or --images: a
catalog is data from a shop, and '/etc/passwd' or '../../..' in it must not be opened
(`allow_any_path` lifts this for a catalog you trust). Every photo is decoded in full before
it counts as usable, so a truncated file is found here, not half-way through a run.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from creative.inputs.fetch import Fetched, ImageFetcher, is_url

__all__ = ["Photos", "image_refs", "resolve_photos"]

MIN_PHOTO_SIDE = 32  # pixels: the smallest side a catalog photo may have (1x1 is a tracking pixel)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass
class Photos:
    """One product's photos: `usable` (local files, in catalog order) and `skipped`
    ((reference as written, reason) for each photo that cannot be used)."""

    usable: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def problem(self) -> str | None:
        """Why the product cannot be made (no usable photo), or None."""
        if self.usable:
            return None
        if not self.skipped:
            return "images: none given"
        return "no usable image: " + "; ".join(f"{ref}: {why}" for ref, why in self.skipped)


def image_refs(value: Any) -> list[str]:
    """The references in a catalog cell ('a.jpg|b.jpg') or a list from a feed or JSONL."""
    items = value if isinstance(value, list) else str(value or "").split("|")
    return [str(v).strip() for v in items if str(v).strip()]


def _local(ref: str, base: Path, roots: list[Path], allow_any_path: bool) -> tuple[Path | None, str | None]:
    path = Path(ref) if os.path.isabs(ref) else base / ref
    resolved = path.resolve()
    if not allow_any_path and not any(resolved.is_relative_to(root) for root in roots):
        inside = " or ".join(str(r) for r in roots)
        return None, f"refused: resolves to {resolved}, outside {inside} (pass --allow-any-path for a catalog you trust)"
    if resolved.is_dir():
        return None, "is a directory, not an image file"
    if not resolved.is_file():
        return None, "file not found"
    return path, None  # as the catalog names it (relative stays relative): outputs record it so


def resolve_photos(
    products: list[list[str]],
    base: Path,
    roots: Iterable[Path],
    *,
    allow_any_path: bool = False,
    fetcher: ImageFetcher | None = None,
    max_images: int = 10,
) -> list[Photos]:
    """For each product's references, its Photos. URLs of all products are fetched together
    (concurrently, cached); then every candidate file is decoded once, in parallel threads.
    Photos past the first `max_images` usable ones are skipped, with that reason. Never
    raises for a bad reference: each becomes a reason."""
    from creative.inputs.images import ImageError, load_image

    roots = [Path(r).resolve() for r in roots]
    urls = [ref for refs in products for ref in refs if is_url(ref)]
    fetched: dict[str, Fetched] = (fetcher or ImageFetcher()).fetch_all(urls) if urls else {}
    candidates: list[list[tuple[str, Path | None, str | None]]] = []
    for refs in products:
        row = []
        for ref in refs:
            if is_url(ref):
                result = fetched[ref]
                row.append((ref, result.path, result.error))
            elif _SCHEME.match(ref):
                row.append((ref, None, "only http and https URLs are fetched"))
            else:
                row.append((ref, *_local(ref, base, roots, allow_any_path)))
        candidates.append(row)

    def check(path: Path) -> str | None:
        try:
            image = load_image(path)
        except ImageError as e:
            return e.reason
        if min(image.size) < MIN_PHOTO_SIDE:  # a tracking pixel or a broken export, not a photo
            return f"{image.width}x{image.height} px is too small for a product photo (at least {MIN_PHOTO_SIDE} px a side)"
        return None

    files = sorted({path for row in candidates for _, path, _ in row if path is not None})
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        decoded = dict(zip(files, pool.map(check, files)))
    out = []
    for row in candidates:
        photos = Photos()
        for ref, path, reason in row:
            reason = reason or decoded.get(path)
            if reason:
                photos.skipped.append((ref, reason))
            elif len(photos.usable) >= max_images:
                photos.skipped.append((ref, f"more than {max_images} photos: the first {max_images} usable ones are used"))
            else:
                photos.usable.append(path)
        out.append(photos)
    return out
