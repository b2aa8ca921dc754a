"""Training pairs for the copywriter: one product's facts and the ad a marketer wrote for it on
one platform, read from JSONL or CSV.

JSONL, one object a line (as in datasets/copywriter/):

    {"title": "...", "brand": "...", "description": "...", "price": 129.0, "currency": "GBP",
     "audience": "...", "tone": "friendly", "language": "en", "attributes": {"colour": "dark brown"},
     "platform": "meta", "copy": {"primary_text": "...", "headline": "...", "description": "...", "cta": "..."},
     "category": "footwear", "id": "a-0001", "sku": "A-FTW-001"}

CSV, a header and one pair a row: the catalog's columns (README, "The batch script"; attributes
as `key=value;key=value`) plus `platform`, one `copy_<field>` column per copy field
(`copy_headline`, `copy_description`, `copy_primary_text`, `copy_subline`, `copy_body`;
`copy_cta`, like a JSONL "cta", is read and ignored), and optional `category` and `id`.

Every field the platform's ad has (platforms.toml) but the call to action, which the copy stage
chooses from a list, must be there and within the platform's limit, counted the platform's way.
Any other column is an attribute, as in a catalog. A bad row stops the read with a PairsError
naming the file and its line: a model trained around a silently dropped row is worse than a
clear message.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creative import data
from creative.condition.prompts import fields_of
from creative.inputs.catalog import facts_from_record
from creative.inputs.product import Facts, clean_text, describe_error
from creative.textunits import text_length

PAIR_COLUMNS = frozenset({"platform", "copy", "category", "id"})
COPY_PREFIX = "copy_"


class PairsError(ValueError):
    """A pairs file that cannot be read, or a row that is not a usable pair (names the line)."""


@dataclass(frozen=True)
class CopyPair:
    """One training example: the product's facts -> the fields the model writes for `platform`
    (the call to action dropped), in the platform's field order."""

    facts: Facts
    platform: str
    copy: dict[str, str]
    category: str = ""
    id: str = ""
    group: str = ""  # the product (sku, else brand + title): its pairs stay on one side of a split
    line: int = 0  # where it is in the file (1-based; CSV: the header is line 1)
    source: str = ""  # the file


def read_pairs(paths: str | Path | list[str | Path]) -> list[CopyPair]:
    """Every pair of one or more JSONL (`.jsonl`, `.json`) or CSV files, in file order. Raises
    PairsError naming the file (and the line) when a file is missing or empty, or a row is bad."""
    pairs: list[CopyPair] = []
    for path in [Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]:
        if not path.is_file():
            raise PairsError(f"pairs file not found: {path}")
        rows = _jsonl_rows(path) if path.suffix.lower() in {".jsonl", ".json"} else _csv_rows(path)
        mine = [_pair(record, line, path) for line, record in rows]
        if not mine:
            raise PairsError(f"{path}: no pairs")
        pairs += mine
    return pairs


def _jsonl_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for line, text in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            raise PairsError(f"{path} line {line}: not valid JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(record, dict):
            raise PairsError(f"{path} line {line}: expected a JSON object, got {type(record).__name__}")
        rows.append((line, record))
    return rows


def _csv_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "title" not in header or "platform" not in header or not any(h.startswith(COPY_PREFIX) for h in header):
            raise PairsError(f"{path}: needs a header with 'title', 'platform' and copy_<field> columns (e.g. copy_headline)")
        rows, start = [], reader.line_num + 1
        for row in reader:
            record = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
            if any(record.values()):
                rows.append((start, record))
            start = reader.line_num + 1
    return rows


def _pair(record: dict[str, Any], line: int, path: Path) -> CopyPair:
    where = f"{path} line {line}"
    platforms = [p for p in data.load("platforms")]
    platform = str(record.get("platform") or "").strip()
    if not platform:
        raise PairsError(f"{where}: 'platform' is missing (one of {', '.join(platforms)})")
    if platform not in platforms:
        raise PairsError(f"{where}: unknown platform {platform!r}; choose one of {', '.join(platforms)}")
    copy_in = record.get("copy") or {}
    if not isinstance(copy_in, dict):
        raise PairsError(f"{where}: 'copy' must be an object of field -> text")
    copy_in = {**copy_in, **{k[len(COPY_PREFIX):]: v for k, v in record.items() if k.startswith(COPY_PREFIX) and v not in (None, "")}}
    spec = data.load("platforms")[platform]
    written = fields_of(platform)
    unknown = [f for f in copy_in if f not in spec["fields"] and f != "cta"]  # the button is chosen, never trained: ignored
    if unknown:
        raise PairsError(f"{where}: {', '.join(map(repr, unknown))} is not a field of {platform} ({', '.join(spec['fields'])})")
    copy = {f: clean_text(str(copy_in.get(f) or "")) for f in written}
    missing = [f for f, v in copy.items() if not v]
    if missing:
        raise PairsError(f"{where}: the {platform} ad needs {', '.join(written)}; {', '.join(missing)} is missing or empty")
    for f, v in copy.items():
        n = text_length(v, spec["counting"])
        if n > spec["fields"][f]:
            counted = " (CJK counted double, as Google does)" if spec["counting"] == "google" else ""
            raise PairsError(f"{where}: {f} is {n} characters{counted}; {platform} allows {spec['fields'][f]}")
    extra = PAIR_COLUMNS | {k for k in record if k.startswith(COPY_PREFIX)}
    try:
        facts = Facts(**facts_from_record(record, extra=extra))
    except (ValueError, TypeError) as e:  # pydantic's ValidationError is a ValueError
        raise PairsError(f"{where}: {describe_error(e)}") from None
    group = str(record.get("sku") or "").strip() or f"{facts.brand}|{facts.title}"
    return CopyPair(facts, platform, copy, str(record.get("category") or "").strip(), str(record.get("id") or "").strip(), group, line, str(path))
