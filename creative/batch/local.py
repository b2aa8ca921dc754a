"""The local engine: one Studio in this process makes the catalog's SKUs one after another."""

from __future__ import annotations

from typing import Any, Iterator

from creative.batch.job import BatchOptions, load_extras, make_sku, set_threads
from creative.inputs.catalog import CatalogRow
from creative.studio import Studio


def run_local(todo: list[CatalogRow], options: BatchOptions) -> Iterator[tuple[CatalogRow, Any]]:
    set_threads(options.threads)
    studio = Studio.from_profile(options.profile)
    brand, rules = load_extras(options)
    for row in todo:
        try:
            yield row, make_sku(studio, row, options, brand, rules)
        except Exception as e:  # noqa: BLE001 - one bad product must not stop the catalog
            yield row, f"{type(e).__name__}: {e}"
