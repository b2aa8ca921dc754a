"""Catalogs: a CSV or JSONL file of products, one a row.

Columns (CSV header or JSON keys): `sku`, `images` (paths relative to the catalog file, or to
`images_dir`; several separated by `|`), `title`, `description`, `brand`, `price`, `currency`,
`language`, `audience`, `tone`, `platforms` (`|`-separated), `attributes` (`key=value` pairs
separated by `;`, or a JSON object in JSONL). Any other column is kept as an attribute.

A bad row never stops the others: it comes back as a `CatalogRow` with `error` set.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from creative.inputs.product import Product, describe_error

KNOWN = {"sku", "images", "title", "description", "brand", "price", "currency", "language", "audience", "tone", "platforms", "attributes"}


class CatalogError(ValueError):
    """The catalog file itself cannot be read (missing, wrong format, no header)."""


@dataclass
class CatalogRow:
    line: int  # 1-based line (CSV: the header is line 1)
    sku: str
    product: Product | None
    error: str | None = None


def _split(value: Any, sep: str) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(sep) if v.strip()]


def _attributes(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    out = {}
    for pair in _split(value, ";"):
        key, sep, val = pair.partition("=")
        if not sep:
            raise ValueError(f"attributes: expected key=value, got {pair!r}")
        out[key.strip()] = val.strip()
    return out


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise CatalogError(f"catalog not found: {path}")
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8-sig", newline="") as f:
        if suffix == ".csv":
            reader = csv.DictReader(f)
            if not reader.fieldnames or "title" not in reader.fieldnames:
                raise CatalogError(f"{path}: the CSV needs a header row with at least a 'title' column")
            for record in reader:
                yield reader.line_num, {k: v for k, v in record.items() if k is not None}
        elif suffix in {".jsonl", ".ndjson"}:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as e:
                        yield n, {"__error__": f"invalid JSON: {e.msg}"}
                        continue
                    yield n, record if isinstance(record, dict) else {"__error__": "each line must be a JSON object"}
        else:
            raise CatalogError(f"{path}: unsupported catalog format {suffix!r} (use .csv or .jsonl)")


def product_from_record(record: dict[str, Any], base: Path) -> Product:
    attributes = _attributes(record.get("attributes"))
    for key, value in record.items():  # unknown columns become attributes
        if key not in KNOWN and value not in (None, ""):
            attributes.setdefault(str(key), str(value))
    fields: dict[str, Any] = {
        "sku": str(record.get("sku") or "").strip(),
        "images": [base / p for p in _split(record.get("images"), "|")],
        "title": record.get("title") or "",
        "description": record.get("description") or "",
        "brand": record.get("brand") or "",
        "currency": (record.get("currency") or "").strip().upper(),
        "audience": record.get("audience") or "",
        "attributes": attributes,
    }
    for key in ("language", "tone"):
        if record.get(key):
            fields[key] = str(record[key]).strip()
    if record.get("platforms"):
        fields["platforms"] = _split(record["platforms"], "|")
    if str(record.get("price") or "").strip():
        try:
            fields["price"] = float(str(record["price"]).strip())
        except ValueError:
            raise ValueError(f"price: not a number: {record['price']!r}") from None
    return Product(**fields)


def read_catalog(path: str | Path, images_dir: str | Path | None = None) -> list[CatalogRow]:
    """Every row of the catalog, valid or not, in file order. Duplicate SKUs after the first are errors."""
    path = Path(path)
    base = Path(images_dir) if images_dir else path.parent
    rows: list[CatalogRow] = []
    seen: set[str] = set()
    for line, record in _records(path):
        sku = str(record.get("sku") or "").strip()
        if "__error__" in record:
            rows.append(CatalogRow(line, sku, None, record["__error__"]))
            continue
        if not sku:
            rows.append(CatalogRow(line, sku, None, "sku: missing"))
            continue
        if sku in seen:
            rows.append(CatalogRow(line, sku, None, f"sku: duplicate of an earlier row ({sku!r})"))
            continue
        seen.add(sku)
        try:
            rows.append(CatalogRow(line, sku, product_from_record(record, base)))
        except (ValidationError, ValueError) as e:
            rows.append(CatalogRow(line, sku, None, describe_error(e)))
    return rows
