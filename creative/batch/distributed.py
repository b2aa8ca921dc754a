"""Scale out: the batch job on Ray Data (`creative batch ... --engine ray`).

Catalog rows become a Ray dataset; `map_batches` runs over an actor pool in which every actor
holds one `Studio` (its models load once per actor, one GPU each when the cluster has GPUs).
Each actor returns a SKU's files as one in-memory zip plus its manifest rows; the driver writes
them with the same crash-safe writer as the local engine, in catalog order. Seeds are per SKU,
so the outputs equal the local engine's.

Workers read product images by path: on a cluster, put the catalog and images on storage every
node mounts at the same path.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import asdict
from typing import Any, Iterator

from creative.batch.job import BatchOptions, load_extras, make_sku, set_threads
from creative.inputs.catalog import CatalogRow


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, blob in files.items():
            z.writestr(name, blob)
    return buf.getvalue()


def _unzip(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


class StudioActor:
    """One Studio per actor; called with batches of catalog rows."""

    def __init__(self, options: dict[str, Any]):
        from creative.studio import Studio

        self.options = BatchOptions(**options)
        set_threads(self.options.threads or 1)
        self.studio = Studio.from_profile(self.options.profile)
        self.brand, self.rules = load_extras(self.options)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from creative.inputs.product import Product

        out: dict[str, list] = {"index": [], "files": [], "rows": [], "error": []}
        for index, sku, line, product in zip(batch["index"], batch["sku"], batch["line"], batch["product"]):
            row = CatalogRow(int(line), str(sku), Product.model_validate_json(str(product)))
            try:
                files, rows = make_sku(self.studio, row, self.options, self.brand, self.rules)
                out["files"].append(_zip(files))
                out["rows"].append(json.dumps(rows, ensure_ascii=False))
                out["error"].append("")
            except Exception as e:  # noqa: BLE001 - reported per row, like the local engine
                out["files"].append(b"")
                out["rows"].append("[]")
                out["error"].append(f"{type(e).__name__}: {e}")
            out["index"].append(int(index))
        return out


def run_on_ray(todo: list[CatalogRow], options: BatchOptions, address: str | None, workers: int) -> Iterator[tuple[CatalogRow, Any]]:
    try:
        import ray
    except ImportError:
        raise RuntimeError("--engine ray needs Ray: pip install -e '.[ray]'") from None
    if not todo:
        return
    if not ray.is_initialized():
        # A local runtime on this machine's CPUs, or the cluster at `address`.
        ray.init(address=address, num_cpus=None if address else os.cpu_count(), include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # the manifest lists SKUs in catalog order
    ctx.enable_progress_bars = False
    gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
    items = [{"index": i, "sku": r.sku, "line": r.line, "product": r.product.model_dump_json()} for i, r in enumerate(todo)]
    dataset = ray.data.from_items(items).map_batches(
        StudioActor,
        fn_constructor_kwargs={"options": asdict(options)},
        batch_size=1,
        concurrency=max(1, min(workers, len(todo))),
        num_gpus=gpus,
        num_cpus=options.threads or 1,
    )
    for result in dataset.iter_rows():
        row = todo[int(result["index"])]
        if result["error"]:
            yield row, str(result["error"])
        else:
            yield row, (_unzip(bytes(result["files"])), json.loads(result["rows"]))
