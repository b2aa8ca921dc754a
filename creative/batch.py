"""The batch banner script: a catalog in; per-SKU folders, a manifest and a contact sheet out.

    creative batch samples/catalog.csv --out out/

Crash-safe and resumable. Every file is written under a temporary name and renamed. A SKU
is done only once its block of manifest rows, ending with its `sku` row, is in
manifest.jsonl; a rerun skips done SKUs, drops the rows of a half-written block and redoes
that SKU from scratch. Outputs are deterministic (a seed per SKU), so a run killed at any
moment and rerun equals an uninterrupted run. Nothing is written outside `--out`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from creative.catalog import CatalogRow, read_catalog
from creative.paths import atomic_write_bytes
from creative.pipeline import Settings

MANIFEST_FIELDS = ["sku", "kind", "path", "size", "platform", "rank", "score", "scores", "text", "models"]
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class BatchError(ValueError):
    pass


@dataclass
class BatchOptions(Settings):
    """The pipeline's settings, plus where the models, brand kit and rules come from."""

    profile: str = "auto"
    brand_kit: str | None = None
    rules: str | None = None
    # torch threads per worker (local: the one process; ray: each actor, default 1). Float
    # sums depend on it, so engines give bit-identical outputs when it is the same.
    threads: int | None = None


@dataclass
class BatchSummary:
    done: list[str] = field(default_factory=list)  # SKUs made in this run
    skipped: list[str] = field(default_factory=list)  # already done by an earlier run
    failed: list[dict[str, Any]] = field(default_factory=list)  # {"sku", "line", "error"}
    seconds: float = 0.0
    text_flags: dict[str, list[str]] = field(default_factory=dict)  # SKU -> text its banners could not draw

    @property
    def ok(self) -> bool:
        return not self.failed


# -- names and seeds ------------------------------------------------------------------


def sku_folder(sku: str) -> str:
    """A safe folder name for a SKU: path separators and '..' are refused earlier (they are
    errors, not names to guess at); other odd characters become '_', and a short hash keeps
    two SKUs that clean to the same name apart."""
    clean = _SAFE.sub("_", sku).strip("._")[:80] or "sku"
    return clean if clean == sku else f"{clean}-{hashlib.sha256(sku.encode()).hexdigest()[:8]}"


def sku_problem(sku: str) -> str | None:
    if "/" in sku or "\\" in sku or ".." in sku or sku.startswith("~") or "\x00" in sku:
        return f"sku {sku!r} contains path characters (/, \\, .., ~): refused so nothing is written outside --out"
    return None


def sku_seed(sku: str, base: int) -> int:
    """The same SKU gets the same seed in every run and on every engine."""
    return (zlib.crc32(sku.encode("utf-8")) + base * 1_000_003) % (2**31)


# -- manifest -------------------------------------------------------------------------


def _read_manifest(path: Path) -> tuple[list[dict[str, Any]], set[str]]:
    """Complete blocks only: rows of SKUs whose closing `sku` row is present."""
    if not path.is_file():
        return [], set()
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut by a kill: it and anything after it are the half-written block
    done = {r["sku"] for r in rows if r.get("kind") == "sku"}
    return [r for r in rows if r["sku"] in done], done


def _append(path: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One write() of whole lines, flushed to disk before the SKU counts as done. Returns the
    rows as a later run will read them back, so both runs build identical derived files."""
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return [json.loads(line) for line in lines]


def manifest_rows(sku: str, folder: str, creative_set) -> list[dict[str, Any]]:
    models = {role: m.get("model") for role, m in creative_set.models.items()}
    rows: list[dict[str, Any]] = []
    for b in creative_set.banners:
        rows.append(
            {
                "sku": sku,
                "kind": "banner",
                "path": f"{folder}/{creative_set.banner_filename(b)}",
                "size": b.size,
                "platform": b.metadata.get("platform"),
                "rank": b.rank,
                "score": b.score,
                "scores": b.scores,
                "text": b.metadata.get("copy", {}).get("headline", ""),
                "models": {"clip": models.get("clip"), "diffusion": models.get("diffusion"), "safety": models.get("safety"), "visual_source": b.metadata.get("visual_source")},
            }
            | ({"text_flags": b.metadata["text_flags"]} if b.metadata.get("text_flags") else {})
        )
    for platform, variants in creative_set.copy.items():
        for rank, v in enumerate(variants, 1):
            rows.append(
                {"sku": sku, "kind": "copy", "path": f"{folder}/copy.json", "size": None, "platform": platform, "rank": rank, "score": v.score, "scores": v.scores, "text": v.fields, "models": {"lm": models.get("lm"), "clip": models.get("clip"), "source": v.source}}
            )
    for rank, c in enumerate(creative_set.captions, 1):
        rows.append(
            {"sku": sku, "kind": "caption", "path": f"{folder}/captions.json", "size": None, "platform": None, "rank": rank, "score": c.score, "scores": c.scores, "text": c.fields["caption"], "models": {"lm": models.get("lm"), "source": c.source}}
        )
    rows.append({"sku": sku, "kind": "sku", "path": f"{folder}/creative.json", "size": None, "platform": None, "rank": None, "score": None, "scores": {}, "text": creative_set.product.title, "models": models})
    return rows


def _manifest_lines(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode("utf-8")


def manifest_csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: json.dumps(r.get(k), ensure_ascii=False) if isinstance(r.get(k), (dict, list)) else r.get(k) for k in MANIFEST_FIELDS})
    return buf.getvalue().encode("utf-8")


def write_manifest_csv(out: Path, rows: list[dict[str, Any]]) -> None:
    atomic_write_bytes(out / "manifest.csv", manifest_csv(rows))


def product_files(sku: str, creative_set, png=None) -> dict[str, bytes]:
    """What a batch run over a one-product catalog writes, by path inside --out: the SKU's
    folder, the manifests, errors.jsonl and index.html (the studio's zip download)."""
    folder = sku_folder(sku)
    rows = [json.loads(line) for line in _manifest_lines(manifest_rows(sku, folder, creative_set)).splitlines()]  # as a rerun reads them
    files = {f"{folder}/{name}": blob for name, blob in creative_set.files(png).items()}
    return files | {"manifest.jsonl": _manifest_lines(rows), "manifest.csv": manifest_csv(rows), "errors.jsonl": b"", "index.html": index_html(rows, [])}


# -- contact sheet --------------------------------------------------------------------


def write_index(out: Path, rows: list[dict[str, Any]], errors: list[dict[str, Any]]) -> None:
    atomic_write_bytes(out / "index.html", index_html(rows, errors))


def index_html(rows: list[dict[str, Any]], errors: list[dict[str, Any]]) -> bytes:
    """index.html: every SKU's best banner per size, its copy and captions. All product text
    is HTML-escaped (catalog text is untrusted)."""
    e = lambda value: html.escape(str(value), quote=True)  # noqa: E731
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>creative batch</title><style>"
        "body{font-family:system-ui,sans-serif;margin:24px;background:#f6f6f4;color:#222}section{background:#fff;border-radius:10px;padding:16px;margin:16px 0}"
        "img{max-height:220px;margin:4px;border:1px solid #ddd;vertical-align:top}table{border-collapse:collapse}td{padding:2px 8px;border-bottom:1px solid #eee;vertical-align:top}"
        ".err{color:#a00}</style></head><body>",
        f"<h1>creative batch</h1><p>{e(sum(r['kind'] == 'sku' for r in rows))} products, {e(sum(r['kind'] == 'banner' for r in rows))} banners, {e(len(errors))} errors</p>",
    ]
    by_sku: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_sku.setdefault(r["sku"], []).append(r)
    for sku, items in by_sku.items():
        head = next(r for r in items if r["kind"] == "sku")
        parts.append(f"<section><h2>{e(sku)}: {e(head['text'])}</h2><div>")
        for r in items:
            if r["kind"] == "banner" and r["rank"] == 1:
                parts.append(f"<img src='{e(r['path'])}' alt='{e(r['size'])}' title='{e(r['size'])} score {e(r['score'])}'>")
        parts.append("</div><table>")
        for r in items:
            if r["kind"] == "copy":
                fields = "<br>".join(f"<b>{e(k)}</b>: {e(v)}" for k, v in r["text"].items())
                parts.append(f"<tr><td>{e(r['platform'])} #{e(r['rank'])}</td><td>{fields}</td><td>{e(round(r['score'], 3))}</td></tr>")
            elif r["kind"] == "caption":
                parts.append(f"<tr><td>caption #{e(r['rank'])}</td><td>{e(r['text'])}</td><td>{e(round(r['score'], 3))}</td></tr>")
        parts.append(f"</table><p>models: {e(', '.join(f'{k}={v}' for k, v in head['models'].items()))}</p></section>")
    if errors:
        parts.append("<section><h2>Errors</h2><ul>" + "".join(f"<li class='err'>{e(x['sku'])} (line {e(x['line'])}): {e(x['error'])}</li>" for x in errors) + "</ul></section>")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")


# -- the run --------------------------------------------------------------------------


def plan_rows(catalog: str | Path, images_dir: str | Path | None, limit: int | None, only: list[str] | None) -> tuple[list[CatalogRow], list[dict[str, Any]]]:
    """Rows to make, and rows that are errors before any model runs."""
    rows = read_catalog(catalog, images_dir)
    if only:
        wanted = set(only)
        rows = [r for r in rows if r.sku in wanted]
    if limit is not None:
        rows = rows[:limit]
    good, errors = [], []
    for r in rows:
        problem = r.error or sku_problem(r.sku)
        if problem:
            errors.append({"sku": r.sku, "line": r.line, "error": problem})
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
) -> BatchSummary:
    start = time.perf_counter()
    out = _resolve_out(out)
    todo, errors = plan_rows(catalog, images_dir, limit, only)
    manifest = out / "manifest.jsonl"
    rows, done = _read_manifest(manifest)
    atomic_write_bytes(manifest, _manifest_lines(rows))
    summary = BatchSummary(skipped=[r.sku for r in todo if r.sku in done])
    todo = [r for r in todo if r.sku not in done]
    for r in todo:  # half-done folders from a killed run start over
        folder = out / sku_folder(r.sku)
        if folder.exists():
            shutil.rmtree(folder)

    def record_error(row: CatalogRow, message: str) -> None:
        errors.append({"sku": row.sku, "line": row.line, "error": message})
        summary.failed.append(errors[-1])
        _write_errors(out, errors)

    summary.failed = list(errors)
    _write_errors(out, errors)
    from tqdm.auto import tqdm

    bar = tqdm(total=len(todo), unit="product", desc="banners", disable=not progress, file=sys.stderr)
    results = _run_local(todo, options) if engine == "local" else _run_ray(todo, options, ray_address, workers)
    for row, files_or_error in results:
        if isinstance(files_or_error, str):
            record_error(row, files_or_error)
        else:
            folder = sku_folder(row.sku)
            files, set_rows = files_or_error
            target = out / folder
            for name, blob in files.items():  # creative.json last: see CreativeSet.save
                if name != "creative.json":
                    atomic_write_bytes(_inside(out, target / name), blob)
            atomic_write_bytes(_inside(out, target / "creative.json"), files["creative.json"])
            rows += _append(manifest, set_rows)
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


def _inside(out: Path, path: Path) -> Path:
    if not path.resolve().is_relative_to(out):
        raise BatchError(f"refusing to write outside {out}: {path}")
    return path


def _write_errors(out: Path, errors: list[dict[str, Any]]) -> None:
    atomic_write_bytes(out / "errors.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in errors).encode("utf-8"))


def make_sku(studio, row: CatalogRow, options: BatchOptions, brand=None, rules=None) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """Everything one SKU produces, as files in memory and manifest rows (engine-independent)."""
    creative_set = studio.generate(row.product, seed=sku_seed(row.sku, options.seed), brand=brand, rules=rules, **options.generate_kwargs())
    return creative_set.files(), manifest_rows(row.sku, sku_folder(row.sku), creative_set)


def _set_threads(threads: int | None) -> None:
    if threads:
        import torch

        torch.set_num_threads(threads)


def load_extras(options: BatchOptions):
    from creative.compose import load_brand_kit
    from creative.generate.compliance import load_rules

    return (load_brand_kit(options.brand_kit) if options.brand_kit else None), load_rules(options.rules)


def _run_local(todo: list[CatalogRow], options: BatchOptions) -> Iterator[tuple[CatalogRow, Any]]:
    from creative.studio import Studio

    _set_threads(options.threads)
    studio = Studio.from_profile(options.profile)
    brand, rules = load_extras(options)
    for row in todo:
        try:
            yield row, make_sku(studio, row, options, brand, rules)
        except Exception as e:  # noqa: BLE001 - one bad product must not stop the catalog
            yield row, f"{type(e).__name__}: {e}"


def _run_ray(todo: list[CatalogRow], options: BatchOptions, address: str | None, workers: int) -> Iterator[tuple[CatalogRow, Any]]:
    from creative.distributed import run_on_ray

    yield from run_on_ray(todo, options, address, workers)
