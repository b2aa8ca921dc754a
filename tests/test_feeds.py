"""Real shop catalogs in (#13): each platform's export, laid out as its documentation shows, with
our own product data; photos served by URL from 127.0.0.1. Each must yield the same products as
the equivalent catalog in our own columns."""

import csv
import io
import os

import pytest

from conftest import draw_product
from creative.inputs.catalog import CatalogError, CatalogOptions, read_catalog
from creative.inputs.feeds import read_feed

SHOE_BODY = "<p>Lightweight road running shoe with a cushioned foam midsole.</p><ul><li>Engineered mesh upper</li><li>8 mm drop</li></ul>"
SHOE_TEXT = "Lightweight road running shoe with a cushioned foam midsole.\nEngineered mesh upper.\n8 mm drop."
SHOE = "Loftstep Pace Runner road running shoe"
MUG = "Kilnhouse stoneware mug 350 ml"
BOTTLE = "Northpeak Summit insulated water bottle 750 ml"
MUGS = "Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs"

# Shopify's product CSV (help.shopify.com .../using-csv): one row per variant, extra image rows
# carry only Handle, Image Src and Image Position.
SHOPIFY = """\
Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,Image Alt Text,Gift Card,SEO Title,SEO Description,Variant Image,Variant Weight Unit,Variant Tax Code,Cost per item,Status
pace-runner,{shoe},"{body}",Loftstep,Apparel & Accessories > Shoes,Running shoes,"running, road",TRUE,Size,UK 8,Colour,Cobalt blue,,,LS-PACE-8,265,shopify,12,deny,manual,89.95,,TRUE,TRUE,,{u}/shoe-side.png,1,Side view,FALSE,,,,g,,40.00,active
pace-runner,,,,,,,,,UK 9,,Cobalt blue,,,LS-PACE-9,270,shopify,7,deny,manual,89.95,,TRUE,TRUE,,{u}/shoe-pair.png,2,A pair,,,,,g,,40.00,
mug-350,{mug},<p>Hand-thrown stoneware mug with a celadon glaze.</p>,Kilnhouse,{mugs},Mugs,"kitchen, gift",TRUE,Title,Default Title,,,,,KH-MUG-350,420,shopify,30,deny,manual,24.00,30.00,TRUE,TRUE,,{u}/mug.png,1,,FALSE,,,,g,,8.00,active
summit-750,{bottle},<p>Keeps drinks cold for 24 hours.</p>,Northpeak,,Bottles,,TRUE,Title,Default Title,,,,,NP-SUM-750,390,shopify,50,deny,manual,34.00,,TRUE,TRUE,,{u}/bottle-b.png,2,,FALSE,,,,g,,12.00,active
summit-750,,,,,,,,,,,,,,,,,,,,,,,,,{u}/bottle-a.png,1,,,,,,,,,
summit-750,,,,,,,,,,,,,,,,,,,,,,,,,{u}/bottle-c.png,3,,,,,,,,,
"""
# Shopify's current export names some columns differently.
SHOPIFY_RENAMED = {"Handle": "URL handle", "Body (HTML)": "Description", "Variant SKU": "SKU", "Variant Price": "Price",
                   "Variant Compare At Price": "Compare-at price", "Image Src": "Product image URL", "Option1 Name": "Option1 name",
                   "Option1 Value": "Option1 value", "Option2 Name": "Option2 name", "Option2 Value": "Option2 value"}

# Google Merchant Center product data specification; TSV with the attribute names as header.
GOOGLE_TSV = (
    "id\ttitle\tdescription\tlink\timage_link\tadditional_image_link\tavailability\tprice\tsale_price\tbrand\tcondition\tcolor\tmaterial\tsize\tgender\tage_group\tproduct_type\tgoogle_product_category\titem_group_id\tgtin\tshipping\n"
    "LS-PACE-8\t{shoe}\t{text}\thttps://shop.example/pace-runner\t{u}/shoe-side.png\t{u}/shoe-pair.png\tin_stock\t89.95 GBP\t\tLoftstep\tnew\tCobalt blue\tEngineered mesh\tUK 8\tunisex\tadult\tShoes > Running\tApparel & Accessories > Shoes\tpace-runner\t\tGB:::0.00 GBP\n"
    "KH-MUG-350\t{mug}\tHand-thrown stoneware mug with a celadon glaze.\thttps://shop.example/mug-350\t{u}/mug.png\t\tin_stock\t30.00 GBP\t24.00 GBP\tKilnhouse\tnew\tCeladon\tStoneware\t\t\t\t\t{mugs}\t\t\t\n"
    "NP-SUM-750\t{bottle}\tKeeps drinks cold for 24 hours.\thttps://shop.example/summit-750\t{u}/bottle-a.png\t{u}/bottle-b.png,{u}/bottle-c.png\tin_stock\t34.00 GBP\t\tNorthpeak\tnew\t\t\t\t\t\t\t\t\t\t\n"
)

GOOGLE_RSS = """<?xml version="1.0"?>
<rss xmlns:g="http://base.google.com/ns/1.0" version="2.0">
<channel>
<title>Our shop</title><link>https://shop.example</link><description>Our products</description>
<item>
<g:id>LS-PACE-8</g:id><title>{shoe}</title><description>{text}</description><link>https://shop.example/pace-runner</link>
<g:image_link>{u}/shoe-side.png</g:image_link><g:additional_image_link>{u}/shoe-pair.png</g:additional_image_link>
<g:availability>in_stock</g:availability><g:price>89.95 GBP</g:price><g:brand>Loftstep</g:brand><g:condition>new</g:condition>
<g:color>Cobalt blue</g:color><g:material>Engineered mesh</g:material><g:size>UK 8</g:size><g:gender>unisex</g:gender>
<g:age_group>adult</g:age_group><g:product_type>Shoes &gt; Running</g:product_type>
<g:google_product_category>Apparel &amp; Accessories &gt; Shoes</g:google_product_category><g:item_group_id>pace-runner</g:item_group_id>
<g:shipping><g:country>GB</g:country><g:price>0.00 GBP</g:price></g:shipping>
</item>
<item>
<g:id>KH-MUG-350</g:id><g:title>{mug}</g:title><g:description>Hand-thrown stoneware mug with a celadon glaze.</g:description>
<g:link>https://shop.example/mug-350</g:link><g:image_link>{u}/mug.png</g:image_link><g:price>30.00 GBP</g:price>
<g:sale_price>24.00 GBP</g:sale_price><g:brand>Kilnhouse</g:brand><g:color>Celadon</g:color><g:material>Stoneware</g:material>
<g:google_product_category>{mugs_xml}</g:google_product_category>
</item>
<item>
<g:id>NP-SUM-750</g:id><title>{bottle}</title><description>Keeps drinks cold for 24 hours.</description>
<g:image_link>{u}/bottle-a.png</g:image_link><g:additional_image_link>{u}/bottle-b.png</g:additional_image_link>
<g:additional_image_link>{u}/bottle-c.png</g:additional_image_link><g:price>34.00 GBP</g:price><g:brand>Northpeak</g:brand>
</item>
</channel>
</rss>
"""

GOOGLE_ATOM = """<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
<title>Our shop</title><link href="https://shop.example" rel="alternate" type="text/html"/>
<updated>2025-01-01T00:00:00Z</updated><author><name>Us</name></author><id>tag:shop.example,2025:/products</id>
<entry>
<title>{shoe}</title><id>LS-PACE-8</id><link href="https://shop.example/pace-runner"/><summary>{text}</summary>
<updated>2025-01-01T00:00:00Z</updated>
<g:image_link>{u}/shoe-side.png</g:image_link><g:additional_image_link>{u}/shoe-pair.png</g:additional_image_link>
<g:price>89.95 GBP</g:price><g:brand>Loftstep</g:brand><g:condition>new</g:condition><g:color>Cobalt blue</g:color>
<g:material>Engineered mesh</g:material><g:size>UK 8</g:size><g:gender>unisex</g:gender><g:age_group>adult</g:age_group>
<g:product_type>Shoes &gt; Running</g:product_type><g:google_product_category>Apparel &amp; Accessories &gt; Shoes</g:google_product_category>
<g:item_group_id>pace-runner</g:item_group_id>
</entry>
<entry>
<title>{mug}</title><id>tag:shop.example,2025:/mug</id><g:id>KH-MUG-350</g:id><link href="https://shop.example/mug-350"/>
<summary>Hand-thrown stoneware mug with a celadon glaze.</summary><updated>2025-01-01T00:00:00Z</updated>
<g:image_link>{u}/mug.png</g:image_link><g:price>30.00 GBP</g:price><g:sale_price>24.00 GBP</g:sale_price><g:brand>Kilnhouse</g:brand>
<g:color>Celadon</g:color><g:material>Stoneware</g:material><g:google_product_category>{mugs_xml}</g:google_product_category>
</entry>
<entry>
<title>{bottle}</title><id>NP-SUM-750</id><link href="https://shop.example/summit-750"/><summary>Keeps drinks cold for 24 hours.</summary>
<updated>2025-01-01T00:00:00Z</updated><g:image_link>{u}/bottle-a.png</g:image_link>
<g:additional_image_link>{u}/bottle-b.png</g:additional_image_link><g:additional_image_link>{u}/bottle-c.png</g:additional_image_link>
<g:price>34.00 GBP</g:price><g:brand>Northpeak</g:brand>
</entry>
</feed>
"""

# WooCommerce's product CSV exporter: a variable product, its variations after it (Parent:
# id:NNN), list cells comma-separated, descriptions in HTML with newlines written as '\n'.
WOO = """\
ID,Type,SKU,Name,Published,Is featured?,Visibility in catalog,Short description,Description,Date sale price starts,Date sale price ends,Tax status,Tax class,In stock?,Stock,Backorders allowed?,Sold individually?,Weight (kg),Length (cm),Width (cm),Height (cm),Allow customer reviews?,Purchase note,Sale price,Regular price,Categories,Tags,Shipping class,Images,Download limit,Download expiry days,Parent,Grouped products,Upsells,Cross-sells,External URL,Button text,Position,Brands,Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global,Attribute 2 name,Attribute 2 value(s),Attribute 2 visible,Attribute 2 global
101,variable,LS-PACE,{shoe},1,0,visible,<p>Lightweight road running shoe with a cushioned foam midsole.</p>,<ul>\\n<li>Engineered mesh upper</li>\\n<li>8 mm drop</li>\\n</ul>,,,taxable,,1,,0,0,0.265,,,,1,,,,Shoes > Running,"running, road",,"{u}/shoe-side.png, {u}/shoe-pair.png",,,,,,,,,0,Loftstep,Size,"UK 8, UK 9",1,1,Colour,Cobalt blue,1,1
102,variation,LS-PACE-8,{shoe} - UK 8,1,0,visible,,,,,taxable,parent,1,12,0,0,,,,,0,,,89.95,,,,,,,id:101,,,,,,1,,Size,UK 8,,1,Colour,Cobalt blue,,1
103,variation,LS-PACE-9,{shoe} - UK 9,1,0,visible,,,,,taxable,parent,1,7,0,0,,,,,0,,,89.95,,,,,,,id:101,,,,,,2,,Size,UK 9,,1,Colour,Cobalt blue,,1
104,simple,KH-MUG-350,{mug},1,0,visible,<p>Hand-thrown stoneware mug with a celadon glaze.</p>,,,,taxable,,1,30,0,0,,,,,1,,24.00,30.00,Kitchen > Mugs,"kitchen, gift",,{u}/mug.png,,,,,,,,,0,Kilnhouse,,,,,,,,
105,simple,NP-SUM-750,{bottle},1,0,visible,Keeps drinks cold for 24 hours.,,,,taxable,,1,50,0,0,0.39,,,,1,,,34.00,Bottles,,,"{u}/bottle-a.png, {u}/bottle-b.png, {u}/bottle-c.png",,,,,,,,,0,Northpeak,,,,,,,,
"""

PHOTOS = {"shoe-side": (30, 60, 200), "shoe-pair": (30, 90, 220), "mug": (60, 160, 140), "bottle-a": (30, 120, 60), "bottle-b": (40, 130, 70), "bottle-c": (50, 140, 80)}


def expected(u: str, layout: str, variants: str = "attributes") -> list[dict]:
    """The products each layout holds, in our own catalog's columns."""
    img = lambda *names: "|".join(f"{u}/{n}.png" for n in names)  # noqa: E731
    mug_text = "Hand-thrown stoneware mug with a celadon glaze."
    bottle_text = "Keeps drinks cold for 24 hours."
    common = {"currency": "GBP", "language": "en"}
    if layout == "shopify":
        shoe = {"title": SHOE, "description": SHOE_TEXT, "brand": "Loftstep", "price": "89.95", "images": img("shoe-side", "shoe-pair")}
        shoe_attrs = {"category": "Apparel & Accessories > Shoes", "type": "Running shoes", "tags": "running, road"}
        if variants == "skus":
            shoes = [
                {**shoe, "sku": f"LS-PACE-{n}", "title": f"{SHOE} - UK {n} / Cobalt blue", "attributes": {"Size": f"UK {n}", "Colour": "Cobalt blue", **shoe_attrs}}
                for n in (8, 9)
            ]
        else:
            shoes = [{**shoe, "sku": "pace-runner", "attributes": {"Size": "UK 8, UK 9", "Colour": "Cobalt blue", **shoe_attrs}}]
        return [
            *({**s, **common} for s in shoes),
            {**common, "sku": "KH-MUG-350" if variants == "skus" else "mug-350", "title": MUG, "description": mug_text, "brand": "Kilnhouse", "price": "30.00",
             "sale_price": "24.00", "images": img("mug"), "attributes": {"category": MUGS, "type": "Mugs", "tags": "kitchen, gift"}},
            {**common, "sku": "NP-SUM-750" if variants == "skus" else "summit-750", "title": BOTTLE, "description": bottle_text, "brand": "Northpeak", "price": "34.00",
             "images": img("bottle-a", "bottle-b", "bottle-c"), "attributes": {"type": "Bottles"}},
        ]
    if layout == "google":
        return [
            {**common, "sku": "LS-PACE-8", "title": SHOE, "description": SHOE_TEXT, "brand": "Loftstep", "price": "89.95", "images": img("shoe-side", "shoe-pair"),
             "attributes": {"color": "Cobalt blue", "material": "Engineered mesh", "size": "UK 8", "gender": "unisex", "age_group": "adult",
                            "product_type": "Shoes > Running", "google_product_category": "Apparel & Accessories > Shoes", "item_group_id": "pace-runner"}},
            {**common, "sku": "KH-MUG-350", "title": MUG, "description": mug_text, "brand": "Kilnhouse", "price": "30.00", "sale_price": "24.00",
             "images": img("mug"), "attributes": {"color": "Celadon", "material": "Stoneware", "google_product_category": MUGS}},
            {**common, "sku": "NP-SUM-750", "title": BOTTLE, "description": bottle_text, "brand": "Northpeak", "price": "34.00",
             "images": img("bottle-a", "bottle-b", "bottle-c"), "attributes": {}},
        ]
    assert layout == "woocommerce"
    shoe_attrs = {"categories": "Shoes > Running", "tags": "running, road", "Weight (kg)": "0.265"}
    if variants == "skus":
        shoes = [
            {"sku": f"LS-PACE-{n}", "title": f"{SHOE} - UK {n}", "attributes": {"Size": f"UK {n}", "Colour": "Cobalt blue", **shoe_attrs}}
            for n in (8, 9)
        ]
    else:
        shoes = [{"sku": "LS-PACE", "title": SHOE, "attributes": {"Size": "UK 8, UK 9", "Colour": "Cobalt blue", **shoe_attrs}}]
    return [
        *({**common, **s, "description": SHOE_TEXT, "brand": "Loftstep", "price": "89.95", "images": img("shoe-side", "shoe-pair")} for s in shoes),
        {**common, "sku": "KH-MUG-350", "title": MUG, "description": mug_text, "brand": "Kilnhouse", "price": "30.00", "sale_price": "24.00",
         "images": img("mug"), "attributes": {"categories": "Kitchen > Mugs", "tags": "kitchen, gift"}},
        {**common, "sku": "NP-SUM-750", "title": BOTTLE, "description": bottle_text, "brand": "Northpeak", "price": "34.00",
         "images": img("bottle-a", "bottle-b", "bottle-c"), "attributes": {"categories": "Bottles", "Weight (kg)": "0.39"}},
    ]


def plain_csv(products: list[dict], delimiter: str = ",", decimal: str = ".") -> str:
    """The same products in our own catalog's columns; `decimal` as European Excel writes it."""
    columns = ["sku", "images", "title", "description", "brand", "price", "sale_price", "currency", "language", "attributes"]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for p in products:
        row = {**p, "attributes": ";".join(f"{k}={v}" for k, v in p["attributes"].items())}
        for key in ("price", "sale_price"):
            row[key] = row.get(key, "").replace(".", decimal)
        writer.writerow([row.get(c, "") for c in columns])
    return buf.getvalue()


def facts(rows) -> list[dict]:
    out = []
    for r in rows:
        assert r.error is None, (r.where, r.error)
        p = r.product
        out.append({"sku": p.sku, "title": p.title, "description": p.description, "brand": p.brand, "price": p.price, "sale_price": p.sale_price,
                    "currency": p.currency, "language": p.language, "attributes": p.attributes, "images": [str(i) for i in p.images]})
    return out


@pytest.fixture
def shop(image_server):
    for name, colour in PHOTOS.items():
        image_server.image(f"/{name}.png", colour)
    return image_server


def fill(template: str, u: str) -> str:
    return template.format(u=u, shoe=SHOE, mug=MUG, bottle=BOTTLE, body=SHOE_BODY, text=SHOE_TEXT.replace("\n", " "), mugs=MUGS,
                           mugs_xml=MUGS.replace("&", "&amp;").replace(">", "&gt;"))


LAYOUTS = {
    "shopify": ("products_export.csv", SHOPIFY, "shopify"),
    "shopify-current": ("products_export_1.csv", None, "shopify"),
    "google-tsv": ("feed.tsv", GOOGLE_TSV, "google"),
    "google-rss": ("feed.xml", GOOGLE_RSS, "google"),
    "google-atom": ("atom.xml", GOOGLE_ATOM, "google"),
    "woocommerce": ("wc-product-export.csv", WOO, "woocommerce"),
}


def write_layout(folder, name: str, u: str):
    filename, template, layout = LAYOUTS[name]
    if template is None:  # Shopify's current header names
        text = fill(SHOPIFY, u)
        header, rest = text.split("\n", 1)
        text = ",".join(SHOPIFY_RENAMED.get(h, h) for h in header.split(",")) + "\n" + rest
    else:
        text = fill(template, u)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path, layout


@pytest.mark.parametrize("name", list(LAYOUTS))
@pytest.mark.parametrize("variants", ["attributes", "skus"])
def test_each_platform_yields_the_products_of_the_equivalent_plain_catalog(shop, tmp_path, name, variants):
    path, layout = write_layout(tmp_path, name, shop.url)
    options = CatalogOptions(variants=variants, currency="GBP")
    rows = read_catalog(path, options=options)
    assert read_feed(path).format == layout
    want = expected(shop.url, layout, variants if layout != "google" else "attributes")
    # the Google feed's text descriptions are one line; the others come from HTML blocks
    if layout == "google":
        want = [{**w, "description": w["description"].replace("\n", " ")} for w in want]
    (tmp_path / "plain.csv").write_text(plain_csv(want), encoding="utf-8")
    assert facts(rows) == facts(read_catalog(tmp_path / "plain.csv"))
    assert [r.product.sku for r in rows] == [w["sku"] for w in want]


def test_prices_name_their_currency_or_take_the_catalogs(shop, tmp_path):
    path, _ = write_layout(tmp_path, "shopify", shop.url)
    rows = read_catalog(path)  # no --currency: Shopify exports name none
    assert rows[0].product.price == 89.95 and rows[0].product.currency == ""
    path, _ = write_layout(tmp_path, "google-tsv", shop.url)
    rows = read_catalog(path, options=CatalogOptions(currency="EUR"))  # '89.95 GBP' keeps its own
    assert rows[0].product.currency == "GBP"


def test_european_excel_semicolons_decimal_commas_and_a_bom(shop, tmp_path):
    want = expected(shop.url, "google")
    text = plain_csv(want, delimiter=";", decimal=",")
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "plain.csv").write_text(plain_csv(want), encoding="utf-8")
    assert facts(read_catalog(tmp_path / "excel.csv")) == facts(read_catalog(tmp_path / "plain.csv"))
    assert read_feed(tmp_path / "excel.csv").delimiter == ";"


def test_utf16_unicode_text_from_excel(shop, tmp_path):
    want = expected(shop.url, "google")
    (tmp_path / "unicode.txt").write_bytes(plain_csv(want, delimiter="\t").encode("utf-16"))  # BOM + UTF-16 LE
    (tmp_path / "plain.csv").write_text(plain_csv(want), encoding="utf-8")
    assert facts(read_catalog(tmp_path / "unicode.txt")) == facts(read_catalog(tmp_path / "plain.csv"))


def test_an_encoding_we_do_not_read_is_named_with_a_guess(tmp_path):
    draw_product(tmp_path / "a.png")
    rows = "".join(f"CAFE-{i},a.png,Café crème mug n°{i} – été,Tasse à café en grès émaillé\n" for i in range(20))
    (tmp_path / "cp1252.csv").write_bytes(("sku,images,title,description\n" + rows).encode("cp1252"))
    with pytest.raises(CatalogError) as info:
        read_catalog(tmp_path / "cp1252.csv")
    message = str(info.value)
    assert "cp1252.csv" in message and "not UTF-8" in message and "line 2" in message and "--encoding" in message
    rows = read_catalog(tmp_path / "cp1252.csv", options=CatalogOptions(encoding="cp1252"))
    assert rows[0].product.title == "Café crème mug n°0 – été"


@pytest.mark.parametrize("header", ["image", "Image", "img"])
def test_a_column_close_to_ours_gets_did_you_mean(tmp_path, header):
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.csv").write_text(f"sku,{header},title,season\nA,a.png,Mug,winter\n")
    with pytest.raises(CatalogError, match=f"'{header}'.*did you mean 'images'"):
        read_catalog(tmp_path / "cat.csv")


def test_header_names_ignore_case(tmp_path):
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.csv").write_text("SKU,Images,Title,Sale Price,Price,Currency\nA,a.png,Mug,9,12,EUR\n")
    p = read_catalog(tmp_path / "cat.csv")[0].product
    assert (p.sku, p.title, p.price, p.sale_price, p.currency) == ("A", "Mug", 12, 9, "EUR")


def test_format_can_be_forced_and_is_checked(shop, tmp_path):
    path, _ = write_layout(tmp_path, "google-rss", shop.url)
    assert read_feed(path, format="google").format == "google"
    with pytest.raises(CatalogError, match="XML"):
        read_feed(path, format="shopify")
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.csv").write_text("sku,images,title\nA,a.png,Mug\n")
    with pytest.raises(CatalogError, match="Handle"):
        read_feed(tmp_path / "cat.csv", format="shopify")
    (tmp_path / "other.csv").write_text("name,picture\nMug,a.png\n")
    with pytest.raises(CatalogError, match="no 'title' column.*not a Shopify, Google Merchant Center or WooCommerce"):
        read_feed(tmp_path / "other.csv")


def test_xml_entities_and_dtds_are_refused(tmp_path):
    bomb = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss version="2.0"><channel><item><title>&b;</title></item></channel></rss>'
    (tmp_path / "bomb.xml").write_text(bomb)
    with pytest.raises(CatalogError, match="DTD or entities"):
        read_catalog(tmp_path / "bomb.xml")
    (tmp_path / "other.xml").write_text("<catalog><product/></catalog>")
    with pytest.raises(CatalogError, match="not a Google Merchant Center feed"):
        read_catalog(tmp_path / "other.xml")


def test_shopify_groups_rows_and_reports_where(shop, tmp_path):
    path, _ = write_layout(tmp_path, "shopify", shop.url)
    rows = read_catalog(path)
    assert [r.where for r in rows] == ["lines 2-3 (handle 'pace-runner')", "line 4 (handle 'mug-350')", "lines 5-7 (handle 'summit-750')"]


def test_a_product_renders_from_its_usable_images(tmp_path):
    draw_product(tmp_path / "good.png")
    good = (tmp_path / "good.png").read_bytes()
    (tmp_path / "truncated.png").write_bytes(good[: len(good) // 2])
    (tmp_path / "notes.jpg").write_text("not an image")
    (tmp_path / "cat.csv").write_text(
        "sku,images,title\n"
        "A,good.png|missing.png,Missing one\n"
        "B,good.png|truncated.png|notes.jpg,Broken ones\n"
        "C,missing.png|truncated.png,No usable image\n"
    )
    rows = {r.sku: r for r in read_catalog(tmp_path / "cat.csv")}
    assert [p.name for p in rows["A"].product.images] == ["good.png"]
    assert rows["A"].skipped == [("missing.png", "file not found")]
    assert [ref for ref, _ in rows["B"].skipped] == ["truncated.png", "notes.jpg"]
    assert all("truncated" in why or "not an image" in why for _, why in rows["B"].skipped)
    assert rows["C"].product is None and "no usable image: missing.png: file not found; truncated.png:" in rows["C"].error


def test_local_paths_stay_inside_the_catalog_folder(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    draw_product(folder / "inside.png")
    draw_product(tmp_path / "outside.png")
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    (folder / "cat.csv").write_text(
        "sku,images,title\n"
        f"ABS,{tmp_path / 'outside.png'},Absolute\n"
        "UP,../outside.png,Up and out\n"
        "LINK,link.png,A symlink out\n"
        "OK,inside.png|../outside.png,Inside\n"
    )
    rows = {r.sku: r for r in read_catalog(folder / "cat.csv")}
    for sku in ("ABS", "UP", "LINK"):
        assert rows[sku].product is None and "refused" in rows[sku].error and "--allow-any-path" in rows[sku].error
    assert [p.name for p in rows["OK"].product.images] == ["inside.png"] and "refused" in rows["OK"].skipped[0][1]
    trusted = {r.sku: r for r in read_catalog(folder / "cat.csv", options=CatalogOptions(allow_any_path=True))}
    assert all(r.product is not None for r in trusted.values())
    # --images DIR is the other place photos may be: relative paths start there
    rows = {r.sku: r for r in read_catalog(folder / "cat.csv", images_dir=tmp_path)}
    assert rows["ABS"].product is not None and rows["UP"].product is None


def test_bad_urls_are_reasons_and_a_rerun_downloads_nothing(shop, tmp_path):
    good = shop.url + "/mug.png"
    png = shop.routes["/mug.png"][2]
    shop.routes["/gone.png"] = (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>")
    shop.routes["/page.png"] = (200, {"Content-Type": "text/html"}, b"<html>a page</html>")
    shop.routes["/cut.png"] = (200, {}, png[: len(png) // 2])
    refs = "|".join([good, shop.url + "/gone.png", shop.url + "/page.png", shop.url + "/cut.png", "ftp://shop.example/a.png"])
    (tmp_path / "cat.csv").write_text(f"sku,images,title\nM,{refs},Mug\nX,{shop.url}/gone.png,Gone\n")
    rows = read_catalog(tmp_path / "cat.csv")
    assert rows[0].product is not None and len(rows[0].product.images) == 1
    reasons = dict(rows[0].skipped)
    assert reasons[shop.url + "/gone.png"] == "HTTP 404 Not Found"
    assert "not an image" in reasons[shop.url + "/page.png"] and "text/html" in reasons[shop.url + "/page.png"]
    assert "truncated" in reasons[shop.url + "/cut.png"]
    assert "only http and https" in reasons["ftp://shop.example/a.png"]
    assert rows[1].product is None and "HTTP 404" in rows[1].error
    assert shop.hits["/mug.png"] == 1 and shop.hits["/gone.png"] == 1  # one request for a URL used twice
    shop.hits.clear()
    read_catalog(tmp_path / "cat.csv")
    assert shop.hits["/mug.png"] == 0, "a rerun takes good photos from the cache"
    assert shop.hits["/gone.png"] == 1, "failures are not cached: a rerun tries again"
    read_catalog(tmp_path / "cat.csv", options=CatalogOptions(refresh_images=True))
    assert shop.hits["/mug.png"] == 1  # revalidated: a 304, nothing downloaded


def test_offline_urls_give_a_reason_per_image(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.csv").write_text(f"sku,images,title\nA,a.png|http://127.0.0.1:{port}/x.png,Mug\n")
    from creative.inputs.fetch import ImageFetcher

    rows = read_catalog(tmp_path / "cat.csv", fetcher=ImageFetcher(retries=1, backoff=0))
    assert rows[0].product is not None
    ((ref, why),) = rows[0].skipped
    assert ref.endswith("/x.png") and "could not fetch" in why and "after 2 attempts" in why


def test_jsonl_keys_close_to_ours_fail_the_row(tmp_path):
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.jsonl").write_text('{"sku": "A", "image": "a.png", "title": "Mug"}\n{"sku": "B", "images": "a.png", "title": "Mug"}\n')
    rows = read_catalog(tmp_path / "cat.jsonl")
    assert "did you mean 'images'" in rows[0].error and rows[1].product is not None


def test_rows_with_more_cells_than_the_header_are_errors(tmp_path):
    draw_product(tmp_path / "a.png")
    (tmp_path / "cat.csv").write_text("sku,images,title,price\nA,a.png,Mug,12,50\nB,a.png,Mug,12\n")
    rows = read_catalog(tmp_path / "cat.csv")
    assert "5 cells but the header has 4" in rows[0].error and rows[1].product is not None


def test_html_descriptions_keep_list_items_as_sentences():
    from creative.inputs.richtext import html_to_text

    assert html_to_text(SHOE_BODY + "<script>alert(1)</script>") == SHOE_TEXT
    assert html_to_text("<ul><li>双层不锈钢</li><li>保温十二小时</li></ul>") == "双层不锈钢。\n保温十二小时。"
    assert html_to_text("Tom &amp; Jerry") == "Tom & Jerry" and html_to_text("a < b") == "a < b"


def test_importing_the_catalog_loads_no_network_or_parser_library():
    import subprocess
    import sys

    code = "import sys, creative.inputs.catalog, creative.cli; print(sorted(m for m in ('httpx', 'lxml', 'babel', 'torch', 'charset_normalizer') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True).stdout
    assert out.strip() == "[]"


def test_an_xml_feed_in_the_encoding_it_declares(shop, tmp_path):
    text = fill(GOOGLE_RSS, shop.url).replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>')
    text = text.replace("Hand-thrown stoneware mug", "Hand-thrown stoneware mug (grès émaillé)")
    (tmp_path / "latin1.xml").write_bytes(text.encode("latin-1"))
    rows = read_catalog(tmp_path / "latin1.xml")
    assert rows[1].product.description.startswith("Hand-thrown stoneware mug (grès émaillé)")
    (tmp_path / "broken.xml").write_bytes(text.replace("ISO-8859-1", "UTF-8").encode("latin-1"))
    with pytest.raises(CatalogError, match="broken.xml: not well-formed XML"):
        read_catalog(tmp_path / "broken.xml")


def test_a_discount_needs_both_prices(tmp_path):
    draw_product(tmp_path / "a.png")
    header = WOO.splitlines()[0]
    cells = header.split(",")
    row = dict.fromkeys(cells, "")
    row.update({"Type": "simple", "SKU": "S1", "Name": "Mug", "Sale price": "24.00", "Images": "a.png"})
    (tmp_path / "wc.csv").write_text(header + "\n" + ",".join(row[c] for c in cells) + "\n")
    p = read_catalog(tmp_path / "wc.csv")[0].product
    assert (p.price, p.sale_price) == (24.0, None)  # a sale price alone is the price
    shopify = "Handle,Title,Variant Price,Variant Compare At Price,Image Src\nmug,Mug,30.00,24.00,a.png\n"
    (tmp_path / "shopify.csv").write_text(shopify)
    p = read_catalog(tmp_path / "shopify.csv")[0].product
    assert (p.price, p.sale_price) == (30.0, None)  # a compare-at price below the price is no discount
