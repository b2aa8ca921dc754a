"""The copywriter's fine-tuning (`creative train-copywriter`) on the tiny profile: the loss falls,
only the ad's tokens carry loss, a resumed run is bit-exact, the adapter loads and merges through
a profile, Chinese pairs train on a multilingual LM, and bad pairs rows are named by line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import draw_product
from creative.models import Models, load_profile
from creative.train.copywriter import (
    IGNORE,
    TrainConfig,
    base_profile,
    collate,
    collate_split,
    end_of_turn,
    make_example,
    split_pairs,
    split_target_loss,
    target_loss,
    train_copywriter,
)
from creative.train.pairs import PairsError, read_pairs

# Products and ads in the tiny LM's vocabulary (creative/models/tiny.py), so its loss means something.
PRODUCTS = [
    ("footwear", "red running shoe", "light mesh upper with a rubber sole for road and trail", {"colour": "red", "material": "mesh"}),
    ("footwear", "black leather boot", "soft leather upper with a durable rubber sole", {"colour": "black", "material": "leather"}),
    ("kitchen", "white ceramic mug", "classic ceramic mug for coffee and tea at home", {"colour": "white", "material": "ceramic"}),
    ("kitchen", "steel water bottle", "steel bottle keeps water cool for hours", {"colour": "silver", "material": "steel"}),
    ("bags", "canvas travel backpack", "durable canvas backpack with a leather strap", {"colour": "beige", "material": "canvas"}),
    ("bags", "nylon gym bag", "lightweight nylon bag for the gym and travel", {"colour": "navy", "material": "nylon"}),
]
ADS = {
    "google_rsa": lambda t, d, a: {"headline": t, "description": f"{d}."},
    "meta": lambda t, d, a: {"primary_text": f"{d}, in {a['colour']}.", "headline": t, "description": a["material"]},
    "banner": lambda t, d, a: {"headline": t, "subline": f"{a['colour']} {a['material']}, made for every day"},
}
TONES = ["friendly", "premium", "playful", "urgent", "technical", "friendly"]


def write_pairs(path: Path, language: str = "en") -> Path:
    lines = []
    for i, (category, title, description, attrs) in enumerate(PRODUCTS):
        for platform, ad in ADS.items():
            row = {"id": f"t-{i}-{platform}", "category": category, "sku": f"SKU-{i}", "title": title, "brand": "Loftstep",
                   "description": description, "tone": TONES[i], "language": language, "attributes": attrs,
                   "platform": platform, "copy": {**ad(title, description, attrs), **({"cta": "Shop now"} if platform == "banner" else {})}}
            lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pairs_file(tmp_path_factory) -> Path:
    return write_pairs(tmp_path_factory.mktemp("pairs") / "pairs.jsonl")


@pytest.fixture(scope="module")
def tiny_models(isolated_home) -> Models:
    return Models(base_profile(load_profile("tiny")), device="cpu")


CONFIG = TrainConfig(steps=30, batch_size=4, lr=3e-3, warmup=2, rank=4, alpha=8, eval_categories=("bags",), gate_filter=False)


@pytest.fixture(scope="module")
def trained(tiny_models, pairs_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("adapter") / "my-adapter"
    report = train_copywriter(tiny_models, pairs_file, out, CONFIG, base_ref="tiny", progress=False, checkpoint_every=10)
    return out, report


def test_loss_falls_and_the_adapter_is_written_as_safetensors(trained):
    out, report = trained
    assert len(report.losses) == 30
    assert np.mean(report.losses[-5:]) < 0.7 * np.mean(report.losses[:5]), report.losses
    assert report.eval_loss < report.eval_loss_base  # held-out category: bags
    assert report.eval_categories == ["bags"] and report.train_pairs == 12 and report.eval_pairs == 6
    assert (out / "adapter_model.safetensors").is_file() and (out / "adapter_config.json").is_file()
    assert not list(out.rglob("*.bin")) and not list(out.rglob("*.pt"))
    assert sorted(p.name for p in (out / "checkpoint").iterdir()) == ["lora-30.safetensors", "optimizer-30.safetensors", "state.json"]
    record = json.loads((out / "training.json").read_text())
    assert record["base"] == {"model": "tiny-llama", "profile": "tiny"} and record["result"]["eval_loss"] < record["result"]["eval_loss_base"]


def test_only_the_ads_tokens_carry_loss(tiny_models, pairs_file):
    tok = tiny_models.get("lm").tokenizer
    pair = read_pairs(pairs_file)[1]  # a meta ad
    example = make_example(tok, pair, ["google_rsa", "meta", "captions"], "who it is for")
    answer = "Facebook ad\nPrimary text: " + pair.copy["primary_text"] + "\nHeadline: " + pair.copy["headline"] + "\nDescription: " + pair.copy["description"]
    assert example.target == tok(answer + end_of_turn(tok), add_special_tokens=False).input_ids
    assert end_of_turn(tok) == "<|im_end|>"  # what the copy stage's decoder stops at
    short = make_example(tok, read_pairs(pairs_file)[0])
    batch = collate([example, short], tok.pad_token_id)
    for row, e in enumerate([example, short]):
        labels = batch.labels[row].tolist()
        assert labels[: len(e.prompt)] == [IGNORE] * len(e.prompt)  # the prompt: no loss
        assert labels[len(e.prompt) : len(e.prompt) + len(e.target)] == e.target  # the ad: all of it
        assert set(labels[len(e.prompt) + len(e.target) :]) <= {IGNORE}  # padding: no loss
    # the loss is the cross-entropy of the ad's tokens alone, whatever the model says about the prompt
    model = tiny_models.get("lm").model
    with torch.no_grad():
        logits = model(input_ids=batch.ids, attention_mask=batch.mask).logits
        every = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), batch.labels[:, 1:].reshape(-1), ignore_index=IGNORE)
        mine = target_loss(model, batch)
        prompt_too = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), torch.where(batch.mask[:, 1:] > 0, batch.ids[:, 1:], IGNORE).reshape(-1), ignore_index=IGNORE)
    assert torch.allclose(mine, every, atol=1e-5)
    assert not torch.allclose(mine, prompt_too, atol=1e-3)
    # with the gradient stopped at the prompt (the CPU default) the loss is the same number
    with torch.no_grad():
        split = split_target_loss(model, collate_split([example, short], tok.pad_token_id))
    assert torch.allclose(split, mine, atol=1e-5)


@pytest.mark.parametrize("prompt_grad", [True, False])
def test_resume_is_bit_exact(tiny_models, pairs_file, tmp_path, prompt_grad):
    config = TrainConfig(steps=8, batch_size=4, lr=3e-3, warmup=2, rank=4, alpha=8, eval_categories=("bags",), gate_filter=False, prompt_grad=prompt_grad)
    kw = dict(base_ref="tiny", progress=False, checkpoint_every=3)
    straight = train_copywriter(tiny_models, pairs_file, tmp_path / "straight", config, **kw)
    killed = TrainConfig(**{**config.__dict__, "steps": 5})  # a run that stopped after step 5
    train_copywriter(tiny_models, pairs_file, tmp_path / "resumed", killed, **kw)
    resumed = train_copywriter(tiny_models, pairs_file, tmp_path / "resumed", config, **kw)
    assert resumed.resumed_from == 5
    assert resumed.losses == straight.losses  # bit for bit, not close
    from safetensors.torch import load_file

    a, b = load_file(tmp_path / "straight" / "checkpoint" / "lora-8.safetensors"), load_file(tmp_path / "resumed" / "checkpoint" / "lora-8.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    with pytest.raises(ValueError, match="other settings"):
        train_copywriter(tiny_models, pairs_file, tmp_path / "resumed", TrainConfig(**{**config.__dict__, "rank": 8}), **kw)


def test_the_adapter_loads_and_merges_through_its_profile(trained, tiny_models):
    out, _ = trained
    profile = load_profile(out / "profile.toml")
    assert profile.extends == "tiny" and [e.adapter.path for e in profile.candidates("lm")] == [str(out.resolve())]
    models = Models(profile, device="cpu")
    res = models.resolutions["lm"]
    assert res.adapter == str(out.resolve()) and "merged into the base weights" in res.reason
    assert res.entry.options["few_shot"] == 0  # the adapter needs no example ads in the prompt
    lm = models.get("lm")
    assert lm.adapter == str(out.resolve()) and lm.merged
    assert not [n for n, _ in lm.model.named_modules() if "lora" in n.lower()]  # merged: plain layers only
    base = tiny_models.get("lm")
    ids = torch.tensor([base.tokenizer("red running shoe for road and trail").input_ids])
    with torch.no_grad():
        merged, plain = lm.model(ids).logits, base.model(ids).logits
    from peft import PeftModel

    import copy

    unmerged = PeftModel.from_pretrained(copy.deepcopy(base.model), out).eval()
    with torch.no_grad():
        assert torch.allclose(merged, unmerged(ids).logits, atol=1e-4)
    assert not torch.allclose(merged, plain, atol=1e-3)  # the adapter changes the model


def test_a_missing_or_foreign_adapter_is_named(trained, tmp_path):
    from creative.models.loaders import ModelLoadError

    out, _ = trained
    text = (out / "profile.toml").read_text()
    gone = tmp_path / "gone.toml"
    gone.write_text(text.replace('path = "."', f'path = "{tmp_path / "nowhere"}"'))
    res = Models(load_profile(gone), device="cpu").resolutions["lm"]
    assert not res.available and "lacks adapter_config.json" in res.reason
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    for f in ("adapter_config.json", "adapter_model.safetensors"):
        (foreign / f).write_bytes((out / f).read_bytes())
    (foreign / "training.json").write_text(json.dumps({"base": {"model": "Qwen/Qwen2.5-0.5B-Instruct"}}))
    other = tmp_path / "other.toml"
    other.write_text(text.replace('path = "."', f'path = "{foreign}"'))
    with pytest.raises(ModelLoadError, match="trained on Qwen/Qwen2.5-0.5B-Instruct"):
        Models(load_profile(other), device="cpu").get("lm")


def test_chinese_pairs_train_on_a_multilingual_lm_and_not_on_an_english_one(tiny_models, tmp_path):
    zh = write_pairs(tmp_path / "zh.jsonl", language="zh")
    report = train_copywriter(tiny_models, zh, tmp_path / "zh", TrainConfig(steps=12, batch_size=4, lr=3e-3, warmup=2, rank=4, alpha=8, eval_categories=("bags",), gate_filter=False), base_ref="tiny", progress=False)
    assert np.mean(report.losses[-3:]) < np.mean(report.losses[:3])
    tiny = base_profile(load_profile("tiny"))
    entry = tiny.candidates("lm")[0]
    english = tiny.model_copy(update={"roles": {**tiny.roles, "lm": (entry.model_copy(update={"options": {"languages": ["en"]}}),)}})
    with pytest.raises(ValueError, match=r"zh.jsonl line 1: language 'zh', but tiny-llama writes only en"):
        train_copywriter(Models(english, device="cpu"), zh, tmp_path / "zh-en", TrainConfig(steps=1), base_ref="tiny", progress=False)


def test_the_split_holds_out_whole_categories(pairs_file):
    pairs = read_pairs(pairs_file)
    train, evals, held = split_pairs(pairs, 0.3, seed=1)
    assert {p.category for p in evals} == set(held) and not {p.category for p in train} & set(held)
    assert len(evals) >= 0.3 * len(pairs) and train
    with pytest.raises(ValueError, match="no pair has category 'garden'"):
        split_pairs(pairs, 0.1, ("garden",))


def test_bad_pairs_rows_name_the_file_and_line(tmp_path):
    good = {"title": "red running shoe", "platform": "banner", "copy": {"headline": "red running shoe", "subline": "light mesh upper"}}

    def jsonl(*rows) -> Path:
        path = tmp_path / "p.jsonl"
        path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
        return path

    cases = [
        ([good, "{not json"], r"p.jsonl line 2: not valid JSON"),
        ([good, good, {**good, "platform": "tiktok"}], r"line 3: unknown platform 'tiktok'; choose one of google_rsa, meta, banner, generic"),
        ([{**good, "platform": ""}], r"line 1: 'platform' is missing"),
        ([good, {**good, "copy": {"headline": "red running shoe"}}], r"line 2: the banner ad needs headline, subline; subline is missing or empty"),
        ([{**good, "copy": {**good["copy"], "body": "x"}}], r"line 1: 'body' is not a field of banner"),
        ([{**good, "copy": {**good["copy"], "headline": "a red running shoe for road and trail"}}], r"line 1: headline is 37 characters; banner allows 30"),
        ([{**good, "tone": "angry"}], r"line 1: tone: .*unknown tone 'angry'"),
        ([{**good, "title": ""}], r"line 1: title: "),
        ([{**good, "price": "1,600"}], r"line 1: price: "),
    ]
    for rows, message in cases:
        with pytest.raises(PairsError, match=message):
            read_pairs(jsonl(*rows))
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("title,platform,copy_headline,copy_subline,copy_cta\nred running shoe,banner,red running shoe,light mesh upper,Shop now\nblue mug,banner,blue mug,\n")
    with pytest.raises(PairsError, match=r"p.csv line 3: the banner ad needs headline, subline; subline is missing"):
        read_pairs(csv_path)
    csv_path.write_text("title,copy\nx,y\n")
    with pytest.raises(PairsError, match="needs a header with 'title', 'platform' and copy_<field> columns"):
        read_pairs(csv_path)
    with pytest.raises(PairsError, match="not found"):
        read_pairs(tmp_path / "nope.jsonl")


def test_csv_pairs_read_like_jsonl(tmp_path):
    csv_path = tmp_path / "p.csv"
    csv_path.write_text(
        "title,brand,price,currency,tone,attributes,platform,copy_headline,copy_description,copy_cta,category,fit\n"
        "red running shoe,Loftstep,89,EUR,playful,colour=red;material=mesh,google_rsa,Loftstep red running shoe,Light mesh upper and a rubber sole.,Shop now,footwear,regular\n"
    )
    (pair,) = read_pairs(csv_path)
    assert pair.platform == "google_rsa" and pair.copy == {"headline": "Loftstep red running shoe", "description": "Light mesh upper and a rubber sole."}
    assert pair.facts.attributes == {"colour": "red", "material": "mesh", "fit": "regular"} and pair.facts.price == 89 and pair.category == "footwear"


def test_eval_counts_every_lm_variant_with_the_copy_stage(trained):
    from creative.generate.text import FACTS
    from creative.train.copywriter import eval_items
    from creative.train.evaluate import evaluate_copy

    out, report = trained
    models = Models(load_profile(out / "profile.toml"), device="cpu")
    items = eval_items(report.held_out, 1)
    assert [p for _, p in items] == [["google_rsa", "meta", "banner"]]
    result = evaluate_copy(models, items, n=1, seed=0)
    assert result.requests == 3 and result.variants == 3 * 2  # n x oversample (ranking.toml) each
    assert len(result.samples) == 6 and sum(s["passed"] for s in result.samples) == result.passed
    assert sum(result.rejections.values()) >= result.variants - result.passed  # every failure has a reason
    assert all(s["rejected_by"] for s in result.samples if not s["passed"])
    assert FACTS not in {s.get("source") for s in result.samples}


def test_cli_trains_resumes_and_the_profile_it_writes_drives_the_copy_stage(pairs_file, tmp_path, capsys):
    from creative.cli import main  # in-process: the same code as the `creative` command, without its start-up

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    out = tmp_path / "my-adapter"
    common = [str(pairs_file), "--out", str(out), "--base-profile", "tiny", "--batch-size", "2", "--rank", "4", "--eval-categories", "bags", "--no-progress"]
    code, _, err = run("train-copywriter", *common, "--steps", "3", "--eval-products", "0")
    assert code == 0, err
    code, stdout, err = run("train-copywriter", *common, "--steps", "5", "--eval-products", "1")
    assert code == 0, err
    assert "resumed from step 3" in stdout and "held out (bags; 6 pairs)" in stdout
    assert "LM variants" in stdout and f"--profile {out / 'profile.toml'}" in stdout
    assert json.loads((out / "training.json").read_text())["result"]["generation_eval"]["variants"] == 6
    code, stdout, _ = run("models", "status", "--profile", str(out / "profile.toml"))
    assert code == 0 and "+ adapter" in stdout and "merged into the base weights" in stdout
    image = draw_product(tmp_path / "shoe.png")
    code, stdout, err = run("copy", str(image), "--title", "red running shoe", "--platform", "banner", "--n", "1", "--profile", str(out / "profile.toml"), "--json")
    assert code == 0, err
    assert json.loads(stdout)["variants"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"title": "x", "platform": "tiktok", "copy": {}}) + "\n")
    code, _, err = run("train-copywriter", str(bad), "--out", str(tmp_path / "x"), "--base-profile", "tiny")
    assert code == 2 and "bad.jsonl line 1: unknown platform 'tiktok'" in err


def test_our_dataset_is_big_varied_and_valid():
    """datasets/copywriter/: written by us; every row passes read_pairs (platform fields, limits)."""
    from creative import data

    pairs = read_pairs(sorted((Path(__file__).parent.parent / "datasets" / "copywriter").glob("pairs_*.jsonl")))
    assert len(pairs) >= 300 and {p.facts.language for p in pairs} == {"en"}
    assert len({p.category for p in pairs}) >= 12
    assert {p.facts.tone for p in pairs} == set(data.load("tones"))
    assert {p.platform for p in pairs} == set(data.load("platforms"))
    held = {"garden", "jewellery", "pets"}  # the shipped adapter's held-out split
    assert held <= {p.category for p in pairs}
    assert not held & {ex["category"] for ex in data.load("examples")["example"]}  # no example ad shows them either
    skus = {}
    for p in pairs:  # a product's pairs share one category, so a split by category never cuts a product
        assert skus.setdefault(p.group, p.category) == p.category
