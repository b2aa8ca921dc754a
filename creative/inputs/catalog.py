"""Catalogs: a CSV or JSONL file of products, one a row, or a shop's own export (Shopify,
Google Merchant Center TSV/XML, WooCommerce), read by `creative.inputs.feeds`.

Columns (CSV header or JSON keys): `sku`, `images` (paths relative to the catalog file, or to
`images_dir`, or http(s) URLs; several separated by `|`), `title`, `description`, `brand`,
`price`, `sale_price`, `currency`, `language`, `audience`, `tone`, `platforms` (`|`-separated),
`attributes` (`key=value` pairs separated by `;`, or a JSON object in JSONL). Any other column
is kept as an attribute.

A bad row never stops the others: it comes back as a `CatalogRow` with `error` set. A photo
that cannot be used (missing, outside the catalog's folder, truncated, a failed URL) is
skipped with its reason (`CatalogRow.skipped`); the row fails only when none is usable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from creative import data
from creative.inputs.feeds import CatalogError, CatalogOptions, read_feed
from creative.inputs.product import MAX_IMAGES, Product, describe_error

KNOWN = set(data.load("feeds")["creative"]["columns"])
__all__ = ["CatalogError", "CatalogOptions", "CatalogRow", "facts_from_record", "product_from_record", "read_catalog"]


@dataclass
class CatalogRow:
    line: int  # 1-based line (CSV: the header is line 1; XML feeds: the item's number)
    sku: str
    product: Product | None
    error: str | None = None
    where: str = ""  # the row in words: 'line 4', 'lines 2-5 (handle 'trail-shoe')', 'item 3'
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (photo as written, why it is not used)


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


def facts_from_record(record: dict[str, Any], *, currency: str | None = None, extra: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The `Facts` fields of one record in our own columns (title, description, brand, prices,
    currency, audience, tone, language, attributes): any column that is neither ours nor in
    `extra` becomes an attribute. `currency` applies when the record names none. Used by the
    catalog reader and by the copywriter's training pairs, so both read a product alike."""
    attributes = _attributes(record.get("attributes"))
    for key, value in record.items():  # unknown columns become attributes
        if key not in KNOWN and key not in extra and value not in (None, ""):
            attributes.setdefault(str(key), str(value))
    fields: dict[str, Any] = {
        "title": record.get("title") or "",
        "description": record.get("description") or "",
        "brand": record.get("brand") or "",
        "currency": str(record.get("currency") or _default_currency(record, currency) or "").strip().upper(),
        "audience": record.get("audience") or "",
        "attributes": attributes,
    }
    for key in ("language", "tone"):
        if record.get(key):
            fields[key] = str(record[key]).strip()
    for key in ("price", "sale_price"):  # read by the one price parser (see Product)
        value = record.get(key)
        if value is not None and str(value).strip():
            fields[key] = value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return fields


def product_from_record(record: dict[str, Any], base: Path, images: list[Path] | None = None, currency: str | None = None) -> Product:
    """The product of one record in our own columns. `images` are the photos already checked
    (default: the record's paths under `base`); `currency` applies when the record names none."""
    fields = facts_from_record(record, currency=currency)
    fields["sku"] = str(record.get("sku") or "").strip()
    fields["images"] = images if images is not None else [base / p for p in _split(record.get("images"), "|")]
    if record.get("platforms"):
        fields["platforms"] = _split(record["platforms"], "|")
    return Product(**fields)


def _default_currency(record: dict[str, Any], default: str | None) -> str | None:
    """--currency is for prices that name none: a feed's '89.00 USD' keeps its own."""
    from creative.inputs.prices import currency_in

    language = record.get("language") if record.get("language") in ("en", "zh") else "en"
    if not default or any(currency_in(record.get(k), language) for k in ("price", "sale_price")):
        return None
    return default


def read_catalog(
    path: str | Path,
    images_dir: str | Path | None = None,
    options: CatalogOptions | None = None,
    *,
    only: list[str] | None = None,
    limit: int | None = None,
    fetcher=None,
) -> list[CatalogRow]:
    """Every row of the catalog, valid or not, in file order (only the SKUs in `only`, then
    the first `limit` rows, when given: their photos alone are fetched and checked). Duplicate
    SKUs after the first are errors. Raises CatalogError when the file cannot be read at all."""
    from creative.inputs.fetch import ImageFetcher
    from creative.inputs.photos import image_refs, resolve_photos

    options = options or CatalogOptions()
    path = Path(path)
    base = Path(images_dir) if images_dir else path.parent
    feed = read_feed(path, format=options.format, variants=options.variants, encoding=options.encoding)
    rows: list[CatalogRow] = []
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for record in feed.records:
        fields = record.fields
        sku = str(fields.get("sku") or "").strip()
        row = CatalogRow(record.line, sku, None, record.error, record.where)
        if not row.error and not sku:
            row.error = "sku: missing"
        elif not row.error and sku in seen:
            row.error = f"sku: duplicate of an earlier row ({sku!r})"
        if not row.error:
            seen.add(sku)
        rows.append(row)
        records.append(fields)
    if only:
        wanted = set(only)
        kept = [i for i, r in enumerate(rows) if r.sku in wanted]
    else:
        kept = list(range(len(rows)))
    kept = kept[:limit] if limit is not None else kept
    todo = [i for i in kept if rows[i].error is None]
    fetcher = fetcher or ImageFetcher(refresh=options.refresh_images)
    roots = [path.parent] + ([Path(images_dir)] if images_dir else [])
    photos = resolve_photos(
        [image_refs(records[i].get("images")) for i in todo], base, roots, allow_any_path=options.allow_any_path, fetcher=fetcher, max_images=MAX_IMAGES
    )
    for i, found in zip(todo, photos):
        row = rows[i]
        row.skipped = found.skipped
        row.error = found.problem()
        if row.error:
            continue
        try:
            row.product = product_from_record(records[i], base, found.usable, options.currency)
        except (ValidationError, ValueError) as e:
            row.error = describe_error(e)
    return [rows[i] for i in kept]
