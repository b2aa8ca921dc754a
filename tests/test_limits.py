import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creative.generate.limits import (
    PlatformSpec,
    check_fields,
    dangling_end,
    fit,
    graphemes,
    platform_names,
    platform_spec,
    text_length,
)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji: man ZWJ woman ZWJ girl
FLAG = "\U0001f1eb\U0001f1f7"  # two regional indicators: one flag


def breaks(ch: str) -> bool:
    """A break is allowed around CJK (and other double-width) characters and flags."""
    return unicodedata.east_asian_width(ch) in "WF" or "\U0001f1e6" <= ch <= "\U0001f1ff"


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


# -- platforms and counting ---------------------------------------------------------------


def test_platform_specs_come_from_data():
    assert {"google_rsa", "meta", "banner", "generic"} <= set(platform_names())
    spec = platform_spec("google_rsa")
    assert spec == PlatformSpec("google_rsa", spec.label, "google", {"headline": 30, "description": 90})
    assert platform_spec("meta").fields["primary_text"] == 125
    with pytest.raises(ValueError, match="unknown platform 'tiktok'.*google_rsa.*meta"):
        platform_spec("tiktok")


def test_google_counts_cjk_double():
    assert text_length("跑鞋", "google") == 4
    assert text_length("Shoe 跑鞋", "google") == 9
    assert text_length("跑鞋，", "google") == 6  # fullwidth punctuation is double width too
    assert text_length("Shoe 跑鞋", "chars") == 7
    with pytest.raises(ValueError, match="unknown counting"):
        text_length("x", "bytes")


def test_chars_count_what_a_reader_sees():
    assert text_length("cafe\u0301", "chars") == 4  # NFC composes the accent
    assert text_length("x\u0324\u0301", "chars") == 1  # marks with no composed form still attach
    assert text_length(FAMILY, "chars") == 1 and text_length(FLAG, "chars") == 1
    assert text_length("\U0001f44d\U0001f3fd", "chars") == 1  # thumbs up + skin tone
    assert text_length(FAMILY, "google") >= 2  # per code point: never under Google's own count


def test_check_fields_reports_overflow_per_field():
    spec = platform_spec("google_rsa")
    assert check_fields({"headline": "Trail shoe", "description": "Light."}, spec) == {}
    assert check_fields({"headline": "x" * 31, "description": "ok"}, spec) == {"headline": 1}
    assert check_fields({"headline": "跑鞋" * 8}, spec) == {"headline": 2}  # 16 characters count 32
    with pytest.raises(ValueError, match="no field.*cta"):
        check_fields({"cta": "Buy"}, spec)


# -- fit: examples ------------------------------------------------------------------------

LONG = "Lightweight trail running shoe, breathable mesh and a grippy outsole for the mountains"


def test_fit_returns_text_that_fits_unchanged():
    assert fit("Trail shoe", 10) == "Trail shoe"
    assert fit("Shoes  and", 30) == "Shoes  and"  # the caller's own text, not a cut of it
    assert fit("", 0) == ""


def test_fit_cuts_at_a_word_and_drops_dangling_words():
    assert fit(LONG, 20) == "Lightweight trail"
    assert fit(LONG, 84) == "Lightweight trail running shoe, breathable mesh and a grippy outsole"  # not "for the"
    assert fit("Shoes for the whole family", 13) == "Shoes"
    assert fit("Fast, light, and grippy", 12) == "Fast, light"  # never ends on a comma


def test_fit_prefers_a_clause_boundary_that_keeps_enough():
    assert fit("Breathable mesh upper, grippy outsole for wet trails", 30) == "Breathable mesh upper"
    assert fit("Featherweight trail shoe — grippy and fast", 35) == "Featherweight trail shoe"
    assert fit("Run further. Feel lighter on every trail", 20) == "Run further."
    # a clause end keeping under 60% of the limit loses to a longer word cut
    assert fit("Run further. Feel lighter on every trail", 25) == "Run further. Feel lighter"


def test_fit_cuts_chinese_at_phrases_then_characters():
    z = "轻盈透气的越野跑鞋，网面鞋身，抓地橡胶大底"
    assert fit(z, 16, "chars", "zh") == "轻盈透气的越野跑鞋，网面鞋身"
    assert fit(z, 20, "google", "zh") == "轻盈透气的越野跑鞋"
    assert fit(z, 10, "google", "zh") == "轻盈透气"  # "轻盈透气的" would dangle
    assert fit("舒适的跑鞋", 3, "chars", "zh") == "舒适"
    assert fit("Nike 跑鞋 轻盈透气 城市通勤", 12, "chars", "zh") == "Nike 跑鞋 轻盈透气"


def test_fit_returns_empty_when_nothing_meaningful_fits():
    assert fit("Supercalifragilistic", 5) == ""
    assert fit("跑鞋", 1, "google", "zh") == ""
    assert fit("The and of", 5) == ""
    assert fit("!!! ??? ...", 4) == ""


def test_fit_never_splits_an_emoji_or_accent():
    assert fit(f"Go {FLAG}{FLAG} now", 4) == f"Go {FLAG}"
    assert fit(f"Run {FAMILY} now", 5) == f"Run {FAMILY}"
    assert fit(f"Run {FAMILY} now", 5, "google") == "Run"
    assert fit("Cafe\u0301 crème brûlée", 9) == "Café"


def test_dangling_end():
    assert dangling_end("Shoes and") and dangling_end("Shoes for the") and dangling_end("Shoes,")
    assert dangling_end("Shoes -") and dangling_end("舒适的", "zh") and dangling_end("跑鞋以及", "zh")
    assert not dangling_end("Shoes!") and not dangling_end("Band") and not dangling_end("现在", "zh")
    assert not dangling_end("柔和", "zh") and not dangling_end("")


# -- fit: properties ----------------------------------------------------------------------

PIECES = (
    list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789")
    + list("跑鞋轻盈透气舒适网面的和与在，。！？、；：")
    + [" ", " ", " ", "  ", "\n", "\t", ",", ".", "!", "?", ";", ":", "-", " - ", " — ", "(", ")", "'", '"', "&", "#"]
    + [" and ", " the ", " for ", " of ", " your ", FAMILY, FLAG, "\U0001f44d\U0001f3fd", "\U0001f525", "e\u0301", "x\u0324"]
)
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=80).map("".join),
    st.text(max_size=60),
)
LATIN_WORDS = [
    "Trail", "running", "shoe", "breathable", "mesh", "and", "the", "for", "grippy", "outsole,", "fast.", "x",
    "—", "-", "of", "your", "Northpeak!", "(new)", "Café", "e\u0301",
]
latin_texts = st.lists(st.sampled_from(LATIN_WORDS), min_size=1, max_size=25).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(1, 120), st.sampled_from(["chars", "google"]), st.sampled_from(["en", "zh"]))
def test_fit_never_exceeds_the_limit_and_cuts_cleanly(text, limit, counting, language):
    out = fit(text, limit, counting, language)
    assert text_length(out, counting) <= limit
    if text_length(text, counting) <= limit:
        assert out == text
        return
    norm = normalised(text)
    assert norm.startswith(out)
    assert graphemes(out) == graphemes(norm)[: len(graphemes(out))]  # no cluster split
    if out and out != norm:
        assert not dangling_end(out, language)
        assert any(unicodedata.category(c)[0] in "LN" for c in out)
        # never inside a Latin-script word: what the cut left of the word is punctuation only
        rest = norm[len(out) :]
        stop = next((i for i, c in enumerate(rest) if c.isspace() or breaks(c)), len(rest))
        word_rest = rest[:stop]
        if not breaks(out[-1]):
            assert not any(c.isalnum() for c in word_rest)


@settings(max_examples=300, deadline=None)
@given(latin_texts, st.integers(1, 120), st.sampled_from(["chars", "google"]))
def test_fit_keeps_whole_words(text, limit, counting):
    out = fit(text, limit, counting)
    assert text_length(out, counting) <= limit
    if out == text or not out:
        return
    assert not dangling_end(out) and out[-1] not in ",:;-—"
    words, source = out.split(), normalised(text).split()
    assert words[:-1] == source[: len(words) - 1]
    last = source[len(words) - 1]
    assert last.startswith(words[-1]) and not any(c.isalnum() for c in last[len(words[-1]) :])
