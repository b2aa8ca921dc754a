"""One price parser for catalogs, feeds, the studio and the API (#13): amount and currency from
what shops write, separators by the currency's locale, ambiguity refused rather than guessed."""

import json
import re
from decimal import Decimal

import pytest

from conftest import SAMPLES
from creative.compose import default_copy
from creative.creative_set import CreativeSet
from creative.inputs.prices import PriceError, currency_in, parse_price
from creative.inputs.product import Product, describe_error

IMAGE = SAMPLES / "images" / "ceramic_mug.jpg"


@pytest.mark.parametrize(
    "text, currency, language, amount, code",
    [
        ("89.00 USD", None, "en", "89.00", "USD"),  # Merchant Center
        ("€1.299,00", None, "en", "1299.00", "EUR"),
        ("1 299,00 €", None, "en", "1299.00", "EUR"),  # French, with a plain space
        ("1\u202f299,00\u00a0€", None, "en", "1299.00", "EUR"),  # ... and as CLDR writes it
        ("$1,299", None, "en", "1299", "USD"),
        ("¥399", None, "en", "399", "JPY"),  # CLDR's English symbol
        ("¥399", None, "zh", "399", "CNY"),  # ... and its Chinese one
        ("¥399", "CNY", "en", "399", "CNY"),  # the catalog's currency decides
        ("$12", "CAD", "en", "12", "CAD"),
        ("1.299,00", "EUR", "en", "1299.00", "EUR"),  # the studio bug: was 1.299
        ("1.299", "EUR", "en", "1299", "EUR"),  # '.' groups digits in EUR
        ("1,600", "USD", "en", "1600", "USD"),
        ("89,95", None, "en", "89.95", None),  # a decimal comma cannot be grouping
        ("1,299.00", None, "en", "1299.00", None),
        ("1'299.50 CHF", None, "en", "1299.50", "CHF"),
        ("1,00,000 INR", None, "en", "100000", "INR"),
        ("４９９９ JPY", None, "en", "4999", "JPY"),  # full-width digits
        ("12", None, "en", "12", None),
    ],
)
def test_prices_as_shops_write_them(text, currency, language, amount, code):
    price = parse_price(text, currency, language=language)
    assert price.amount == Decimal(amount) and price.currency == code


@pytest.mark.parametrize(
    "text, currency, message",
    [
        ("1,600", None, "ambiguous"),  # 1600, or 1.6? no currency to tell
        ("1.299", None, "ambiguous"),
        ("1,600", "EUR", "ambiguous"),  # ',' is EUR's decimal mark, but EUR has 2 decimals
        ("1.299", "USD", "ambiguous"),
        ("1.600", "JPY", "ambiguous"),
        ("89.00 EUR", "USD", "is in EUR, but the currency given is USD"),
        ("$12", "EUR", "written in"),
        ("12 XYZ", None, "not a currency"),
        ("cheap", None, "not a price"),
        ("-5", None, "negative"),
        ("12,5.3", None, "grouped"),
        ("", None, "empty"),
        ("12", "EURO", "unknown currency"),
    ],
)
def test_prices_that_need_a_guess_are_refused_with_a_reason(text, currency, message):
    with pytest.raises(PriceError, match=message):
        parse_price(text, currency)


def test_currency_in_text():
    assert currency_in("89.00 USD") == "USD" and currency_in("€12") == "EUR" and currency_in("12") is None and currency_in("cheap") is None


def test_the_api_reads_price_text_with_the_same_parser():
    p = Product(images=[IMAGE], title="Mug", price="€1.299,00")
    assert (p.price, p.currency) == (1299.0, "EUR")
    p = Product(images=[IMAGE], title="Mug", price="1.299,00", currency="EUR")
    assert default_copy(p).subline == "€1,299"  # the banner said €1.30
    for kwargs, message in (({"price": "1,600"}, "price: .*ambiguous"), ({"price": 20, "sale_price": 25}, "sale_price: .*not below")):
        with pytest.raises(ValueError) as info:
            Product(images=[IMAGE], title="Mug", **kwargs)
        assert re.search(message, describe_error(info.value))


def test_a_discount_shows_only_when_both_prices_are_given():
    both = Product(images=[IMAGE], title="Mug", description="Stoneware.", price="30.00 GBP", sale_price="24.00 GBP")
    assert default_copy(both).subline == "Stoneware\u00a0·\u00a0£24 (was £30)"
    assert default_copy(Product(images=[IMAGE], title="Mug", price=30, currency="GBP")).subline == "£30"
    zh = Product(images=[IMAGE], title="杯", price=30, sale_price=24, currency="CNY", language="zh")
    assert default_copy(zh).subline == "¥24（原价 ¥30）"


def test_creative_json_saved_before_sale_prices_still_loads(tiny_studio, tmp_path):
    product = Product(images=[IMAGE], title="Stoneware mug", price=30, sale_price=24, currency="GBP", sku="MUG")
    result = tiny_studio.generate(product, sizes=["300x250"], platforms=["banner"], n_captions=1, n_copies=1, n_visuals=1, seed=0)
    result.save(tmp_path / "new")
    assert CreativeSet.load(tmp_path / "new").product.sale_price == 24
    index = json.loads((tmp_path / "new" / "creative.json").read_text())
    del index["product"]["sale_price"]  # as written before #13
    (tmp_path / "new" / "creative.json").write_text(json.dumps(index))
    old = CreativeSet.load(tmp_path / "new")
    assert old.product.sale_price is None and old.product.price == 30 and default_copy(old.product).subline.endswith("£30")
