"""The batch banner script: a catalog in; per-SKU folders, a manifest and a contact sheet out.

    creative batch samples/catalog.csv --out out/

Crash-safe and resumable. Every file is written under a temporary name and renamed. A SKU
is done only once its block of manifest rows, ending with its `sku` row, is in
manifest.jsonl; a rerun skips done SKUs, drops the rows of a half-written block and redoes
that SKU from scratch. Outputs are deterministic (a seed per SKU), so a run killed at any
moment and rerun equals an uninterrupted run. Nothing is written outside `--out`.
"""

from creative.batch.job import BatchOptions, load_extras, make_sku
from creative.batch.output import BatchError, manifest_rows, product_files, sku_folder, sku_problem, sku_seed
from creative.batch.run import BatchSummary, plan_rows, run_batch

__all__ = [
    "BatchError",
    "BatchOptions",
    "BatchSummary",
    "load_extras",
    "make_sku",
    "manifest_rows",
    "plan_rows",
    "product_files",
    "run_batch",
    "sku_folder",
    "sku_problem",
    "sku_seed",
]
