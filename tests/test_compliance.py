import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creative.generate.compliance import Rules, Violation, check, check_fields, load_rules, repair

DEFAULTS = load_rules()


def rules_hit(text: str, rules: Rules = DEFAULTS) -> list[tuple[str, str]]:
    return [(v.rule, v.term) for v in check(text, rules)]


@pytest.mark.parametrize(
    "text, rule, term",
    [
        ("The best running shoe", "superlatives", "best"),
        ("We're #1 for trail shoes", "superlatives", "#1"),
        ("The number-one choice", "superlatives", "number one"),
        ("The WORLD’S BEST coffee", "superlatives", "world's best"),
        ("An unbeatable price", "superlatives", "unbeatable"),
        ("Our bestseller is back", "superlatives", "bestseller"),
        ("最舒适的跑鞋", "superlatives", "最"),
        ("销量第一", "superlatives", "销量第一"),
        ("顶级面料", "superlatives", "顶级"),
        ("国家级品质", "superlatives", "国家级"),
        ("Comfort guaranteed", "guarantees", "guaranteed"),
        ("Shop risk free", "guarantees", "risk-free"),
        ("质量保证", "guarantees", "保证"),
        ("100%有效", "guarantees", "100%有效"),
        ("Cures back pain", "health_claims", "cures"),
        ("Clinically proven to heal", "health_claims", "clinically proven"),
        ("A gentle detox tea", "health_claims", "detox"),
        ("有效治疗失眠", "health_claims", "治疗"),
        ("天然防癌", "health_claims", "防癌"),
        ("Damn good shoes", "profanity", "damn"),
        ("卧槽，太轻了", "profanity", "卧槽"),
    ],
)
def test_default_rules_catch_english_and_chinese(text, rule, term):
    assert (rule, term) in rules_hit(text)


def test_latin_terms_match_whole_words_only():
    assert rules_hit("Best!") == [("superlatives", "best")]
    assert rules_hit("best-selling trail shoe")[0] == ("superlatives", "best-selling")  # the longest term wins
    for clean in ("Bestow a gift", "A #10 size", "Hello there", "A classic shoe", "Perfection takes time", "Healthy snacks"):
        assert check(clean, DEFAULTS) == [], clean


def test_allowed_phrases_are_not_violations():
    assert check("Best before 2027", DEFAULTS) == []
    assert check("Tasty dog treats", DEFAULTS) == []
    assert check("最近上新，第一次穿就爱上", DEFAULTS) == []
    assert rules_hit("最近最好") == [("superlatives", "最好")]  # an allowed phrase covers only itself


def test_violations_name_the_field_and_the_text_that_matched():
    (v,) = check("The BEST shoe", DEFAULTS, field="headline")
    assert v == Violation("superlatives", "best", "headline", '"BEST"')


def write(tmp_path, text: str):
    path = tmp_path / "brand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_brand_file_extends_the_defaults(tmp_path):
    brand = """
        competitors = ["Acme", "阿克米"]
        required = ["Northpeak"]
        forbidden_brand_terms = ["cheap"]
        superlatives = ["BEST", "peerless"]
    """
    rules = load_rules(write(tmp_path, brand))
    assert rules.competitors == ("Acme", "阿克米") and rules.required == ("Northpeak",)
    assert rules.superlatives.count("best") == 1 and "peerless" in rules.superlatives  # merged, not doubled
    assert rules.health_claims == DEFAULTS.health_claims
    # "cheap" is a whole word, not "Cheaper"; the missing required term comes last
    assert [v.rule for v in check("Cheaper than ACME's shoes", rules)] == ["competitors", "required"]
    found = check("Northpeak: cheap, peerless, like 阿克米", rules)
    assert [v.rule for v in found] == ["forbidden_brand_terms", "superlatives", "competitors"]


def test_brand_file_can_allow_a_default_term(tmp_path):
    rules = load_rules(write(tmp_path, 'allow = ["clinically proven"]\n'))
    assert check("Clinically proven comfort", rules) == []


def test_bad_brand_files_are_named(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ValueError, match="nope.toml not found"):
        load_rules(missing)
    with pytest.raises(ValueError, match="brand.toml is not valid TOML"):
        load_rules(write(tmp_path, "competitors = [unclosed"))
    with pytest.raises(ValueError, match="brand.toml: unknown key.*competitor;"):
        load_rules(write(tmp_path, 'competitor = ["Acme"]'))
    with pytest.raises(ValueError, match="required must be a list of non-empty strings"):
        load_rules(write(tmp_path, 'required = "Northpeak"'))
    with pytest.raises(ValueError, match="drop names unknown categories spelling"):
        load_rules(write(tmp_path, 'drop = ["spelling"]'))


def test_required_terms_count_across_fields(tmp_path):
    rules = load_rules(write(tmp_path, 'required = ["Northpeak", "T&Cs apply"]'))
    ad = {"headline": "Northpeak trail shoe", "description": "Light and grippy. T&Cs apply."}
    assert check_fields(ad, rules, "en") == []
    ad["description"] = "Light and grippy."
    assert check_fields(ad, rules, "en") == [Violation("required", "T&Cs apply", "", "missing from every field")]
    found = check_fields({"headline": "The best shoe", "description": "Perfect fit. Northpeak. T&Cs apply"}, rules, "en")
    assert [(v.field, v.term) for v in found] == [("headline", "best"), ("description", "perfect")]


# -- repair -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, repaired",
    [
        ("The best running shoe", "The running shoe"),
        ("最舒适的跑鞋", "舒适的跑鞋"),
        ("最好的跑鞋", "跑鞋"),
        ("质量最好的跑鞋，顶级面料", "质量跑鞋，面料"),
        ("The very best shoes", "The shoes"),
        ("An unbeatable price", "A price"),
        ("Comfort, guaranteed.", "Comfort."),
        ("100% guaranteed comfort", "Comfort"),
        ("World's best coffee, roasted daily", "Coffee, roasted daily"),
        ("Best-in-class grip on wet rock", "Grip on wet rock"),
        ("Light — perfect — and fast", "Light — and fast"),
        ("Fresh, best before May", "Fresh, best before May"),  # nothing to repair
    ],
)
def test_repair_removes_the_term_and_tidies(text, repaired):
    assert repair(text, check(text, DEFAULTS)) == repaired
    assert check(repaired, DEFAULTS) == []


@pytest.mark.parametrize("text", ["Cures back pain", "有效治疗失眠", "Damn good shoes", "The best!", "Be the best", "最"])
def test_repair_gives_up_where_the_claim_is_the_message(text):
    assert repair(text, check(text, DEFAULTS)) is None


def test_repair_gives_up_on_competitors_and_missing_required_terms(tmp_path):
    rules = load_rules(write(tmp_path, 'competitors = ["Acme"]\nrequired = ["Northpeak"]\nforbidden_brand_terms = ["cheap"]'))
    assert repair("Lighter than Acme", check("Lighter than Acme", rules), rules=rules) is None
    assert repair("A light shoe", check("A light shoe", rules), rules=rules) is None
    text = "Northpeak: the cheap trail shoe"
    assert repair(text, check(text, rules), rules=rules) == "Northpeak: the trail shoe"
    # without `rules`, the violated terms themselves are re-checked on top of the defaults
    assert repair(text, [Violation("forbidden_brand_terms", "cheap")]) == "Northpeak: the trail shoe"
    strict = load_rules(write(tmp_path, 'forbidden_brand_terms = ["cheap"]\ndrop = ["forbidden_brand_terms"]'))
    assert repair(text, check(text, strict), rules=strict) is None


def test_repair_rechecks_what_a_removal_brings_together():
    assert repair("第最一", check("第最一", DEFAULTS)) is None  # "第一" appears, then nothing is left
    assert repair("跑鞋第最一款", check("跑鞋第最一款", DEFAULTS)) == "跑鞋款"


WORDS = [
    "The", "the", "best", "running", "shoe", "shoes", "very", "ever", "an", "a", "unbeatable", "price",
    "perfect", "fit", "bestow", "#1", "guaranteed", "100%", "risk-free", "cure", "damn", "world's",
    "Northpeak", "Acme", "cheap", "and", "for", ",", ".", "!", "—", "-",
    "最", "舒适", "的", "跑鞋", "第一", "一", "第", "顶级", "面料", "保证", "治疗", "，", "。", "最近",
]
SEPARATORS = st.sampled_from([" ", " ", "", ", "])


@st.composite
def sentences(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    return "".join(w + draw(SEPARATORS) for w in words)


BRAND = DEFAULTS.extended({"competitors": ["Acme"], "required": ["Northpeak"], "forbidden_brand_terms": ["cheap"]})


@settings(max_examples=300, deadline=None)
@given(sentences(), st.sampled_from(["en", "zh"]), st.booleans())
def test_a_repaired_text_always_checks_clean(text, language, brand):
    rules = BRAND if brand else DEFAULTS
    fixed = repair(text, check(text, rules, language), language, rules=rules)
    assert fixed is None or check(fixed, rules, language) == []
    fixed = repair(text, check(text, rules, language), language)  # as the pipeline calls it, without `rules`
    assert fixed is None or check(fixed, DEFAULTS, language) == []
