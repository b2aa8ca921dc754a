"""The encode stage: batched CLIP encoding, fusion, pooling, zero-shot tags and their cache."""

import numpy as np
import pytest
from PIL import Image

from creative.encode import tags as encode
from creative.encode import TagBank, embed_products, fuse, pool, tag_bank, tag_image
from creative.inputs.product import Product
from creative.models.clip import ClipEncoder


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_fusion_weights_the_two_modalities():
    img, txt = unit(1, 0, 0), unit(0, 1, 0)
    assert np.allclose(fuse(img, txt, 1.0), img)
    assert np.allclose(fuse(img, txt, 0.0), txt)
    assert np.allclose(fuse(img, txt, 0.5), unit(1, 1, 0))
    heavy = fuse(img, txt, 0.8)
    assert np.isclose(np.linalg.norm(heavy), 1.0) and heavy @ img > heavy @ txt
    # inputs need not be normalised: each part is normalised before weighting
    assert np.allclose(fuse(10 * img, txt, 0.5), unit(1, 1, 0))
    with pytest.raises(ValueError, match="image_weight"):
        fuse(img, txt, 1.2)


def test_pooling_several_images_gives_their_normalised_mean():
    assert np.allclose(pool(np.stack([unit(1, 0), unit(0, 1)])), unit(1, 1))
    assert np.allclose(pool(np.stack([unit(3, 4)])), unit(3, 4))


def test_batched_product_embedding_equals_one_at_a_time(tiny_studio):
    clip = tiny_studio.models.clip
    red, blue = Image.new("RGB", (64, 64), "red"), Image.new("RGB", (64, 64), "blue")
    batched = embed_products(clip, [[red], [blue, red]], [["red mug"], ["blue bag", "canvas"]])
    single = embed_products(clip, [[blue, red]], [["blue bag", "canvas"]])[0]
    assert np.allclose(batched[1].fused, single.fused, atol=1e-5)
    assert batched[1].per_image.shape == (2, 32) and batched[0].per_image.shape == (1, 32)
    for emb in batched:
        for v in (emb.image, emb.text, emb.fused):
            assert np.isclose(np.linalg.norm(v), 1.0, atol=1e-5)


def test_text_encodings_are_memoised(tiny_studio, monkeypatch):
    clip = tiny_studio.models.clip
    calls = []
    real = clip.model.encode_text
    monkeypatch.setattr(clip.model, "encode_text", lambda tokens: calls.append(len(tokens)) or real(tokens))
    clip.encode_texts(["a memo test", "another memo test"])
    clip.encode_texts(["a memo test", "another memo test", "a memo test"])
    assert calls == [2]


def test_tags_are_ranked_by_probability_per_category():
    bank = TagBank(
        labels={"colour": [{"en": "red", "zh": "红色"}, {"en": "blue", "zh": "蓝色"}, {"en": "green", "zh": "绿色"}]},
        embeddings={"colour": np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])},
    )
    tags = tag_image(bank, unit(0.2, 1.0, 0.5), logit_scale=100.0, top_k=3)["colour"]
    assert [t.label for t in tags] == ["blue", "green", "red"]
    assert tags[0].name("zh") == "蓝色"
    assert sum(t.probability for t in tags) == pytest.approx(1.0)
    assert tags[0].similarity == pytest.approx(float(unit(0.2, 1.0, 0.5)[1]))


def test_tag_bank_is_computed_once_and_read_from_disk(tiny_studio, monkeypatch):
    clip = tiny_studio.models.clip
    first = tag_bank(clip)
    path = encode._bank_path(clip)
    assert path.is_file()
    monkeypatch.setattr(type(clip), "encode_texts", lambda *a, **k: pytest.fail("bank should come from disk"))
    second = tag_bank(clip)
    assert set(first.embeddings) == {"category", "colour", "material", "style", "mood", "occasion"}
    for cat in first.embeddings:
        assert np.array_equal(first.embeddings[cat], second.embeddings[cat])


def test_damaged_bank_file_is_rebuilt(tiny_studio):
    clip = tiny_studio.models.clip
    tag_bank(clip)
    path = encode._bank_path(clip)
    path.write_bytes(b"not a numpy file")
    assert tag_bank(clip).embeddings["colour"].shape[0] > 0
    assert path.read_bytes()[:2] == b"PK"  # rewritten as a real .npz


def test_bank_cache_key_follows_the_model(tiny_studio):
    clip = tiny_studio.models.clip
    other = ClipEncoder(clip.model, clip.preprocess, clip.tokenizer, clip.name, "cpu", key=clip.key + "-other")
    assert encode._bank_path(other) != encode._bank_path(clip)


def test_analyze_returns_embeddings_tags_and_roles(tiny_studio, product_image):
    product = Product(images=[product_image, product_image], title="Red ceramic mug", attributes={"colour": "red"})
    analysis = tiny_studio.analyze(product)
    assert analysis.embedding.per_image.shape == (2, 32)
    assert set(analysis.tags) == {"category", "colour", "material", "style", "mood", "occasion"}
    assert all(len(tags) == 3 for tags in analysis.tags.values())
    assert 0.0 <= analysis.image_text_score <= 1.0
    assert analysis.roles["clip"].model == "tiny-clip"
    d = analysis.to_dict(embeddings=True)
    assert len(d["embeddings"]["fused"]) == 32 and d["roles"]["lm"]["via"] == "tiny"
    assert analysis.top_tags(3)[0].probability > 0


def test_analyze_many_batches_and_matches_single(tiny_studio, product_image):
    a = Product(images=[product_image], title="Red ceramic mug")
    b = Product(images=[product_image], title="Canvas backpack", description="Roomy. Water resistant.")
    many = tiny_studio.analyze_many([a, b])
    assert np.allclose(many[1].embedding.fused, tiny_studio.analyze(b).embedding.fused, atol=1e-5)


def test_without_clip_analysis_says_so_instead_of_inventing_tags(offline_studio, product_image):
    analysis = offline_studio.analyze(Product(images=[product_image], title="Mug"))
    assert analysis.embedding is None and analysis.tags == {}
    assert "clip unavailable" in analysis.fallbacks[0]
    assert analysis.to_dict()["roles"]["clip"]["status"] == "unavailable"
