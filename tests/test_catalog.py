"""Catalog reading: CSV and JSONL, unknown columns kept, bad rows reported without stopping."""

import json

import pytest

from conftest import draw_product
from creative.inputs.catalog import CatalogError, read_catalog


def test_csv_rows_bad_rows_and_unknown_columns(tmp_path):
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.csv").write_text(
        "sku,images,title,price,platforms,attributes,season\n"
        "A1,a.png,Red mug,12.5,meta|banner,colour=red;material=ceramic,winter\n"
        "A1,a.png,Duplicate,,,,\n"
        ",a.png,No sku,,,,\n"
        "B2,missing.png,Missing image,,,,\n"
        "C3,a.png,,,,,\n"
        "D4,a.png,Bad price,abc,,,\n"
        "E5,a.png,Bad attrs,,,novalue,\n",
        encoding="utf-8",
    )
    rows = read_catalog(tmp_path / "cat.csv")
    good = rows[0].product
    assert good.price == 12.5 and good.platforms == ["meta", "banner"]
    assert good.attributes == {"colour": "red", "material": "ceramic", "season": "winter"}
    errors = {r.sku or f"line{r.line}": r.error for r in rows[1:]}
    assert "duplicate" in errors["A1"]
    assert "sku: missing" in errors["line4"]
    assert "file not found" in errors["B2"]
    assert "title" in errors["C3"]
    assert "price" in errors["D4"]
    assert "key=value" in errors["E5"]
    assert [r.line for r in rows] == [2, 3, 4, 5, 6, 7, 8]


def test_jsonl_with_lists_and_objects(tmp_path):
    draw_product(tmp_path / "a.png")
    lines = [
        {"sku": "J1", "images": ["a.png", "a.png"], "title": "保温杯", "language": "zh", "attributes": {"容量": "500毫升"}},
        "not json",
        [1, 2],
    ]
    (tmp_path / "cat.jsonl").write_text("\n".join(json.dumps(x) if not isinstance(x, str) else x for x in lines) + "\n", encoding="utf-8")
    rows = read_catalog(tmp_path / "cat.jsonl")
    assert len(rows[0].product.images) == 2 and rows[0].product.attributes == {"容量": "500毫升"}
    assert "invalid JSON" in rows[1].error and "JSON object" in rows[2].error


def test_images_dir_override(tmp_path):
    (tmp_path / "pics").mkdir()
    draw_product(tmp_path / "pics" / "a.png")
    (tmp_path / "cat.csv").write_text("sku,images,title\nA,a.png,Mug\n")
    assert read_catalog(tmp_path / "cat.csv", images_dir=tmp_path / "pics")[0].product is not None


@pytest.mark.parametrize("name, content, message", [("none.csv", None, "not found"), ("x.xlsx", "x", "unsupported"), ("h.csv", "a,b\n1,2\n", "title")])
def test_unreadable_catalogs(tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_text(content)
    with pytest.raises(CatalogError, match=message):
        read_catalog(tmp_path / name)


def test_a_photo_too_small_to_be_a_product_photo_is_skipped_with_its_size(tmp_path):
    from PIL import Image

    draw_product(tmp_path / "a.png")
    Image.new("RGB", (1, 1), "red").save(tmp_path / "pixel.png")
    (tmp_path / "cat.csv").write_text("sku,images,title\nA,a.png|pixel.png,Mug\nB,pixel.png,Bowl\n")
    a, b = read_catalog(tmp_path / "cat.csv")
    assert a.product is not None and a.skipped == [("pixel.png", "1x1 px is too small for a product photo (at least 32 px a side)")]
    assert b.product is None and "1x1 px is too small" in b.error
