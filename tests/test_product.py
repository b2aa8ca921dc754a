from pathlib import Path

import pytest
from PIL import Image
from pydantic import ValidationError

from creative.inputs.product import Product, clean_text


def errors(**kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        Product(**kwargs)
    return str(info.value)


def test_minimal_product(product_image):
    p = Product(images=[product_image], title="  Trail   shoe ")
    assert p.title == "Trail shoe" and p.language == "en" and p.tone == "friendly" and p.platforms == ["generic"]
    assert isinstance(p.images[0], Path)


def test_accepts_path_bytes_and_pil(product_image):
    p = Product(images=[str(product_image), product_image.read_bytes(), Image.new("RGB", (8, 8))], title="x")
    assert [im.size for im in p.load_images()] == [(256, 256), (256, 256), (8, 8)]


def test_errors_name_the_field(product_image, tmp_path):
    assert "title" in errors(images=[product_image], title="")
    assert "title" in errors(images=[product_image], title="x" * 201)
    assert "images" in errors(images=[], title="x")
    assert "file not found" in errors(images=[tmp_path / "missing.jpg"], title="x")
    assert "expected a file path, bytes or a PIL image" in errors(images=[42], title="x")
    assert "unknown tone 'shouty'" in errors(images=[product_image], title="x", tone="shouty")
    assert "unknown platform(s) tiktok" in errors(images=[product_image], title="x", platforms=["meta", "tiktok"])
    assert "language" in errors(images=[product_image], title="x", language="fr")
    assert "price" in errors(images=[product_image], title="x", price=-1)
    assert "description" in errors(images=[product_image], title="x", description="y" * 5001)
    assert "extra" in errors(images=[product_image], title="x", colour="red").lower()


def test_hostile_text_is_cleaned(product_image):
    p = Product(
        images=[product_image],
        title="Mug\x00\u202eevil\u200b\r\nnext",
        description="Line one.\x07\n\n  Line two.  ",
        attributes={" colour ": " red\x1b[31m ", "empty": "  "},
    )
    assert p.title == "Mug evil next"
    assert p.description == "Line one.\nLine two."
    assert p.attributes == {"colour": "red [31m"}
    assert clean_text("cafe\u0301") == "caf\u00e9"  # NFC: one code point, as platforms count it


def test_a_title_of_only_control_characters_is_empty(product_image):
    assert "title" in errors(images=[product_image], title="\x00\x01\u200b")


def test_duplicate_platforms_collapse(product_image):
    assert Product(images=[product_image], title="x", platforms=["meta", "meta", "banner"]).platforms == ["meta", "banner"]


def test_facts_text_is_short_pieces_for_clip(product_image):
    p = Product(
        images=[product_image],
        title="保温杯",
        brand="Kilnhouse",
        attributes={"容量": "500毫升"},
        description="双层不锈钢。保温十二小时。",
        language="zh",
    )
    assert p.facts_text() == ["保温杯", "Kilnhouse, 容量: 500毫升", "双层不锈钢。"]


@pytest.mark.parametrize("title", ["🎒🔥✨", "!!!???"])
def test_a_title_with_no_letters_or_digits_names_nothing(product_image, title):
    assert "no letters or digits" in errors(images=[product_image], title=title)
