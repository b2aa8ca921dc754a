"""`run_batch`: a catalog in; per-SKU folders, a manifest and a contact sheet out, made by
the local engine or on Ray (same outputs either way)."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from creative.batch.job import BatchOptions
from creative.batch.local import run_local
from creative.batch.output import append_rows, inside, manifest_lines, read_manifest, skipped_image_rows, sku_folder, sku_problem, write_errors, write_index, write_manifest_csv
from creative.inputs.catalog import CatalogOptions, CatalogRow, read_catalog
from creative.paths import atomic_write_bytes


@dataclass
class BatchSummary:
    done: list[str] = field(default_factory=list)  # SKUs made in this run
    skipped: list[str] = field(default_factory=list)  # already done by an earlier run
    failed: list[dict[str, Any]] = field(default_factory=list)  # {"sku", "line", "where", "error"}
    seconds: float = 0.0
    text_flags: dict[str, list[str]] = field(default_factory=dict)  # SKU -> text its banners could not draw

    @property
    def ok(self) -> bool:
        return not self.failed


# -- the run --------------------------------------------------------------------------


def plan_rows(
    catalog: str | Path, images_dir: str | Path | None, limit: int | None, only: list[str] | None, catalog_options: CatalogOptions | None = None
) -> tuple[list[CatalogRow], list[dict[str, Any]]]:
    """Rows to make, and rows that are errors before any model runs."""
    rows = read_catalog(catalog, images_dir, catalog_options, only=only, limit=limit)
    good, errors = [], []
    for r in rows:
        problem = r.error or sku_problem(r.sku)
        if problem:
            errors.append({"sku": r.sku, "line": r.line, "where": r.where, "error": problem})
        else:
            good.append(r)
    return good, errors


def _resolve_out(out: str | Path) -> Path:
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    return out


def run_batch(
    catalog: str | Path,
    out: str | Path,
    *,
    images_dir: str | Path | None = None,
    options: BatchOptions = BatchOptions(),
    limit: int | None = None,
    only: list[str] | None = None,
    engine: str = "local",
    ray_address: str | None = None,
    workers: int = 2,
    progress: bool = True,
    catalog_options: CatalogOptions | None = None,
) -> BatchSummary:
    start = time.perf_counter()
    out = _resolve_out(out)
    todo, errors = plan_rows(catalog, images_dir, limit, only, catalog_options)
    manifest = out / "manifest.jsonl"
    rows, done = read_manifest(manifest)
    atomic_write_bytes(manifest, manifest_lines(rows))
    summary = BatchSummary(skipped=[r.sku for r in todo if r.sku in done])
    todo = [r for r in todo if r.sku not in done]
    for r in todo:  # half-done folders from a killed run start over
        folder = out / sku_folder(r.sku)
        if folder.exists():
            shutil.rmtree(folder)

    def record_error(row: CatalogRow, message: str) -> None:
        errors.append({"sku": row.sku, "line": row.line, "where": row.where, "error": message})
        summary.failed.append(errors[-1])
        write_errors(out, errors)

    summary.failed = list(errors)
    write_errors(out, errors)
    from tqdm.auto import tqdm

    bar = tqdm(total=len(todo), unit="product", desc="banners", disable=not progress, file=sys.stderr)
    # the bar names the stage the local engine is in; Ray's workers report whole products
    results = run_local(todo, options, stage=bar.set_postfix_str) if engine == "local" else _run_ray(todo, options, ray_address, workers)
    for row, files_or_error in results:
        if isinstance(files_or_error, str):
            record_error(row, files_or_error)
        else:
            folder = sku_folder(row.sku)
            files, set_rows = files_or_error
            target = out / folder
            for name, blob in files.items():  # creative.json last: see CreativeSet.save
                if name != "creative.json":
                    atomic_write_bytes(inside(out, target / name), blob)
            atomic_write_bytes(inside(out, target / "creative.json"), files["creative.json"])
            rows += append_rows(manifest, skipped_image_rows(row) + set_rows)
            summary.done.append(row.sku)
            flags = list(dict.fromkeys(f for r in set_rows for f in r.get("text_flags", [])))
            if flags:
                summary.text_flags[row.sku] = flags
        bar.update(1)
    bar.close()
    write_manifest_csv(out, rows)
    write_index(out, rows, errors)
    summary.seconds = time.perf_counter() - start
    return summary


def _run_ray(todo: list[CatalogRow], options: BatchOptions, address: str | None, workers: int) -> Iterator[tuple[CatalogRow, Any]]:
    from creative.batch.distributed import run_on_ray

    yield from run_on_ray(todo, options, address, workers)

