"""The batch output layout: per-SKU folders, manifest.jsonl / manifest.csv, errors.jsonl and
the index.html contact sheet, written crash-safe (temporary name, then rename) and never
outside the output folder.

    DIR/<SKU>/...            CreativeSet.files() (banners, copy, captions, creative.json)
    DIR/manifest.jsonl       one row per asset; a SKU's block ends with its `sku` row
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creative.paths import atomic_write_bytes

if TYPE_CHECKING:
    from creative.inputs.catalog import CatalogRow

MANIFEST_FIELDS = ["sku", "kind", "path", "size", "platform", "rank", "score", "scores", "text", "models"]
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class BatchError(ValueError):
    pass


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


def read_manifest(path: Path) -> tuple[list[dict[str, Any]], set[str]]:
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


def append_rows(path: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _score_or_source(row: dict[str, Any]) -> str:
    """A text's score, or where it came from when no model scored it ("from the facts")."""
    if "clip" not in (row.get("scores") or {}) and (row.get("models") or {}).get("source") == "facts template":
        return "from the facts"
    return str(round(row["score"], 3)) if row.get("score") is not None else ""


def skipped_image_rows(row: "CatalogRow") -> list[dict[str, Any]]:
    """A manifest row per photo of the product that could not be used, with the reason."""
    return [
        {"sku": row.sku, "kind": "skipped_image", "path": None, "size": None, "platform": None, "rank": None, "score": None, "scores": {},
         "text": {"image": ref, "reason": why, "where": row.where}, "models": {}}
        for ref, why in row.skipped
    ]


def manifest_lines(rows: list[dict[str, Any]]) -> bytes:
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
    rows = [json.loads(line) for line in manifest_lines(manifest_rows(sku, folder, creative_set)).splitlines()]  # as a rerun reads them
    files = {f"{folder}/{name}": blob for name, blob in creative_set.files(png).items()}
    return files | {"manifest.jsonl": manifest_lines(rows), "manifest.csv": manifest_csv(rows), "errors.jsonl": b"", "index.html": index_html(rows, [])}


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
                parts.append(f"<tr><td>{e(r['platform'])} #{e(r['rank'])}</td><td>{fields}</td><td>{e(_score_or_source(r))}</td></tr>")
            elif r["kind"] == "caption":
                parts.append(f"<tr><td>caption #{e(r['rank'])}</td><td>{e(r['text'])}</td><td>{e(_score_or_source(r))}</td></tr>")
            elif r["kind"] == "skipped_image":
                parts.append(f"<tr class='err'><td>photo not used</td><td>{e(r['text']['image'])}: {e(r['text']['reason'])}</td><td></td></tr>")
        parts.append(f"</table><p>models: {e(', '.join(f'{k}={v}' for k, v in head['models'].items()))}</p></section>")
    if errors:
        where = lambda x: x.get("where") or f"line {x['line']}"  # noqa: E731 - errors.jsonl of older runs have no 'where'
        parts.append("<section><h2>Errors</h2><ul>" + "".join(f"<li class='err'>{e(x['sku'])} ({e(where(x))}): {e(x['error'])}</li>" for x in errors) + "</ul></section>")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")


def inside(out: Path, path: Path) -> Path:
    if not path.resolve().is_relative_to(out):
        raise BatchError(f"refusing to write outside {out}: {path}")
    return path


def write_errors(out: Path, errors: list[dict[str, Any]]) -> None:
    atomic_write_bytes(out / "errors.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in errors).encode("utf-8"))
