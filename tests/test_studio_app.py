"""The studio's inputs and safety without a browser: uploads, product and brand kit forms,
errors as messages, the password for --auth, and safe serving defaults."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

gr = pytest.importorskip("gradio")

from creative.ui import app  # noqa: E402
from creative.cli import build_parser, studio_auth  # noqa: E402
from creative.compose import BrandKit, load_brand_kit  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHOE = str(REPO / "samples" / "images" / "running_shoe_side.jpg")
LOGO = str(REPO / "samples" / "brand" / "logo.png")


def form(**changes):
    values = dict(photos=[SHOE], title="Trail shoe", description="", attributes="colour = navy\n\nweight=265 g", brand="", price="89.95", currency="eur", audience="", tone="friendly", language="en", platforms=["meta"], sku="")
    return values | changes


def test_uploads_that_are_not_images_are_refused_with_a_reason(tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    good, refused = app.check_photos([SHOE, str(fake)])
    assert good == [SHOE]
    assert len(refused) == 1 and refused[0].startswith("photo.jpg was refused: ")
    with pytest.raises(ValueError, match="photo.jpg was refused"):
        app.make_product(**form(photos=[SHOE, str(fake)]))


def test_the_product_form_becomes_a_product_or_a_clear_error():
    product = app.make_product(**form())
    assert product.attributes == {"colour": "navy", "weight": "265 g"}
    assert product.price == 89.95 and product.currency == "EUR"
    assert app.make_product(**form(price="")).price is None
    prices = [("89,95", "EUR"), ("1,299.00", "USD"), ("1,299", "USD"), (" 12 ", ""), ("1.299,00", "EUR"), ("€1.299,00", "")]
    assert [(p.price, p.currency) for p in (app.make_product(**form(price=t, currency=c)) for t, c in prices)] == [
        (89.95, "EUR"), (1299.0, "USD"), (1299.0, "USD"), (12.0, ""), (1299.0, "EUR"), (1299.0, "EUR")]
    # the bugs of #13: '1.299,00' EUR was read as 1.299 (€1.30 on the banner); '1,600' as 1600 whatever the currency
    with pytest.raises(ValueError, match="ambiguous"):
        app.make_product(**form(price="1,600", currency=""))
    with pytest.raises(ValueError, match="ambiguous"):
        app.make_product(**form(price="1,600", currency="EUR"))
    for changes, message in (
        ({"photos": []}, "at least one product photo"),
        ({"title": "   "}, "title"),
        ({"price": "cheap"}, "price"),
        ({"attributes": "no equals sign"}, "key=value"),
        ({"currency": "euros"}, "currency"),
    ):
        with pytest.raises(ValueError, match=message):
            app.make_product(**form(**changes))


def test_errors_reach_the_user_as_one_message_never_a_stack_trace(caplog):
    @app.friendly
    def bad_input():
        app.make_product(**form(currency="euros"))

    @app.friendly
    def bug():
        raise KeyError("boom")

    with pytest.raises(gr.Error) as e:
        bad_input()
    assert "currency" in e.value.message and "Traceback" not in e.value.message
    with pytest.raises(gr.Error) as e:
        bug()
    assert e.value.message.startswith("Something went wrong (KeyError") and "log" in e.value.message
    assert "Traceback" in caplog.text  # the details go to the log
    assert "progress" in inspect.signature(app.friendly(lambda progress=gr.Progress(): None)).parameters  # gradio still sees it


def test_a_brand_kit_saves_and_loads_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATIVE_HOME", str(tmp_path))
    assert app.make_brand_kit("", None, BrandKit.primary, BrandKit.secondary, BrandKit.text, None) is None  # nothing set
    kit = app.make_brand_kit('Acme "Outdoor"', LOGO, "#0f4c5c", "#e36414", "#1b1b1b", None)
    from creative.compose import save_brand_kit

    path = save_brand_kit(kit, app.kit_folder(kit.name))
    assert app.saved_kits() == ["Acme-Outdoor"]
    again = load_brand_kit(path)
    assert (again.name, again.primary, again.secondary, again.text) == ('Acme "Outdoor"', "#0f4c5c", "#e36414", "#1b1b1b")
    assert Path(again.logo).read_bytes() == Path(LOGO).read_bytes() and Path(again.logo).parent == path.parent
    with pytest.raises(ValueError, match="name"):
        app.kit_folder("../..")
    with pytest.raises(ValueError, match="font"):
        app.make_brand_kit("x", None, "#000000", "#ffffff", "#000000", LOGO)
    with pytest.raises(ValueError, match="logo"):
        app.make_brand_kit("x", str(path), "#000000", "#ffffff", "#000000", None)


def test_auth_password_never_comes_from_the_command_line():
    assert studio_auth(None) is None
    assert studio_auth("anna", {"CREATIVE_STUDIO_PASSWORD": "correct horse"}) == ("anna", "correct horse")
    assert studio_auth("anna", {}, prompt=lambda _: "typed at the prompt") == ("anna", "typed at the prompt")
    with pytest.raises(ValueError, match="8 characters"):
        studio_auth("anna", {"CREATIVE_STUDIO_PASSWORD": "short"})


def test_the_studio_is_private_by_default(tiny_studio, monkeypatch):
    args = build_parser().parse_args(["studio"])
    assert (args.host, args.port, args.share, args.auth, args.profile) == ("127.0.0.1", 7860, False, None, "auto")
    calls = {}
    monkeypatch.setattr(gr.Blocks, "queue", lambda self, **kw: calls.setdefault("queue", []).append(kw) or self)
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: calls.setdefault("launch", []).append(kw))
    app.launch(tiny_studio)
    launch, queue = calls["launch"][-1], calls["queue"][-1]
    assert (launch["server_name"], launch["share"], launch["auth"]) == ("127.0.0.1", False, None)
    assert launch["max_file_size"] == "25mb"
    assert queue["default_concurrency_limit"] == 1 and queue["max_size"] > 0


def test_studio_help_does_not_import_gradio_or_torch():
    code = "import sys; from creative.cli import main\ntry: main(['studio', '--help'])\nexcept SystemExit: pass\nprint(sorted(m for m in ('gradio', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")


def test_the_copy_table_counts_each_field_against_its_limit_and_says_what_was_repaired():
    from types import SimpleNamespace

    from creative.generate.text import Candidate

    kept = Candidate({"primary_text": "Light and fast.", "headline": "Trail shoe", "description": "Grippy", "cta": "Shop now"}, "lm", repairs=["headline: shortened to a clean end within the 40-character limit"])
    dropped = Candidate({"headline": "The best shoe"}, "lm", violations=[{"rule": "superlatives", "term": "best", "field": "headline", "detail": '"best"'}])
    bench = SimpleNamespace(result=SimpleNamespace(copy={"meta": [kept]}, dropped={"meta": [dropped]}), locked_copy={("meta", kept.text)})
    rows = app.copy_table(bench, "meta")
    assert [r[1] for r in rows[:4]] == ["primary_text", "headline", "description", "cta"]
    assert [r[3] for r in rows[:4]] == ["15/125", "10/40", "6/30", "8/25"]  # Meta has no CTA field: the button-label limit
    assert rows[0][5] == "" and rows[1][5] == "shortened to a clean end within the 40-character limit"
    assert rows[0][6] == "locked"
    assert rows[4][0] == "dropped" and rows[4][5] == 'superlatives: "best"'
    assert app.copy_table(bench, "google_rsa") == []
