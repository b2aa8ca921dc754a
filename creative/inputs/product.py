"""`Product`: the facts and photos of one catalog item, validated at the boundary.

Catalog text is untrusted data (it may be empty, enormous, full of control characters or
even contain instructions aimed at the language model); it is cleaned and bounded here and
treated as data, never as instructions, everywhere after.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from creative import data

# Bounds well above any real catalog field, far below what would hurt the pipeline.
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_SHORT = 200  # brand, audience, attribute values
MAX_ATTRIBUTES = 50
MAX_IMAGES = 10

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC-normalise, drop control and bidi-override characters, collapse runs of spaces."""
    text = unicodedata.normalize("NFC", value)
    text = _CONTROL.sub(" ", text)
    if not multiline:
        text = text.replace("\n", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line) if multiline else lines[0]


def describe_error(e: Exception) -> str:
    """One line per problem, each naming its field: what users see for a bad product."""
    from pydantic import ValidationError

    if isinstance(e, ValidationError):
        return "; ".join(f"{'.'.join(map(str, err['loc'])) or 'product'}: {err['msg']}" for err in e.errors())
    return str(e)


def parse_attributes(pairs: Iterable[str]) -> dict[str, str]:
    """`key=value` pairs (the CLI's --attr, the studio's lines) as a dict; blank lines skipped."""
    out = {}
    for pair in pairs:
        if not pair.strip():
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"attributes are key=value, got {pair.strip()!r}")
        out[key.strip()] = value.strip()
    return out


ImageInput = Any  # str | os.PathLike | bytes | PIL.Image.Image (checked in the validator)


class _Unreadable:
    """A price text the parser refused: carried to the field's own validator, so the error
    names the field ('price: ...') rather than the whole product."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason

    def __repr__(self) -> str:  # pydantic shows the input in its error
        return repr(self.text)


class Facts(BaseModel):
    """What a product is, in words: everything a copywriter works from (no photos). Training
    pairs and few-shot examples are Facts; a `Product` is Facts with photos. Prices are numbers
    or text such as '€1.299,00' (see `creative.inputs.prices`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, str_strip_whitespace=True, extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    description: str = Field("", max_length=MAX_DESCRIPTION)
    attributes: dict[str, str] = Field(default_factory=dict, max_length=MAX_ATTRIBUTES)
    brand: str = Field("", max_length=MAX_SHORT)
    price: float | None = Field(None, ge=0, le=10_000_000)  # the regular price, in `currency`'s major unit
    currency: str = Field("", pattern=r"^([A-Z]{3})?$")
    audience: str = Field("", max_length=MAX_SHORT)
    tone: str = "friendly"
    language: Literal["en", "zh"] = "en"
    # A discounted price below `price` (a feed's sale price): banners show a discount only when
    # both are given (files saved before it existed load with None).
    sale_price: float | None = Field(None, ge=0, le=10_000_000)

    @model_validator(mode="before")
    @classmethod
    def _read_prices(cls, values: Any) -> Any:
        """Prices given as text ('€1.299,00', '89.00 USD') are read by the one price parser
        (`creative.inputs.prices`), with `currency` as the hint; a currency written in the text
        fills an empty `currency`. A price that cannot be read fails on its own field."""
        if not isinstance(values, dict) or not any(isinstance(values.get(k), str) for k in ("price", "sale_price")):
            return values
        from creative.inputs.prices import PriceError, parse_price

        values = dict(values)
        given = str(values.get("currency") or "").strip().upper()
        currency = given if re.fullmatch(r"[A-Z]{3}", given) else ""  # a bad one fails on its own field
        language = values.get("language") if values.get("language") in ("en", "zh") else "en"
        for key in ("price", "sale_price"):
            text = values.get(key)
            if not isinstance(text, str):
                continue
            if not text.strip():
                values[key] = None
                continue
            try:
                price = parse_price(text, currency or None, language=language)
            except PriceError as e:
                values[key] = _Unreadable(text, str(e))
                continue
            currency = currency or (price.currency or "")
            values[key] = float(price.amount)
        if currency and not given:
            values["currency"] = currency
        return values

    @field_validator("price", "sale_price", mode="before")
    @classmethod
    def _unreadable_price(cls, value: Any) -> Any:
        if isinstance(value, _Unreadable):
            raise ValueError(value.reason)
        return value

    @field_validator("sale_price")
    @classmethod
    def _sale_below_price(cls, value: float | None, info: ValidationInfo) -> float | None:
        price = info.data.get("price")
        if value is not None and price is not None and value >= price:
            raise ValueError(f"{value:g} is not below the price {price:g}")
        return value

    @field_validator("title", "brand", "audience", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value

    @field_validator("title")
    @classmethod
    def _names_something(cls, value: str) -> str:
        # "🎒🔥✨" or "!!!???" gives copy nothing to name the product by
        if not any(ch.isalnum() for ch in value):
            raise ValueError(f"{value!r} has no letters or digits: a title must name the product")
        return value

    @field_validator("description", mode="before")
    @classmethod
    def _multiline(cls, value: Any) -> Any:
        return clean_text(value, multiline=True) if isinstance(value, str) else value

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, str] = {}
        for key, val in value.items():
            k, v = clean_text(str(key)), clean_text(str(val))
            if not k:
                raise ValueError("attribute names must not be empty")
            if len(k) > 60 or len(v) > MAX_SHORT:
                raise ValueError(f"attribute {k[:60]!r} is too long (name <= 60, value <= {MAX_SHORT} characters)")
            if v:
                out[k] = v
        return out

    @field_validator("tone")
    @classmethod
    def _tone(cls, value: str) -> str:
        tones = data.load("tones")
        if value not in tones:
            raise ValueError(f"unknown tone {value!r}; choose one of {', '.join(tones)}")
        return value

    def facts_text(self) -> list[str]:
        """Short texts that describe the product, for CLIP's 77-token text encoder:
        the title, a line of brand and attributes, and the first sentence of the description."""
        texts = [self.title]
        facts = ", ".join([self.brand] * bool(self.brand) + [f"{k}: {v}" for k, v in self.attributes.items()])
        if facts:
            texts.append(facts)
        if self.description:
            texts.append(re.split(r"(?<=[.!?。！？])\s*", self.description, maxsplit=1)[0])
        return texts


class Product(Facts):
    """One product: its facts and photos. Only `title` and one image are required. Images are
    paths, http(s) URLs (fetched once into the cache, see `creative.inputs.fetch`), bytes or
    PIL images; prices are numbers or text such as '€1.299,00' (see `creative.inputs.prices`).

    >>> Product(images=["samples/images/shoe.jpg"], title="Trail running shoe")
    """

    images: list[ImageInput] = Field(min_length=1, max_length=MAX_IMAGES)
    platforms: list[str] = Field(default_factory=lambda: ["generic"])
    sku: str = Field("", max_length=MAX_SHORT)

    @field_validator("images", mode="before")
    @classmethod
    def _images(cls, value: Any) -> list[Any]:
        items = value if isinstance(value, (list, tuple)) else [value]
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str) and item.strip().lower().startswith(("http://", "https://")):
                from creative.inputs.fetch import ImageFetcher  # fetched once, then from the cache

                fetched = ImageFetcher().fetch(item)
                if fetched.error:
                    raise ValueError(f"image {i}: {item.strip()}: {fetched.error}")
                out.append(fetched.path)
            elif isinstance(item, (str, os.PathLike)):
                path = Path(item).expanduser()
                if not path.is_file():
                    raise ValueError(f"image {i}: file not found: {path}")
                out.append(path)
            elif isinstance(item, (bytes, bytearray)):
                if not item:
                    raise ValueError(f"image {i}: empty bytes")
                out.append(bytes(item))
            elif hasattr(item, "mode") and hasattr(item, "size"):  # a PIL image, without importing PIL
                out.append(item)
            else:
                raise ValueError(f"image {i}: expected a file path, bytes or a PIL image, got {type(item).__name__}")
        return out

    @field_validator("sku", mode="before")
    @classmethod
    def _sku(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, value: list[str]) -> list[str]:
        known = data.load("platforms")
        unknown = [p for p in value if p not in known]
        if unknown:
            raise ValueError(f"unknown platform(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        return list(dict.fromkeys(value)) or ["generic"]

    def load_images(self, *, keep_alpha: bool = False) -> list:
        """Decode every image safely (see `creative.inputs.images.load_image`)."""
        from creative.inputs.images import load_image

        return [load_image(src, keep_alpha=keep_alpha) for src in self.images]
