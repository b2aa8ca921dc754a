"""The local engine: one Studio in this process makes the catalog's SKUs one after another."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from creative.batch.job import BatchOptions, load_extras, make_sku, set_threads
from creative.inputs.catalog import CatalogRow
from creative.studio import Studio


def run_local(todo: list[CatalogRow], options: BatchOptions, stage: Callable[[str], None] | None = None) -> Iterator[tuple[CatalogRow, Any]]:
    """Each row's files and manifest rows (or its error, as text), in order. `stage(text)` is
    told what is being made ("SKU: copy and captions", "SKU: banners: composing 300x250")."""
    set_threads(options.threads)
    studio = Studio.from_profile(options.profile)
    brand, rules = load_extras(options)
    for row in todo:
        progress = (lambda fraction, step, sku=row.sku: stage(f"{sku}: {step}")) if stage else None
        try:
            yield row, make_sku(studio, row, options, brand, rules, progress)
        except Exception as e:  # noqa: BLE001 - one bad product must not stop the catalog
            yield row, f"{type(e).__name__}: {e}"
