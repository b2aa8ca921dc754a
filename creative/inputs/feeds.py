"""Catalog readers: every layout a shop exports, read into one record shape (our own columns).

    feed = read_feed("products_export.csv")             # sniffed: delimiter, then the layout
    feed.format, feed.records[0].fields                 # 'shopify', {'sku': ..., 'title': ..., ...}

Layouts (`format=` forces one; the default `auto` sniffs):

- `creative`: our own CSV (any delimiter Excel writes) or JSONL; see the README.
- `shopify`: a Shopify product export. Rows sharing a Handle are one product: its variant rows
  and image rows are gathered, images ordered by Image Position, Body (HTML) read as text.
- `google`: a Google Merchant Center feed, as TSV or as XML (RSS 2.0 or Atom 1.0 with the g:
  namespace). Prices carry their currency ('89.00 USD').
- `woocommerce`: a WooCommerce product export; variations join their parent product.

`variants` says what a product with variants becomes: `attributes` (one product; each option
lists its values, price and SKU from the first variant) or `skus` (one product per variant).
Which column maps where, and which are deliberately ignored, is data: creative/data/feeds.toml.

File-level problems (missing file, unknown layout, an encoding we do not read, XML we refuse)
raise CatalogError; a bad row becomes a Record with `error` set and never stops the others.
"""

from __future__ import annotations

import csv
import difflib
import fnmatch
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from creative import data
from creative.inputs.encoding import EncodingError, decode
from creative.inputs.richtext import html_to_text, looks_like_html

__all__ = ["FORMATS", "VARIANTS", "CatalogError", "CatalogOptions", "Feed", "Record", "read_feed"]

FORMATS = ("auto", "creative", "shopify", "google", "woocommerce")
VARIANTS = ("attributes", "skus")
_DELIMITERS = [",", ";", "\t", "|"]
_TEXT_SUFFIXES = {".csv", ".tsv", ".tab", ".txt"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_XML_SUFFIXES = {".xml", ".rss", ".atom"}
_ATOM = "http://www.w3.org/2005/Atom"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# A description of 100 kB is already far past any platform's limit; the csv module's default
# field limit (128 kB) would stop the file instead of failing one row.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


class CatalogError(ValueError):
    """The catalog file itself cannot be read (missing, unknown layout, no header, bad encoding)."""


@dataclass
class Record:
    """One product as read from the file, in our own columns (see `creative.inputs.catalog`).
    `line` is where it starts (CSV line, or the item's number in an XML feed); `where` says
    it for people ('line 4', 'lines 2-5 (handle trail-shoe)', 'item 3')."""

    line: int
    where: str
    fields: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Feed:
    path: Path
    format: str  # one of FORMATS but auto
    label: str  # the layout in words
    encoding: str
    delimiter: str | None
    records: list[Record]


def norm(name: Any) -> str:
    """How column names are compared: case, surrounding spaces and '_' vs ' ' do not matter."""
    return re.sub(r"[\s_]+", " ", str(name or "")).strip().lower()


def _spec(layout: str) -> dict[str, Any]:
    return data.load("feeds")[layout]


def _field_columns(layout: str) -> dict[str, list[str]]:
    return {k: [norm(c) for c in v] for k, v in _spec(layout).get("fields", {}).items()}


def _ignored(layout: str, key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, norm(p)) for p in _spec(layout).get("ignore", {}).get("patterns", []))


# -- entry point -----------------------------------------------------------------------


def read_feed(path: str | Path, *, format: str = "auto", variants: str = "attributes", encoding: str | None = None) -> Feed:
    """Every product record of the catalog at `path`, in file order. Raises CatalogError for
    a file that cannot be read as a whole; bad rows come back as records with `error`."""
    path = Path(path)
    if format not in FORMATS:
        raise CatalogError(f"unknown catalog format {format!r}; choose from {', '.join(FORMATS)}")
    if variants not in VARIANTS:
        raise CatalogError(f"unknown --variants {variants!r}; choose from {', '.join(VARIANTS)}")
    if not path.is_file():
        raise CatalogError(f"catalog not found: {path}")
    suffix = path.suffix.lower()
    known = _TEXT_SUFFIXES | _JSONL_SUFFIXES | _XML_SUFFIXES
    if suffix not in known:
        raise CatalogError(
            f"{path}: unsupported catalog format {suffix!r} (use .csv, .tsv, .jsonl or .xml; "
            "from Excel or Numbers, save as 'CSV UTF-8')"
        )
    raw = path.read_bytes()
    if suffix in _XML_SUFFIXES and not encoding:
        # XML names its own encoding (declaration or BOM; UTF-8 by default): the parser reads it
        if format not in ("auto", "google"):
            raise CatalogError(f"{path}: an XML file is read as a Google Merchant Center feed, not as {format}")
        return Feed(path, "google", _spec("google")["label"], "as the XML declares", None, list(_xml_records(path, raw)))
    try:
        text, used = decode(raw, str(path), encoding)
    except EncodingError as e:
        raise CatalogError(str(e)) from None
    if suffix in _JSONL_SUFFIXES:
        if format not in ("auto", "creative"):
            raise CatalogError(f"{path}: a JSONL file is read as our own catalog, not as {format}")
        return Feed(path, "creative", _spec("creative")["label"], used, None, list(_jsonl_records(text)))
    if suffix in _XML_SUFFIXES or text.lstrip("\ufeff \t\r\n").startswith("<"):
        if format not in ("auto", "google"):
            raise CatalogError(f"{path}: an XML file is read as a Google Merchant Center feed, not as {format}")
        return Feed(path, "google", _spec("google")["label"], used, None, list(_xml_records(path, text)))
    table = _Table.parse(text, path)
    layout = format if format != "auto" else _sniff(table, path)
    readers = {"creative": _creative_records, "shopify": _shopify_records, "google": _google_records, "woocommerce": _woo_records}
    records = readers[layout](table, variants) if layout in ("shopify", "woocommerce") else readers[layout](table)
    return Feed(path, layout, _spec(layout)["label"], used, table.delimiter, list(records))


# -- delimited text ------------------------------------------------------------------


@dataclass
class _Row:
    first: int  # 1-based line where the record starts
    last: int
    cells: list[str]
    error: str | None = None

    @property
    def where(self) -> str:
        return f"line {self.first}" if self.first == self.last else f"lines {self.first}-{self.last}"


@dataclass
class _Table:
    header: list[str]
    keys: list[str]  # normalised header names
    delimiter: str
    rows: list[_Row]

    @classmethod
    def parse(cls, text: str, path: Path) -> "_Table":
        delimiter = _sniff_delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header: list[str] | None = None
        rows: list[_Row] = []
        last = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as e:  # e.g. a NUL byte: this record is lost, the rest is read
                rows.append(_Row(last + 1, reader.line_num, [], f"unreadable CSV ({e})"))
                last = reader.line_num
                continue
            first, last = last + 1, reader.line_num
            if header is None:
                if any(c.strip() for c in cells):
                    header = [c.strip().lstrip("\ufeff") for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue  # blank lines, and the ';;;;' rows spreadsheets leave at the end
            row = _Row(first, last, cells)
            if len(cells) > len(header):
                extra = [c for c in cells[len(header):] if c.strip()]
                if extra:
                    row.error = (
                        f"{len(cells)} cells but the header has {len(header)} (a value with an unquoted "
                        f"{_delimiter_name(delimiter)}? extra: {extra[0][:40]!r})"
                    )
                row.cells = cells[: len(header)]
            else:
                row.cells = cells + [""] * (len(header) - len(cells))
            rows.append(row)
        if header is None:
            raise CatalogError(f"{path}: empty: no header row")
        return cls(header, [norm(h) for h in header], delimiter, rows)

    def column(self, names: Iterable[str]) -> int | None:
        """Index of the first of `names` (normalised) in the header."""
        for name in names:
            if name in self.keys:
                return self.keys.index(name)
        return None


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "','", ";": "';'", "|": "'|'"}[delimiter]


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for layout in ("creative", "shopify", "google", "woocommerce"):
        spec = _spec(layout)
        words |= {norm(c) for group in spec["signature"] for c in group}
        words |= {norm(c) for c in spec.get("columns", [])}
        words |= {norm(c) for cols in spec.get("fields", {}).values() for c in cols}
        words |= {norm(c) for c in spec.get("attributes", {})}
    return words


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most column names we know (a header
    in European Excel's ';' splits into nothing known on ','), else csv.Sniffer's pick."""
    sample = text[:65536]
    known = _vocabulary()
    scores = {}
    for delimiter in _DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
        except csv.Error:
            continue
        scores[delimiter] = sum(norm(h.lstrip("\ufeff")) in known for h in header)
    best = max(scores, key=lambda d: scores[d], default=",")
    if scores.get(best):
        return best
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return ","


def _sniff(table: _Table, path: Path) -> str:
    keys = set(table.keys)
    for layout in ("shopify", "woocommerce", "google", "creative"):
        if all(any(norm(name) in keys for name in group) for group in _spec(layout)["signature"]):
            return layout
    shown = ", ".join(repr(h) for h in table.header[:8]) + (", ..." if len(table.header) > 8 else "")
    hint = _did_you_mean(table.header, ["title"])
    raise CatalogError(
        f"{path}: no 'title' column{hint}, and the header ({_delimiter_name(table.delimiter)}-separated: {shown}) "
        "is not a Shopify, Google Merchant Center or WooCommerce export either"
    )


def _did_you_mean(names: Iterable[str], wanted: Iterable[str]) -> str:
    pairs = near_misses(names, wanted)
    return "".join(f" ({given!r}: did you mean {meant!r}?)" for given, meant in pairs)


def near_misses(names: Iterable[str], wanted: Iterable[str]) -> list[tuple[str, str]]:
    """(given, meant) for each name close to one of `wanted` that is absent: 'image', 'Image'
    and 'img' for 'images'. The cutoff keeps 'style' from reading as 'title'."""
    names = [n for n in names if n]
    present = {norm(n) for n in names}
    absent = [w for w in wanted if norm(w) not in present]
    out = []
    for name in names:
        if norm(name) in {norm(w) for w in wanted}:
            continue
        match = difflib.get_close_matches(norm(name), [norm(w) for w in absent], n=1, cutoff=0.65)
        if match:
            out.append((name, next(w for w in absent if norm(w) == match[0])))
    return out


def _split_list(value: str, sep: str) -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def _description(*parts: str) -> str:
    texts = []
    for part in parts:
        text = html_to_text(part) if looks_like_html(part or "") else (part or "").strip()
        if text and text not in texts:
            texts.append(text)
    return "\n".join(texts)


def _language(title: str) -> str:
    """Shop exports name no language: a title written mostly in Chinese characters is 'zh'."""
    letters = [c for c in title if c.isalpha()]
    return "zh" if letters and sum(bool(_CJK.match(c)) for c in letters) * 2 >= len(letters) else "en"


# -- our own catalog -------------------------------------------------------------------


def _creative_columns() -> dict[str, str]:
    return {norm(c): c for c in _spec("creative")["columns"]}


def _creative_records(table: _Table) -> Iterator[Record]:
    columns = _creative_columns()
    misses = near_misses(table.header, list(columns.values()))
    if misses:
        raise CatalogError(
            "; ".join(f"column {given!r} is not a catalog column: did you mean {meant!r}?" for given, meant in misses)
            + " (rename it; any other column is kept as an attribute)"
        )
    for row in table.rows:
        fields: dict[str, Any] = {}
        for header, key, value in zip(table.header, table.keys, row.cells):
            if key in columns:
                fields[columns[key]] = value
            elif header:
                fields[header] = value
        yield Record(row.first, row.where, fields, row.error)


def _jsonl_records(text: str) -> Iterator[Record]:
    columns = _creative_columns()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield Record(n, f"line {n}", {}, f"invalid JSON: {e.msg}")
            continue
        if not isinstance(record, dict):
            yield Record(n, f"line {n}", {}, "each line must be a JSON object")
            continue
        fields = {columns.get(norm(k), k): v for k, v in record.items()}
        misses = near_misses(list(record), list(columns.values()))
        error = "; ".join(f"key {given!r} is not a catalog field: did you mean {meant!r}?" for given, meant in misses) or None
        yield Record(n, f"line {n}", fields, error)


# -- Shopify ---------------------------------------------------------------------------


def _extra_attributes(layout: str, table: _Table, cells: list[str], used: set[int]) -> dict[str, str]:
    """The platform's mapped attribute columns, then every column neither used nor ignored."""
    mapped = {norm(k): v for k, v in _spec(layout).get("attributes", {}).items()}
    out: dict[str, str] = {}
    for i, (header, key) in enumerate(zip(table.header, table.keys)):
        value = cells[i].strip()
        if i in used or not value or not header:
            continue
        if key in mapped:
            out[mapped[key]] = value
        elif not _ignored(layout, key):
            # Shopify names metafield columns 'Color (product.metafields.shopify.color-pattern)'
            out[re.sub(r"\s*\((product|variant)\.metafields\.[^)]*\)$", "", header)] = value
    return out


def _shopify_records(table: _Table, variants: str) -> Iterator[Record]:
    cols = {k: table.column(v) for k, v in _field_columns("shopify").items()}
    options = [(table.column([f"option{n} name"]), table.column([f"option{n} value"])) for n in (1, 2, 3)]
    if cols["handle"] is None or cols["title"] is None:
        raise CatalogError("a Shopify export needs Handle (or URL handle) and Title columns")
    used = {i for i in cols.values() if i is not None}

    def cell(row: _Row, name: str) -> str:
        i = cols[name]
        return row.cells[i].strip() if i is not None else ""

    groups: dict[str, list[_Row]] = {}
    for row in table.rows:
        if row.error:
            yield Record(row.first, row.where, {}, row.error)
            continue
        handle = cell(row, "handle")
        if not handle:
            yield Record(row.first, row.where, {}, "Handle: missing")
            continue
        groups.setdefault(handle, []).append(row)

    for handle, rows in groups.items():
        head = next((r for r in rows if cell(r, "title")), rows[0])
        where = f"{rows[0].where if len(rows) == 1 else f'lines {rows[0].first}-{rows[-1].last}'} (handle {handle!r})"
        names = [head.cells[n].strip() if n is not None else "" for n, _ in options]
        is_variant = lambda r: any(cell(r, k) for k in ("sku", "price")) or any(v is not None and r.cells[v].strip() for _, v in options)  # noqa: E731
        variant_rows = [r for r in rows if is_variant(r)] or [head]
        positioned = [(r, cell(r, "image")) for r in rows if cell(r, "image")]
        positioned.sort(key=lambda pair: _position(cell(pair[0], "image_position")))
        images = list(dict.fromkeys([src for _, src in positioned] + [cell(r, "variant_image") for r in variant_rows if cell(r, "variant_image")]))
        title = cell(head, "title")
        base = {
            "title": title,
            "description": _description(cell(head, "description")),
            "brand": cell(head, "brand"),
            "language": _language(title),
        }
        attributes = _extra_attributes("shopify", table, head.cells, used)

        def option_values(row: _Row, names: list[str] = names) -> list[tuple[str, str]]:
            pairs = []
            for name, (_, v) in zip(names, options):
                value = row.cells[v].strip() if v is not None else ""
                if name and value and not (name == "Title" and value == "Default Title"):
                    pairs.append((name, value))
            return pairs

        def prices(row: _Row) -> dict[str, str]:
            price, compare = cell(row, "price"), cell(row, "compare_at_price")
            if price and compare and _more(compare, price):
                return {"price": compare, "sale_price": price}  # Shopify's compare-at is the regular price
            return {"price": price}

        if variants == "attributes":
            values: dict[str, list[str]] = {}
            for row in variant_rows:
                for name, value in option_values(row):
                    values.setdefault(name, [])
                    if value not in values[name]:
                        values[name].append(value)
            option_attrs = {name: ", ".join(vals) for name, vals in values.items()}
            fields = {**base, "sku": handle, "images": images, "attributes": {**option_attrs, **attributes}, **prices(variant_rows[0])}
            yield Record(rows[0].first, where, fields)
        else:
            for n, row in enumerate(variant_rows, 1):
                pairs = option_values(row)
                own = [cell(row, "variant_image")] if cell(row, "variant_image") else []
                fields = {
                    **base,
                    "title": f"{title} - {' / '.join(v for _, v in pairs)}" if pairs else title,
                    "sku": cell(row, "sku") or f"{handle}-{n}",
                    "images": list(dict.fromkeys(own + images)),
                    "attributes": {**dict(pairs), **attributes},
                    **prices(row),
                }
                yield Record(row.first, f"{row.where} (handle {handle!r})", fields)


def _position(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")  # rows without a position keep their order, after the numbered ones


def _more(a: str, b: str) -> bool:
    """a > b for two plain prices; False when either is not a plain number."""
    from creative.inputs.prices import PriceError, parse_price

    try:
        return parse_price(a).amount > parse_price(b).amount
    except PriceError:
        return True  # let the product's own validation name the unreadable price


# -- Google Merchant Center ------------------------------------------------------------


def _google_key(name: str) -> str:
    key = norm(name)
    return key[2:].strip() if key.startswith("g:") else key


def _google_fields(values: dict[str, list[str]]) -> dict[str, Any]:
    """One item's attributes (normalised name -> values, repeats kept) as our record."""
    cols = _field_columns("google")

    def first(name: str) -> str:
        for col in cols[name]:
            for value in values.get(col, []):
                if value.strip():
                    return value.strip()
        return ""

    images = [first("image")] if first("image") else []
    for col in cols["additional_images"]:
        for value in values.get(col, []):
            images += _split_list(value, ",")  # TSV: comma-separated; XML: one element each
    title = first("title")
    fields: dict[str, Any] = {
        "sku": first("sku"),
        "title": title,
        "description": _description(first("description")),
        "brand": first("brand"),
        "price": first("price"),
        "images": list(dict.fromkeys(images)),
        "language": _language(title),
    }
    if first("sale_price"):
        fields["sale_price"] = first("sale_price")
    used = {c for cs in cols.values() for c in cs}
    attributes = {}
    for key, vals in values.items():
        vals = [v.strip() for v in vals if v.strip()]
        if key in used or not vals or _ignored("google", key):
            continue
        attributes[key.replace(" ", "_")] = ", ".join(dict.fromkeys(vals))
    fields["attributes"] = attributes
    return fields


def _google_records(table: _Table) -> Iterator[Record]:
    keys = [_google_key(h) for h in table.header]
    for row in table.rows:
        if row.error:
            yield Record(row.first, row.where, {}, row.error)
            continue
        values: dict[str, list[str]] = {}
        for key, value in zip(keys, row.cells):
            values.setdefault(key, []).append(value)
        yield Record(row.first, row.where, _google_fields(values))


def _xml_records(path: Path, text: str | bytes) -> Iterator[Record]:
    """Items of an RSS 2.0 or Atom 1.0 feed in the g: namespace. DTDs are refused outright:
    a product feed has no use for one, and entity declarations are how XML bombs and
    external-entity reads work."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    namespace = _spec("google")["namespace"]
    try:
        root = fromstring(text.lstrip("\ufeff") if isinstance(text, str) else text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise CatalogError(f"{path}: refused: the XML declares a DTD or entities ({type(e).__name__}); a product feed needs neither") from None
    except ParseError as e:
        raise CatalogError(f"{path}: not well-formed XML ({e})") from None
    if root.tag == "rss":
        items = root.findall("./channel/item")
    elif root.tag == f"{{{_ATOM}}}feed":
        items = root.findall(f"./{{{_ATOM}}}entry")
    else:
        raise CatalogError(f"{path}: the XML root is <{root.tag}>: not a Google Merchant Center feed (RSS 2.0 <rss> or Atom <feed>)")
    if items and not any(child.tag.startswith(f"{{{namespace}}}") for item in items for child in item):
        raise CatalogError(f"{path}: an RSS/Atom feed without the Google Merchant Center namespace ({namespace}): no product attributes in it")
    for n, item in enumerate(items, 1):
        values: dict[str, list[str]] = {}
        for child in item:
            tag = child.tag
            if tag.startswith(f"{{{namespace}}}"):
                key = norm(tag.split("}", 1)[1])
            elif tag.startswith(f"{{{_ATOM}}}") or not tag.startswith("{"):
                # RSS's own title/link/description; Atom's title/id/summary/link href
                local = tag.split("}", 1)[-1]
                key = {"summary": "description", "content": "description"}.get(local, local)
                if local == "id":
                    key = "atom id"
                if local == "link":
                    values.setdefault("link", []).append(child.get("href") or child.text or "")
                    continue
            else:
                continue
            if len(child):  # shipping, tax, product_detail...: groups of sub-attributes
                continue
            values.setdefault(key, []).append(child.text or "")
        # g: attributes win over the RSS/Atom elements of the same name; Atom's id is the
        # product id only when there is no g:id
        for key in ("title", "description"):
            g_values = [child.text or "" for child in item if child.tag == f"{{{namespace}}}{key}"]
            if g_values:
                values[key] = g_values
        if not any(v.strip() for v in values.get("id", [])) and values.get("atom id"):
            values["id"] = values["atom id"]
        values.pop("atom id", None)
        yield Record(n, f"item {n}", _google_fields(values))


# -- WooCommerce -----------------------------------------------------------------------


def _woo_list(value: str) -> list[str]:
    """WooCommerce's list cells: comma-separated, a literal comma written '\\,'."""
    parts = value.replace("\\,", "\x00").split(",")
    return [p.replace("\x00", ",").strip() for p in parts if p.strip()]


def _woo_text(value: str) -> str:
    """Descriptions: the exporter writes newlines as a literal backslash-n."""
    return value.replace("\\\\n", "\x00").replace("\\n", "\n").replace("\x00", "\\n")


def _woo_records(table: _Table, variants: str) -> Iterator[Record]:
    cols = {k: table.column(v) for k, v in _field_columns("woocommerce").items()}
    attr_cols = []
    for i, key in enumerate(table.keys):
        m = re.fullmatch(r"attribute (\d+) name", key)
        if m:
            attr_cols.append((i, table.column([f"attribute {m[1]} value(s)"])))
    used = {i for i in cols.values() if i is not None}

    def cell(row: _Row, name: str) -> str:
        i = cols[name]
        return row.cells[i].strip() if i is not None else ""

    def attributes(row: _Row) -> dict[str, str]:
        out = {}
        for name_col, value_col in attr_cols:
            name = row.cells[name_col].strip()
            value = row.cells[value_col].strip() if value_col is not None else ""
            if name and value:
                out[name] = ", ".join(_woo_list(value))
        return out

    # Two passes: the exporter writes variations after their parent, but nothing requires it.
    out: list[Record] = []
    products: list[tuple[_Row, dict[str, Any]]] = []
    variations: list[tuple[_Row, dict[str, Any]]] = []
    by_ref: dict[str, dict[str, Any]] = {}
    for row in table.rows:
        if row.error:
            out.append(Record(row.first, row.where, {}, row.error))
            continue
        title = cell(row, "title")
        fields: dict[str, Any] = {
            "sku": cell(row, "sku") or (f"id-{cell(row, 'id')}" if cell(row, "id") else ""),
            "title": title,
            "description": _description(_woo_text(cell(row, "short_description")), _woo_text(cell(row, "description"))),
            "brand": ", ".join(_woo_list(cell(row, "brand"))),
            "images": _woo_list(cell(row, "images")),
            "attributes": {**attributes(row), **_extra_attributes("woocommerce", table, row.cells, used)},
            "language": _language(title),
        }
        regular, sale = cell(row, "price"), cell(row, "sale_price")
        if regular:
            fields["price"] = regular
            if sale:
                fields["sale_price"] = sale
        elif sale:
            fields["price"] = sale  # a sale price alone is just the price: no discount shown
        if "variation" in {t.lower() for t in _woo_list(cell(row, "type"))}:
            variations.append((row, fields))
            continue
        products.append((row, fields))
        for ref in (cell(row, "sku"), f"id:{cell(row, 'id')}" if cell(row, "id") else ""):
            if ref:
                by_ref[ref] = fields

    children: dict[int, list[tuple[_Row, dict[str, Any]]]] = {}
    for row, fields in variations:
        parent = by_ref.get(cell(row, "parent"))
        if parent is None:
            out.append(Record(row.first, row.where, fields, f"Parent: {cell(row, 'parent')!r} is no product in this file"))
        else:
            children.setdefault(id(parent), []).append((row, fields))

    for row, fields in products:
        kids = children.get(id(fields), [])
        if not kids:
            out.append(Record(row.first, row.where, fields))
        elif variants == "attributes":
            merged = dict(fields)
            if "price" not in merged:
                first = next((k for _, k in kids if "price" in k), None)
                if first:
                    merged.update({k: first[k] for k in ("price", "sale_price") if k in first})
            merged["images"] = list(dict.fromkeys(fields["images"] + [i for _, k in kids for i in k["images"]]))
            out.append(Record(row.first, f"{row.where} and {len(kids)} variation(s)", merged))
        else:
            for kid_row, kid in kids:
                own = {k: v for k, v in kid["attributes"].items() if fields["attributes"].get(k) != v}
                merged = {
                    **fields,
                    "sku": kid["sku"] or f"{fields['sku']}-{kid_row.first}",
                    "title": kid["title"] or f"{fields['title']} - {', '.join(own.values())}",
                    "description": kid["description"] or fields["description"],
                    "images": list(dict.fromkeys(kid["images"] + fields["images"])),
                    "attributes": {**fields["attributes"], **kid["attributes"]},
                    "language": fields["language"],
                }
                for key in ("price", "sale_price"):
                    merged.pop(key, None)
                    if key in kid:
                        merged[key] = kid[key]
                out.append(Record(kid_row.first, f"{kid_row.where} (variation of {fields['sku']!r})", merged))
    yield from sorted(out, key=lambda r: r.line)


@dataclass
class CatalogOptions:
    """How to read a catalog (the CLI's catalog options).

    format      'auto' (sniffed) or one of FORMATS
    variants    'attributes' or 'skus' (Shopify and WooCommerce products with variants)
    currency    ISO code for prices that name none (Shopify and WooCommerce exports never do)
    encoding    the file's encoding, when it is neither UTF-8 nor UTF-16/32 with a BOM
    allow_any_path  open local images wherever they point (default: only inside the
                    catalog's folder or --images)
    refresh_images  revalidate cached image URLs with their servers (ETag / Last-Modified)
    """

    format: str = "auto"
    variants: str = "attributes"
    currency: str | None = None
    encoding: str | None = None
    allow_any_path: bool = False
    refresh_images: bool = False
