"""The `compose` stage: product + visual + copy -> a finished banner in one size, and its layer spec.

    spec = plan(banner_size("1200x628"), product_size=..., method=..., copy=..., background=...)
    rendered = render_banner(spec, {"product": cutout.product, "visual": image, "logo": logo})

`plan` places things (templates in layouts.toml, sizes and safe zones in sizes.toml);
`render` draws them (and measures: font sizes, ink boxes, worst-case contrast). A UI edits
`spec.set_text("headline", ...)` and calls `render(spec, assets)` again: no diffusion rerun.
"""

from __future__ import annotations

import re

from creative import data
from creative.compose.layout import BannerSize, all_sizes, banner_size, plan, template_for
from creative.compose.render import Rendered, placed_product, render, render_banner
from creative.compose.spec import BannerCopy, LayerSpec, TextBlock, TextLayer
from creative.compose.fonts import FontNotFoundError
from creative.generate.text import Candidate
from creative.geometry import Box
from creative.inputs.brand import BrandKit, load_brand_kit, save_brand_kit

__all__ = [
    "BannerCopy",
    "BannerSize",
    "Box",
    "BrandKit",
    "FontNotFoundError",
    "LayerSpec",
    "Rendered",
    "TextBlock",
    "TextLayer",
    "all_sizes",
    "banner_copy_from",
    "banner_size",
    "default_copy",
    "load_brand_kit",
    "placed_product",
    "plan",
    "render",
    "render_banner",
    "save_brand_kit",
    "template_for",
]

# Latin sentence ends need a space after them ("Bluetooth 5.3 link" is one sentence);
# Chinese ones do not.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")
_CLAUSE = re.compile(r"\s*(?:[,;:，；：]|\s[-–—]\s)\s*")


def _short(text: str, limit: int) -> str:
    """The first sentence, else its first clause, when it is short enough; '' otherwise."""
    sentence = _SENTENCE.split(text.strip(), maxsplit=1)[0].strip()
    if 0 < len(sentence) <= limit:
        return sentence
    clause = _CLAUSE.split(sentence, maxsplit=1)[0].strip()
    return clause if 0 < len(clause) <= limit else ""


def _money(value: float, currency: str) -> str:
    symbols = data.load("layouts")["default_copy"]["currency_symbols"]
    amount = f"{value:,.2f}".removesuffix(".00")
    symbol = symbols.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}".strip()


def _price(product) -> str:
    """The price, or the sale price with the regular one ('€69 (was €89)') when both are given."""
    sale = product.sale_price
    if product.price is None:
        return "" if sale is None else _money(sale, product.currency)
    if sale is None:
        return _money(product.price, product.currency)
    table = data.load("layouts")["default_copy"]["sale"]
    template = table.get(product.language, table["en"])
    return template.format(sale=_money(sale, product.currency), price=_money(product.price, product.currency))


def default_copy(product) -> BannerCopy:
    """Copy from the product facts when none is given: the title as headline, a short phrase of
    the description (or the attributes) plus the price as subline, a CTA per language."""
    table = data.load("layouts")["default_copy"]
    lang = product.language
    limit = table["subline_max_chars"].get(lang, 60)
    phrase = _short(product.description, limit) if product.description else ""
    if not phrase and product.attributes:
        sep = "・" if lang == "zh" else " · "
        joined = sep.join(list(product.attributes.values())[:3])
        phrase = joined if len(joined) <= limit else ""
    if phrase and (product.price is not None or product.sale_price is not None):
        phrase = phrase.rstrip(".。")  # "outsole · €89", not "outsole. · €89"
    price = _price(product)
    # no-break spaces around the dot: the price never starts a line on its own
    subline = "\u00a0·\u00a0".join(p for p in (phrase, price) if p)
    return BannerCopy(product.title, subline, table["cta"].get(lang, table["cta"]["en"]))


def banner_copy_from(variants: list[Candidate]) -> BannerCopy | None:
    """The best banner-platform variant as the words on the banner, or None."""
    if not variants:
        return None
    f = variants[0].fields
    return BannerCopy(headline=f.get("headline", ""), subline=f.get("subline", ""), cta=f.get("cta", ""))
