"""Prices as shops write them: one parser for catalogs, feeds, the studio and the Python API.

    parse_price("89.00 USD")                 -> Price(Decimal('89.00'), 'USD')
    parse_price("€1.299,00")                 -> Price(Decimal('1299.00'), 'EUR')
    parse_price("1 299,00 €")                -> Price(Decimal('1299.00'), 'EUR')
    parse_price("$1,299")                    -> Price(Decimal('1299'), 'USD')
    parse_price("¥399", language="zh")       -> Price(Decimal('399'), 'CNY')
    parse_price("1,600")                     -> PriceError: ambiguous (1600, or 1.6?)
    parse_price("1,600", currency="USD")     -> Price(Decimal('1600'), 'USD')

How a number is read:

- With both '.' and ',' in it, the last one is the decimal separator ('1.299,00', '1,299.00').
- Spaces and apostrophes only ever group digits ('1 299,00', "1'299.50").
- One separator followed by anything but exactly three digits is the decimal one ('89,95').
- Otherwise ('1,600', '1.299') only the currency can tell: its country's convention in CLDR
  (ISO 4217 codes start with the country: USD -> US -> en_US; a shared currency such as EUR
  takes the convention of most countries that use it). A reading that contradicts the
  currency's number of decimals ('1,600' in EUR would be 1.600 euros) is refused, and so is
  any such number without a currency: we never guess.

Currency symbols are read with CLDR's symbols for the product's language ('¥' is CNY in
Chinese and JPY in English), or checked against the currency the catalog names ('$' with CAD).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Price", "PriceError", "currency_in", "parse_price"]


class PriceError(ValueError):
    """A price that cannot be read without guessing; the message says why and what to write."""


@dataclass(frozen=True)
class Price:
    """An amount in a currency's major unit (89.95 means 89 euros 95 cents), never negative.
    `currency` is an ISO 4217 code, or None when neither the text nor the caller named one."""

    amount: Decimal
    currency: str | None = None


# A price: an optional marker (symbol or code) before or after a number of digits and
# separators. Text is NFKC-normalised first: full-width digits and '￥', and the no-break and
# narrow no-break spaces that CLDR formats use, become their plain forms.
_PRICE = re.compile(r"(?P<pre>[^\d+\-]*?)\s*(?P<sign>[+\-]?)\s*(?P<num>\d(?:[\d.,'’ ]*\d)?)\s*(?P<post>\D*?)")
_GROUPING = " '’"


def parse_price(text: str | float | int | Decimal, currency: str | None = None, *, language: str = "en") -> Price:
    """Read `text` as an amount and a currency.

    `currency` is what the catalog or form says (an ISO code such as 'EUR', or '' / None for
    nothing); a currency written in `text` must agree with it. `language` picks the locale
    whose currency symbols are read first. Numbers (int, float, Decimal) are taken as they are.

    Raises PriceError (a ValueError) naming the problem: empty, not a number, negative, an
    unknown currency or symbol, a currency that disagrees with `currency`, more decimals than
    the currency has, or separators that only a guess could resolve.
    """
    hint = _check_code(currency) if currency and str(currency).strip() else None
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        amount = Decimal(str(text))
        if not amount.is_finite() or amount < 0:
            raise PriceError(f"{text!r} is not a price (it must be a number of at least 0)")
        return Price(amount, hint)
    raw = str(text or "").strip()
    if not raw:
        raise PriceError("empty")
    match = _PRICE.fullmatch(unicodedata.normalize("NFKC", raw).strip())
    if not match:
        raise PriceError(f"{raw!r} is not a price we can read (write it like 89.95 or '89.95 EUR')")
    if match["sign"] == "-":
        raise PriceError(f"{raw!r} is negative")
    pre, post = match["pre"].strip(), match["post"].strip()
    if pre and post:
        raise PriceError(f"{raw!r} has text on both sides of the number ({pre!r} and {post!r})")
    code = _currency_of(pre or post, hint, raw, language) if (pre or post) else hint
    amount = _amount(match["num"], code, raw)
    decimals = -amount.as_tuple().exponent if amount.as_tuple().exponent < 0 else 0
    if code and decimals > _precision(code):
        raise PriceError(f"{raw!r} has {decimals} decimals, but {code} has {_precision(code)}")
    return Price(amount, code)


def currency_in(text: object, language: str = "en") -> str | None:
    """The currency `text` writes ('89.00 USD' -> 'USD', '€12' -> 'EUR'), or None when it
    writes none or is no price at all. Never raises."""
    match = _PRICE.fullmatch(unicodedata.normalize("NFKC", str(text or "")).strip())
    marker = ((match["pre"] or "") + (match["post"] or "")).strip() if match else ""
    if not marker:
        return None
    try:
        return _currency_of(marker, None, str(text), language)
    except PriceError:
        return None


# -- currencies -----------------------------------------------------------------------


def _check_code(code: str) -> str:
    from babel.numbers import is_currency

    code = str(code).strip().upper()
    if not is_currency(code):
        raise PriceError(f"unknown currency {code!r} (use an ISO 4217 code such as EUR, USD or CNY)")
    return code


def _currency_of(marker: str, hint: str | None, raw: str, language: str) -> str:
    """The ISO code that `marker` (a code or a symbol) stands for, consistent with `hint`."""
    from babel.numbers import is_currency

    if re.fullmatch(r"[A-Za-z]{3}", marker) and is_currency(marker.upper()):
        code = marker.upper()
        if hint and code != hint:
            raise PriceError(f"{raw!r} is in {code}, but the currency given is {hint}")
        return code
    if hint:
        if marker in _symbols_of(hint):
            return hint
        others = _codes_for_symbol(marker, language)
        raise PriceError(f"{raw!r} is written in {marker!r}{f' ({others[0]})' if others else ''}, but the currency given is {hint}")
    codes = _codes_for_symbol(marker, language)
    if not codes:
        raise PriceError(f"{raw!r}: {marker!r} is not a currency symbol or ISO code we know")
    return codes[0]


@functools.cache
def _symbol_table(language: str) -> dict[str, list[str]]:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return {}
    table: dict[str, list[str]] = {}
    for code, symbol in locale.currency_symbols.items():
        table.setdefault(unicodedata.normalize("NFKC", symbol), []).append(code)
    return table


def _codes_for_symbol(symbol: str, language: str) -> list[str]:
    """Codes whose symbol this is: in the product's language first, then in English."""
    for lang in (language, "en"):
        codes = _symbol_table(lang).get(symbol)
        if codes:
            return codes
    return []


@functools.cache
def _locales_using(code: str) -> tuple[str, ...]:
    """The likely locale of each country that has `code` as legal tender today (CLDR), the
    currency's own country (ISO 4217: the code's first two letters) first when it is one."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    territories = [t for t in get_global("territory_currencies") if code in get_territory_currencies(t, tender=True)]
    territories.sort(key=lambda t: t != code[:2])
    out = []
    for territory in territories:
        try:
            out.append(str(Locale.parse(f"und_{territory}")))
        except (UnknownLocaleError, ValueError):
            continue
    return tuple(out)


@functools.cache
def _symbols_of(code: str) -> frozenset[str]:
    """Every symbol CLDR writes `code` with, in English and where it is used."""
    from babel.numbers import get_currency_symbol

    return frozenset(unicodedata.normalize("NFKC", get_currency_symbol(code, loc)) for loc in ("en", *_locales_using(code)))


@functools.cache
def decimal_separator(code: str) -> str | None:
    """The decimal separator of `code`'s country (CLDR); for a shared currency, the one most
    countries using it write. None when CLDR knows no country for it."""
    from babel.numbers import get_decimal_symbol

    locales = _locales_using(code)
    if not locales:
        return None
    if locales[0].endswith("_" + code[:2]):
        return get_decimal_symbol(locales[0])
    return Counter(get_decimal_symbol(loc) for loc in locales).most_common(1)[0][0]


@functools.cache
def _precision(code: str) -> int:
    from babel.numbers import get_currency_precision

    return get_currency_precision(code)


# -- numbers --------------------------------------------------------------------------


def _amount(num: str, code: str | None, raw: str) -> Decimal:
    marks = [c for c in num if c in ".,"]
    grouped = any(c in _GROUPING for c in num)
    if not marks:
        return _join(num, None, raw)
    if len(set(marks)) == 2:
        decimal = marks[-1]
        if marks.count(decimal) > 1:  # '1.299,00,5'
            raise PriceError(f"{raw!r} mixes '.' and ',' in a way no locale writes numbers")
        return _join(num, decimal, raw)
    mark = marks[0]
    if len(marks) > 1:
        return _join(num, None, raw)  # '1.299.000': only grouping repeats
    after = len(num) - num.index(mark) - 1
    if grouped or after != 3:
        return _join(num, mark, raw)  # '1 299,00', '89,95', '1299.5': cannot be grouping
    if code is None:
        raise PriceError(
            f"{raw!r} is ambiguous: {num.replace(mark, '')} or {num.replace(mark, '.')}? "
            f"Name the currency (e.g. '{raw} USD', or the currency column) or write it without a thousands separator"
        )
    convention = decimal_separator(code)
    if convention not in (".", ","):
        raise PriceError(f"{raw!r} is ambiguous in {code}: write it without a thousands separator, with '.' for decimals")
    if mark == convention:
        amount = _join(num, mark, raw)
        if _precision(code) < 3:
            raise PriceError(
                f"{raw!r} is ambiguous: in {code} {mark!r} separates decimals, but {code} has {_precision(code)}; "
                f"write {num.replace(mark, '')} if that is meant (no thousands separator)"
            )
        return amount
    return _join(num, None, raw)


def _join(num: str, decimal: str | None, raw: str) -> Decimal:
    """`num` with `decimal` as its decimal separator and every other mark grouping digits,
    checked: groups of three (or the Indian 2-2-3) after the first."""
    whole, _, fraction = num.partition(decimal) if decimal else (num, "", "")
    groups = re.split(r"[.,'’ ]", whole)
    if len(groups) > 1:
        ok = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        indian = 1 <= len(groups[0]) <= 2 and all(len(g) == 2 for g in groups[1:-1]) and len(groups[-1]) == 3
        if not (ok or indian):
            raise PriceError(f"{raw!r} has digits grouped in a way no locale writes them")
    if fraction and not fraction.isdigit():
        raise PriceError(f"{raw!r} has separators after its decimal separator")
    return Decimal("".join(groups) + (f".{fraction}" if fraction else ""))
