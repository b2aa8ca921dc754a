"""One SKU's job, the same on every engine: the options of a batch run, the models' extras
(brand kit, rules), and `make_sku` (a product in; its files and manifest rows out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from creative.batch.output import manifest_rows, sku_folder, sku_seed
from creative.inputs.catalog import CatalogRow
from creative.studio import Settings


@dataclass
class BatchOptions(Settings):
    """The pipeline's settings, plus where the models, brand kit and rules come from."""

    profile: str = "auto"
    brand_kit: str | None = None
    rules: str | None = None
    # torch threads per worker (local: the one process; ray: each actor, default 1). Float
    # sums depend on it, so engines give bit-identical outputs when it is the same.
    threads: int | None = None


def make_sku(studio, row: CatalogRow, options: BatchOptions, brand=None, rules=None, progress=None) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """Everything one SKU produces, as files in memory and manifest rows (engine-independent).
    `progress(fraction, stage)` follows the pipeline's stages (`Studio.generate`)."""
    creative_set = studio.generate(row.product, seed=sku_seed(row.sku, options.seed), brand=brand, rules=rules, progress=progress, **options.generate_kwargs())
    return creative_set.files(), manifest_rows(row.sku, sku_folder(row.sku), creative_set)


def set_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)


def load_extras(options: BatchOptions):
    from creative.generate.compliance import load_rules
    from creative.inputs.brand import load_brand_kit

    return (load_brand_kit(options.brand_kit) if options.brand_kit else None), load_rules(options.rules)
