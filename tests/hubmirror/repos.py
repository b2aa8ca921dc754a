"""Tiny stand-ins for the five hub repos creative uses, laid out file for file like the real ones.

Each builder writes one repo into a folder: the same file names and sub-folders as the published
repo, configs with the same classes and keys (written by hand in the published format, not
re-serialised by today's libraries), and seeded random weights at reduced sizes (same model
classes, fewer/smaller layers, smaller vocabularies). The configs are then read back by the real
library to build the model whose weights are saved, so a config the library cannot read fails the
build, not a test.

What was checked against published copies (public GitHub mirrors of the files, found with code
search) and what was not is noted next to each value: "verified" means seen in a copy of the real
file; "unverified" means from memory of the repo and not confirmed here.

`ensure_repos()` builds everything once into a cache folder keyed by `REPOS_VERSION` and a hash of
this file, so every test session (and every xdist worker) reuses one build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# Bump when a builder changes what it writes (the source hash below catches edits anyway).
REPOS_VERSION = "1"
SEED = 1234

CLIP_ID = "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"
QWEN_ID = "Qwen/Qwen2.5-0.5B-Instruct"
COCA_ID = "laion/mscoco_finetuned_CoCa-ViT-B-32-laion2B-s13B-b90k"
LCM_ID = "SimianLuo/LCM_Dreamshaper_v7"
INPAINT_ID = "stable-diffusion-v1-5/stable-diffusion-inpainting"
REPO_IDS = (CLIP_ID, QWEN_ID, COCA_ID, LCM_ID, INPAINT_ID)

# The Hub's default .gitattributes for new repos (LFS patterns); the mirror decides which files
# are LFS (served through a CDN redirect, sha256 ETag) by reading each repo's .gitattributes.
HF_GITATTRIBUTES = "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n"
    for pattern in (
        "*.7z",
        "*.arrow",
        "*.bin",
        "*.bz2",
        "*.ckpt",
        "*.ftz",
        "*.gz",
        "*.h5",
        "*.joblib",
        "*.lfs.*",
        "*.mlmodel",
        "*.model",
        "*.msgpack",
        "*.npy",
        "*.npz",
        "*.onnx",
        "*.ot",
        "*.parquet",
        "*.pb",
        "*.pickle",
        "*.pkl",
        "*.pt",
        "*.pth",
        "*.rar",
        "*.safetensors",
        "saved_model/**/*",
        "*.tar.*",
        "*.tar",
        "*.tflite",
        "*.tgz",
        "*.wasm",
        "*.xz",
        "*.zip",
        "*.zst",
        "*tfevents*",
    )
)

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]


# -- small helpers ------------------------------------------------------------------------------


def _json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _readme(out: Path, repo_id: str, front_matter: str) -> None:
    _text(
        out / "README.md",
        f"---\n{front_matter}---\n\n# {repo_id} (test mirror)\n\n"
        "Tiny random-weight stand-in built by tests/hubmirror/repos.py: same file layout, config\n"
        "classes and keys as the published repo, reduced sizes. Outputs are meaningless.\n",
    )


def _save_safetensors(state: dict, path: Path, dtype=None) -> None:
    import safetensors.torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for k, v in state.items():
        v = v.detach()
        if dtype is not None and v.is_floating_point():
            v = v.to(dtype)
        tensors[k] = v.contiguous().clone()
    safetensors.torch.save_file(tensors, str(path), metadata={"format": "pt"})


def _init_normal(module, std: float = 0.02) -> None:
    """Overwrite every floating parameter with seeded normal noise (norm weights stay near 1), so
    nothing depends on a library's init (some leave torch.empty memory behind)."""
    import torch

    with torch.no_grad():
        for mod in module.modules():
            is_norm = "Norm" in type(mod).__name__
            for name, p in mod.named_parameters(recurse=False):
                if not p.is_floating_point():
                    continue
                if is_norm and name == "weight":
                    p.copy_(1.0 + 0.02 * torch.randn_like(p))
                elif p.ndim <= 1:
                    p.normal_(0.0, 0.02)
                else:
                    p.normal_(0.0, std)


def _open_clip_model(folder: Path):
    """open_clip's own factory on the config just written (it warns that there are no weights yet)."""
    import logging

    import open_clip

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        return open_clip.create_model(f"local-dir:{folder}", load_weights=False)
    finally:
        root.setLevel(level)


# -- tokenizers ---------------------------------------------------------------------------------


def clip_bpe(n_merges: int) -> tuple[dict[str, int], list[str]]:
    """The real CLIP BPE (open_clip ships OpenAI's merges) cut to its first `n_merges` merges.

    BPE merges are learned in order, so any prefix is a valid, smaller BPE. The vocab order is
    the one of `openai/clip-vit-large-patch14` vocab.json (byte alphabet, the same with "</w>",
    one entry per merge, then <|startoftext|> and <|endoftext|>), so ids match the real
    tokenizer's for every token that survives the cut.
    """
    import open_clip.tokenizer as oct

    with gzip.open(oct.default_bpe()) as fh:
        raw = fh.read().decode("utf-8").split("\n")
    merges = raw[1 : 49152 - 256 - 2 + 1][:n_merges]
    alphabet = list(oct.bytes_to_unicode().values())
    tokens = alphabet + [a + "</w>" for a in alphabet] + ["".join(m.split()) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    return {t: i for i, t in enumerate(tokens)}, merges


def write_clip_tokenizer(folder: Path, n_merges: int, pad_token: str = "<|endoftext|>", added_tokens: bool = False) -> int:
    """CLIPTokenizer files as in the SD 1.x `tokenizer/` folders; returns the vocab size."""
    vocab, merges = clip_bpe(n_merges)
    _json(folder / "vocab.json", vocab)
    _text(folder / "merges.txt", "#version: 0.2\n" + "\n".join(merges) + "\n")
    tok = lambda c: {"content": c, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    # special_tokens_map.json / tokenizer_config.json: the openai/clip-vit-large-patch14 files that
    # SD 1.x copied (verified shape from memory of runwayml/stable-diffusion-v1-5; "__type" marks
    # the legacy AddedToken serialisation those files use).
    _json(
        folder / "special_tokens_map.json",
        {"bos_token": tok("<|startoftext|>"), "eos_token": tok("<|endoftext|>"), "pad_token": pad_token, "unk_token": tok("<|endoftext|>")},
    )
    legacy = lambda c: {"__type": "AddedToken", **tok(c)}
    _json(
        folder / "tokenizer_config.json",
        {
            "add_prefix_space": False,
            "bos_token": legacy("<|startoftext|>"),
            "do_lower_case": True,
            "eos_token": legacy("<|endoftext|>"),
            "errors": "replace",
            "model_max_length": 77,
            "name_or_path": "openai/clip-vit-large-patch14",
            "pad_token": pad_token,
            "special_tokens_map_file": "./special_tokens_map.json",
            "tokenizer_class": "CLIPTokenizer",
            "unk_token": legacy("<|endoftext|>"),
        },
    )
    if added_tokens:
        # A third-party README (0xbitches/sd-webui-lcm) tells users to edit
        # tokenizer/added_tokens.json of this repo, so the real one has this file; ids here are
        # the ones consistent with the vocab (the real file's exact ids are unverified).
        _json(folder / "added_tokens.json", {"<|endoftext|>": vocab["<|endoftext|>"], "<|startoftext|>": vocab["<|startoftext|>"]})
    return len(vocab)


# Qwen2's pre-tokenizer split (the regex of Qwen/Qwen2.5-*/tokenizer.json).
QWEN_SPLIT = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

# Added tokens of Qwen2.5, ids 151643.. in the real vocab (verified against copies of
# Qwen2.5 tokenizer_config.json / added_tokens.json): (content, special).
QWEN_ADDED = [
    ("<|endoftext|>", True),
    ("<|im_start|>", True),
    ("<|im_end|>", True),
    ("<|object_ref_start|>", True),
    ("<|object_ref_end|>", True),
    ("<|box_start|>", True),
    ("<|box_end|>", True),
    ("<|quad_start|>", True),
    ("<|quad_end|>", True),
    ("<|vision_start|>", True),
    ("<|vision_end|>", True),
    ("<|vision_pad|>", True),
    ("<|image_pad|>", True),
    ("<|video_pad|>", True),
    ("<tool_call>", False),
    ("</tool_call>", False),
    ("<|fim_prefix|>", False),
    ("<|fim_middle|>", False),
    ("<|fim_suffix|>", False),
    ("<|fim_pad|>", False),
    ("<|repo_name|>", False),
    ("<|file_sep|>", False),
]

# Qwen2.5-*-Instruct chat template, verbatim (verified against several published copies).
QWEN_CHAT_TEMPLATE = (
    "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role'] == 'system' %}\n"
    "        {{- messages[0]['content'] }}\n    {%- else %}\n"
    "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}\n    {%- endif %}\n"
    '    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n'
    'You are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}\n'
    '    {%- for tool in tools %}\n        {{- "\\n" }}\n        {{- tool | tojson }}\n    {%- endfor %}\n'
    '    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments '
    'within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": '
    '<args-json-object>}\\n</tool_call><|im_end|>\\n" }}\n{%- else %}\n'
    "    {%- if messages[0]['role'] == 'system' %}\n"
    "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n    {%- else %}\n"
    "        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n"
    "    {%- endif %}\n{%- endif %}\n{%- for message in messages %}\n"
    '    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or '
    '(message.role == "assistant" and not message.tool_calls) %}\n'
    "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
    "    {%- elif message.role == \"assistant\" %}\n        {{- '<|im_start|>' + message.role }}\n"
    "        {%- if message.content %}\n            {{- '\\n' + message.content }}\n        {%- endif %}\n"
    "        {%- for tool_call in message.tool_calls %}\n            {%- if tool_call.function is defined %}\n"
    "                {%- set tool_call = tool_call.function %}\n            {%- endif %}\n"
    '            {{- \'\\n<tool_call>\\n{"name": "\' }}\n            {{- tool_call.name }}\n'
    '            {{- \'", "arguments": \' }}\n            {{- tool_call.arguments | tojson }}\n'
    "            {{- '}\\n</tool_call>' }}\n        {%- endfor %}\n        {{- '<|im_end|>\\n' }}\n"
    '    {%- elif message.role == "tool" %}\n'
    '        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}\n'
    "            {{- '<|im_start|>user' }}\n        {%- endif %}\n        {{- '\\n<tool_response>\\n' }}\n"
    "        {{- message.content }}\n        {{- '\\n</tool_response>' }}\n"
    '        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}\n'
    "            {{- '<|im_end|>\\n' }}\n        {%- endif %}\n    {%- endif %}\n{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n"
)


def training_sentences() -> list[str]:
    """A few hundred deterministic ad-copy sentences, English and Chinese, to train the BPE on."""
    products = ["running shoes", "coffee mug", "water bottle", "headphones", "backpack", "desk lamp", "sunglasses", "wool scarf", "leather wallet", "smart watch", "yoga mat", "travel bag"]
    adjectives = ["lightweight", "durable", "bright", "soft", "classic", "modern", "waterproof", "comfortable", "elegant", "compact"]
    frames = [
        "Meet the {a} {p} you will reach for every day.",
        "Our {a} {p} is built for long weekends and busy mornings.",
        "Save 20% on the {a} {p} today only!",
        "Why settle? The {p} is {a}, simple and ready to go.",
        "Shop the new {a} {p} collection now.",
        "The {p} that keeps up with you: {a}, tested and loved.",
        "Gift idea: a {a} {p} for the people who have everything.",
        "Back in stock! The {a} {p} ships within two days.",
    ]
    en = [f.format(a=adjectives[(i + j) % len(adjectives)], p=p) for i, p in enumerate(products) for j, f in enumerate(frames)]
    en += [f"{p.capitalize()}: {a} design, free shipping over $50." for p in products for a in adjectives[:5]]
    en += [f"{a.capitalize()} and {b}: the {p} for every season." for p in products for a, b in zip(adjectives[:4], adjectives[4:8])]
    en += [
        "What's new this week? Limited editions you'll love.",
        "Don't miss out: it's the last day of the sale.",
        "They've sold out twice; we're restocking soon.",
        "Tested for 1,000 hours in rain, snow and sun.",
        "Available in 3 sizes and 12 colours.",
    ]
    zh_products = ["跑鞋", "咖啡杯", "水瓶", "耳机", "背包", "台灯", "太阳镜", "围巾", "钱包", "手表"]
    zh_frames = [
        "全新{p}，轻便又耐用。",
        "今天购买{p}立减百分之二十！",
        "这款{p}适合每天使用。",
        "{p}限时特价，快来选购。",
        "我们的{p}设计简洁，品质出众。",
        "送给家人的{p}，温暖又实用。",
        "经典{p}，百搭又时尚。",
        "{p}现已到货，两天内发货。",
    ]
    zh = [f.format(p=p) for p in zh_products for f in zh_frames]
    zh += ["你好，欢迎光临我们的商店。", "新品上市，欢迎选购。", "包邮，七天无理由退货。", "春季新款，舒适透气。"]
    return en + zh


def build_qwen_tokenizer():
    """A real byte-level BPE in Qwen2's tokenizer.json shape, trained here on `training_sentences`."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE(dropout=None, unk_token=None, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN_SPLIT), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
        ]
    )
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(vocab_size=1200, min_frequency=2, show_progress=False, special_tokens=[], initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(training_sentences(), trainer=trainer)
    # As in Qwen: added tokens come after the whole BPE vocab, in this order.
    for content, special in QWEN_ADDED:
        added = AddedToken(content, single_word=False, lstrip=False, rstrip=False, normalized=False, special=special)
        (tok.add_special_tokens if special else tok.add_tokens)([added])
    return tok


# -- repo builders ------------------------------------------------------------------------------


def build_clip(out: Path) -> None:
    """laion/CLIP-ViT-B-32-laion2B-s34B-b79K.

    Real repo files (unverified listing, from memory): .gitattributes, README.md,
    open_clip_config.json, open_clip_model.safetensors, open_clip_pytorch_model.bin (pickle, not
    served), and a transformers copy of the same weights: config.json, model.safetensors,
    pytorch_model.bin (not served), preprocessor_config.json, tokenizer.json, tokenizer_config.json,
    special_tokens_map.json, vocab.json, merges.txt. The transformers copy is served (tiny, with
    its own random weights) because creative's fetch patterns (*.json, *.safetensors, *.txt) pull
    it too; in the real repo that is a second ~600 MB download.
    """
    import torch

    # open_clip_config.json: {"model_cfg": <open_clip's ViT-B-32.json>, "preprocess_cfg": {mean, std}}
    # (structure verified against open_clip's factory, which reads exactly these keys; the real
    # values are embed_dim 512, vision {224, 12 layers, width 768, patch 32}, text {77, 49408,
    # width 512, 8 heads, 12 layers}). Reduced: widths and layers. vocab_size stays 49408 because
    # open_clip's tokenizer for this config is the full CLIP BPE.
    model_cfg = {
        "embed_dim": 32,
        "vision_cfg": {"image_size": 224, "layers": 2, "width": 64, "patch_size": 32},
        "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 2},
    }
    _json(out / "open_clip_config.json", {"model_cfg": model_cfg, "preprocess_cfg": {"mean": OPENAI_MEAN, "std": OPENAI_STD}})
    model = _open_clip_model(out)
    _init_normal(model)
    with torch.no_grad():
        model.logit_scale.fill_(4.6052)  # log(100), as trained CLIPs end up
    _save_safetensors(model.state_dict(), out / "open_clip_model.safetensors")

    # transformers copy: CLIPModel config in the published (transformers 4.2x) key layout.
    n_vocab = write_clip_tokenizer(out, n_merges=1500)
    _json(
        out / "config.json",
        {
            "architectures": ["CLIPModel"],
            "initializer_factor": 1.0,
            "logit_scale_init_value": 2.6592,
            "model_type": "clip",
            "projection_dim": 32,
            "text_config": {
                "bos_token_id": 0,
                "eos_token_id": 2,
                "pad_token_id": 1,
                "hidden_act": "gelu",
                "hidden_size": 32,
                "intermediate_size": 64,
                "max_position_embeddings": 77,
                "model_type": "clip_text_model",
                "num_attention_heads": 2,
                "num_hidden_layers": 2,
                "vocab_size": n_vocab,
            },
            "vision_config": {
                "hidden_act": "gelu",
                "hidden_size": 64,
                "image_size": 224,
                "intermediate_size": 128,
                "model_type": "clip_vision_model",
                "num_attention_heads": 2,
                "num_hidden_layers": 2,
                "patch_size": 32,
            },
            "torch_dtype": "float32",
            "transformers_version": "4.21.3",
        },
    )
    _json(
        out / "preprocessor_config.json",
        {
            "crop_size": 224,
            "do_center_crop": True,
            "do_normalize": True,
            "do_resize": True,
            "feature_extractor_type": "CLIPFeatureExtractor",
            "image_mean": OPENAI_MEAN,
            "image_std": OPENAI_STD,
            "resample": 3,
            "size": 224,
        },
    )
    from transformers import CLIPConfig, CLIPModel

    hf = CLIPModel(CLIPConfig.from_pretrained(out))
    _init_normal(hf)
    _save_safetensors(hf.state_dict(), out / "model.safetensors")
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _readme(out, CLIP_ID, "license: mit\nlibrary_name: open_clip\npipeline_tag: zero-shot-image-classification\n")


def build_coca(out: Path) -> None:
    """laion/mscoco_finetuned_CoCa-ViT-B-32-laion2B-s13B-b90k.

    The real repo is known (open_clip's pretrained.py points at it) to hold
    open_clip_pytorch_model.bin. Whether it also has open_clip_config.json and
    open_clip_model.safetensors could NOT be verified here, so both weight names are served:
    open_clip's hf-hub loader tries open_clip_model.safetensors first, then the .bin. If the real
    repo lacks open_clip_config.json, "hf-hub:" and "local-dir:" loading of it fail there, while
    they work against this mirror. Check before relying on it.
    """
    import torch

    # Structure of open_clip's coca_ViT-B-32.json (verified, it ships with open_clip); reduced widths.
    # embed_dim = text width = multimodal width, as in the real config (512 each): the decoder
    # cross-attends to the vision tokens, which the attentional pooler projects to embed_dim.
    model_cfg = {
        "embed_dim": 16,
        "vision_cfg": {"image_size": 224, "layers": 2, "width": 64, "patch_size": 32, "attentional_pool": True, "attn_pooler_heads": 2, "output_tokens": True},
        "text_cfg": {"context_length": 76, "vocab_size": 49408, "width": 16, "heads": 2, "layers": 1, "embed_cls": True, "output_tokens": True},
        "multimodal_cfg": {"context_length": 76, "vocab_size": 49408, "width": 16, "heads": 2, "layers": 1, "attn_pooler_heads": 2},
        "custom_text": True,
    }
    _json(out / "open_clip_config.json", {"model_cfg": model_cfg, "preprocess_cfg": {"mean": OPENAI_MEAN, "std": OPENAI_STD}})
    model = _open_clip_model(out)
    _init_normal(model)  # also covers CoCa's decoder text_projection, which open_clip leaves as torch.empty
    state = {k: v.detach().contiguous().clone() for k, v in model.state_dict().items()}
    _save_safetensors(state, out / "open_clip_model.safetensors")
    torch.save(state, out / "open_clip_pytorch_model.bin")
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _readme(out, COCA_ID, "license: mit\nlibrary_name: open_clip\npipeline_tag: image-to-text\n")


def build_qwen(out: Path) -> None:
    """Qwen/Qwen2.5-0.5B-Instruct.

    Real repo files (verified against published copies of each file's contents; listing from
    memory): .gitattributes (adds tokenizer.json to LFS), LICENSE, README.md, config.json,
    generation_config.json, merges.txt, model.safetensors (bf16, no lm_head: tied), tokenizer.json,
    tokenizer_config.json, vocab.json.
    """
    import torch

    tok = build_qwen_tokenizer()
    n_bpe = tok.get_vocab_size(with_added_tokens=False)
    ids = {c: tok.token_to_id(c) for c, _ in QWEN_ADDED}
    assert ids["<|endoftext|>"] == n_bpe, "added tokens must follow the BPE vocab, as in Qwen"
    tok_json = json.loads(tok.to_str())
    model_json = tok_json["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model_json["merges"]]
    # Merges as "a b" strings, as in the published tokenizer.json (tokenizers >= 0.20 writes pairs).
    model_json["merges"] = merges
    _text(out / "tokenizer.json", json.dumps(tok_json, indent=2, ensure_ascii=False) + "\n")
    _json(out / "vocab.json", model_json["vocab"])
    _text(out / "merges.txt", "#version: 0.2\n" + "\n".join(merges) + "\n")

    entry = lambda c, s: {"content": c, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": s}
    _json(
        out / "tokenizer_config.json",
        {
            "add_bos_token": False,
            "add_prefix_space": False,
            "added_tokens_decoder": {str(ids[c]): entry(c, s) for c, s in QWEN_ADDED},
            "additional_special_tokens": [c for c, s in QWEN_ADDED[1:14]],
            "bos_token": None,
            "chat_template": QWEN_CHAT_TEMPLATE,
            "clean_up_tokenization_spaces": False,
            "eos_token": "<|im_end|>",
            "errors": "replace",
            "model_max_length": 131072,
            "pad_token": "<|endoftext|>",
            "split_special_tokens": False,
            "tokenizer_class": "Qwen2Tokenizer",
            "unk_token": None,
        },
    )
    # Real vocab_size 151936 is the 151665 tokens padded up (to a multiple of 128); same here.
    vocab_size = -(-(n_bpe + len(QWEN_ADDED)) // 128) * 128
    # Key set and non-size values verified against copies of the real config.json.
    config = {
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": ids["<|endoftext|>"],  # real: 151643
        "eos_token_id": ids["<|im_end|>"],  # real: 151645
        "hidden_act": "silu",
        "hidden_size": 64,  # real: 896
        "initializer_range": 0.02,
        "intermediate_size": 128,  # real: 4864
        "max_position_embeddings": 32768,
        "max_window_layers": 2,  # real: 21 (of 24 layers; unused since use_sliding_window is false)
        "model_type": "qwen2",
        "num_attention_heads": 4,  # real: 14 (GQA 14:2, here 4:2)
        "num_hidden_layers": 2,  # real: 24
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-06,
        "rope_theta": 1000000.0,
        "sliding_window": 32768,
        "tie_word_embeddings": True,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.43.1",
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": vocab_size,  # real: 151936
    }
    _json(out / "config.json", config)
    # generation_config.json: values from memory of the real file (unverified here).
    _json(
        out / "generation_config.json",
        {
            "bos_token_id": ids["<|endoftext|>"],
            "pad_token_id": ids["<|endoftext|>"],
            "do_sample": True,
            "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
            "repetition_penalty": 1.1,
            "temperature": 0.7,
            "top_p": 0.8,
            "top_k": 20,
            "transformers_version": "4.37.0",
        },
    )
    from transformers import AutoConfig, Qwen2ForCausalLM

    model = Qwen2ForCausalLM(AutoConfig.from_pretrained(out))
    _init_normal(model, std=0.2)  # peaked logits: greedy decoding depends on the prompt
    state = {k: v for k, v in model.state_dict().items() if k != "lm_head.weight"}  # tied, absent in the real file
    _save_safetensors(state, out / "model.safetensors", dtype=torch.bfloat16)
    # Qwen's repos add tokenizer.json (7 MB) to LFS (from memory of the real .gitattributes, unverified).
    _text(out / ".gitattributes", HF_GITATTRIBUTES + "tokenizer.json filter=lfs diff=lfs merge=lfs -text\n")
    _text(out / "LICENSE", "Apache License, Version 2.0 (placeholder for the test mirror; the real file is the full text)\n")
    _readme(out, QWEN_ID, "license: apache-2.0\nlanguage:\n- en\npipeline_tag: text-generation\nbase_model: Qwen/Qwen2.5-0.5B\nlibrary_name: transformers\n")


# -- Stable Diffusion 1.x style repos -----------------------------------------------------------

# Published SD 1.x component configs carry many more keys than these sizes; the key names below are
# those of the published files (unet/vae/text_encoder of runwayml-era repos, from memory:
# unverified against the files themselves), with reduced sizes. Classes are the real ones.


def _unet_config(in_channels: int, time_cond_proj_dim: int | None, diffusers_version: str, sample_size: int) -> dict:
    cfg = {
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": diffusers_version,
        "act_fn": "silu",
        "attention_head_dim": 8,
        "block_out_channels": [32, 32, 64, 64],  # real: [320, 640, 1280, 1280]
        "center_input_sample": False,
        "cross_attention_dim": 32,  # real: 768 (CLIP ViT-L/14 text width)
        "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
        "downsample_padding": 1,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "in_channels": in_channels,
        "layers_per_block": 1,  # real: 2
        "mid_block_scale_factor": 1,
        "norm_eps": 1e-05,
        "norm_num_groups": 32,
        "out_channels": 4,
        "sample_size": sample_size,
        "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    }
    if time_cond_proj_dim is not None:
        cfg["time_cond_proj_dim"] = time_cond_proj_dim  # LCM's guidance-scale embedding (real: 256)
    return cfg


def _vae_config(diffusers_version: str) -> dict:
    return {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": diffusers_version,
        "act_fn": "silu",
        "block_out_channels": [8, 16, 32, 32],  # real: [128, 256, 512, 512]; 4 blocks keep the 8x latent scale
        "down_block_types": ["DownEncoderBlock2D"] * 4,
        "in_channels": 3,
        "latent_channels": 4,
        "layers_per_block": 1,  # real: 2
        "norm_num_groups": 8,  # real: 32
        "out_channels": 3,
        "sample_size": 64,  # real: 512
        "up_block_types": ["UpDecoderBlock2D"] * 4,
    }


def _text_encoder_config(vocab_size: int) -> dict:
    # CLIPTextModel config as SD 1.x publishes it (openai/clip-vit-large-patch14 text tower),
    # including its odd bos/eos/pad ids 0/2/1, which make CLIPTextModel pool at argmax(input_ids):
    # correct as long as <|endoftext|> has the highest id, which the truncated vocab keeps.
    return {
        "_name_or_path": "openai/clip-vit-large-patch14",
        "architectures": ["CLIPTextModel"],
        "attention_dropout": 0.0,
        "bos_token_id": 0,
        "dropout": 0.0,
        "eos_token_id": 2,
        "hidden_act": "quick_gelu",
        "hidden_size": 32,  # real: 768
        "initializer_factor": 1.0,
        "initializer_range": 0.02,
        "intermediate_size": 64,  # real: 3072
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": 77,
        "model_type": "clip_text_model",
        "num_attention_heads": 4,  # real: 12
        "num_hidden_layers": 2,  # real: 12
        "pad_token_id": 1,
        "projection_dim": 32,  # real: 768
        "torch_dtype": "float32",
        "transformers_version": "4.22.0.dev0",
        "vocab_size": vocab_size,  # real: 49408
    }


def _safety_checker_config() -> dict:
    # Subset of the published CompVis/stable-diffusion-safety-checker CLIPConfig dump (the real file
    # repeats every default of text_config/vision_config and their *_dict twins).
    return {
        "_name_or_path": "CompVis/stable-diffusion-safety-checker",
        "architectures": ["StableDiffusionSafetyChecker"],
        "initializer_factor": 1.0,
        "logit_scale_init_value": 2.6592,
        "model_type": "clip",
        "projection_dim": 32,  # real: 768
        "text_config": {
            "bos_token_id": 0,
            "eos_token_id": 2,
            "pad_token_id": 1,
            "hidden_size": 32,
            "intermediate_size": 64,
            "model_type": "clip_text_model",
            "num_attention_heads": 2,
            "num_hidden_layers": 1,
            "vocab_size": 1000,
            "max_position_embeddings": 77,
        },
        "vision_config": {
            "hidden_size": 32,
            "image_size": 224,
            "intermediate_size": 64,
            "model_type": "clip_vision_model",
            "num_attention_heads": 2,
            "num_hidden_layers": 2,
            "patch_size": 32,  # real: ViT-L/14, 1024 wide, 24 layers
        },
        "torch_dtype": "float32",
        "transformers_version": "4.22.0.dev0",
    }


def _sd_components(out: Path, *, unet_cfg: dict, vae_version: str, pad_token: str, added_tokens: bool, fp16_variants: bool) -> None:
    """text_encoder/, tokenizer/, unet/, vae/, safety_checker/ of an SD 1.x diffusers repo."""
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig, CLIPTextConfig, CLIPTextModel

    n_vocab = write_clip_tokenizer(out / "tokenizer", n_merges=1500, pad_token=pad_token, added_tokens=added_tokens)

    _json(out / "text_encoder" / "config.json", _text_encoder_config(n_vocab))
    text_encoder = CLIPTextModel(CLIPTextConfig.from_pretrained(out / "text_encoder"))
    _init_normal(text_encoder)
    weights = {"text_encoder": (text_encoder.state_dict(), "model")}

    _json(out / "unet" / "config.json", unet_cfg)
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(out / "unet"))
    _init_normal(unet)
    weights["unet"] = (unet.state_dict(), "diffusion_pytorch_model")

    _json(out / "vae" / "config.json", _vae_config(vae_version))
    vae = AutoencoderKL.from_config(AutoencoderKL.load_config(out / "vae"))
    _init_normal(vae)
    weights["vae"] = (vae.state_dict(), "diffusion_pytorch_model")

    _json(out / "safety_checker" / "config.json", _safety_checker_config())
    checker = StableDiffusionSafetyChecker(CLIPConfig.from_pretrained(out / "safety_checker"))
    _init_normal(checker)
    with torch.no_grad():
        # Thresholds of 1.0 on cosine similarities: the tiny checker never flags (and never blacks
        # out) an image, so pipeline outputs stay deterministic functions of the weights.
        checker.concept_embeds_weights.fill_(1.0)
        checker.special_care_embeds_weights.fill_(1.0)
    weights["safety_checker"] = (checker.state_dict(), "model")

    for sub, (state, stem) in weights.items():
        _save_safetensors(state, out / sub / f"{stem}.safetensors")
        if fp16_variants:
            _save_safetensors(state, out / sub / f"{stem}.fp16.safetensors", dtype=torch.float16)


def build_lcm(out: Path) -> None:
    """SimianLuo/LCM_Dreamshaper_v7.

    Real repo (listing from memory, unverified): model_index.json, scheduler/, text_encoder/,
    tokenizer/ (incl. added_tokens.json: a third-party README confirms that file), unet/, vae/,
    feature_extractor/, safety_checker/, plus files NOT served here: lcm_pipeline.py and
    lcm_scheduler.py (the pre-diffusers-0.22 community code) and a root single-file checkpoint
    LCM_Dreamshaper_v7_4k.safetensors (unverified; if it exists, a "*.safetensors" allow pattern
    downloads it too, ~3.4 GB).
    """
    # model_index.json: native diffusers LCM pipeline (since diffusers 0.22); values unverified.
    _json(
        out / "model_index.json",
        {
            "_class_name": "LatentConsistencyModelPipeline",
            "_diffusers_version": "0.22.0.dev0",
            "feature_extractor": ["transformers", "CLIPImageProcessor"],
            "requires_safety_checker": True,
            "safety_checker": ["stable_diffusion", "StableDiffusionSafetyChecker"],
            "scheduler": ["diffusers", "LCMScheduler"],
            "text_encoder": ["transformers", "CLIPTextModel"],
            "tokenizer": ["transformers", "CLIPTokenizer"],
            "unet": ["diffusers", "UNet2DConditionModel"],
            "vae": ["diffusers", "AutoencoderKL"],
        },
    )
    # Full-size scheduler config (no weights, nothing to reduce); LCMScheduler's keys as
    # diffusers 0.22 wrote them (values unverified against the real file).
    _json(
        out / "scheduler" / "scheduler_config.json",
        {
            "_class_name": "LCMScheduler",
            "_diffusers_version": "0.22.0.dev0",
            "beta_end": 0.012,
            "beta_schedule": "scaled_linear",
            "beta_start": 0.00085,
            "clip_sample": False,
            "clip_sample_range": 1.0,
            "dynamic_thresholding_ratio": 0.995,
            "num_train_timesteps": 1000,
            "original_inference_steps": 50,
            "prediction_type": "epsilon",
            "rescale_betas_zero_snr": False,
            "sample_max_value": 1.0,
            "set_alpha_to_one": True,
            "steps_offset": 1,
            "thresholding": False,
            "timestep_scaling": 10.0,
            "timestep_spacing": "leading",
            "trained_betas": None,
        },
    )
    _json(
        out / "feature_extractor" / "preprocessor_config.json",
        {
            "crop_size": {"height": 224, "width": 224},
            "do_center_crop": True,
            "do_convert_rgb": True,
            "do_normalize": True,
            "do_rescale": True,
            "do_resize": True,
            "feature_extractor_type": "CLIPFeatureExtractor",
            "image_mean": OPENAI_MEAN,
            "image_processor_type": "CLIPImageProcessor",
            "image_std": OPENAI_STD,
            "resample": 3,
            "rescale_factor": 0.00392156862745098,
            "size": {"shortest_edge": 224},
        },
    )
    # real unet: sample_size 96 (768 px, unverified), time_cond_proj_dim 256
    _sd_components(
        out,
        unet_cfg=_unet_config(4, 256, "0.22.0.dev0", sample_size=8),
        vae_version="0.22.0.dev0",
        pad_token="<|endoftext|>",
        added_tokens=True,
        fp16_variants=False,
    )
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _readme(out, LCM_ID, "license: mit\nlanguage:\n- en\npipeline_tag: text-to-image\ntags:\n- text-to-image\n")


def build_inpaint(out: Path) -> None:
    """stable-diffusion-v1-5/stable-diffusion-inpainting (the runwayml repo, re-hosted).

    Real repo (listing from memory, unverified): the diffusers folders below, each weight both
    as .safetensors and as an .fp16.safetensors variant (served here, so "*.safetensors"
    fetches show the doubled download), plus .bin pickles and the single-file
    sd-v1-5-inpainting.ckpt (not served).
    """
    _json(
        out / "model_index.json",
        {
            "_class_name": "StableDiffusionInpaintPipeline",
            "_diffusers_version": "0.6.0",
            "feature_extractor": ["transformers", "CLIPImageProcessor"],
            "safety_checker": ["stable_diffusion", "StableDiffusionSafetyChecker"],
            "scheduler": ["diffusers", "DDIMScheduler"],
            "text_encoder": ["transformers", "CLIPTextModel"],
            "tokenizer": ["transformers", "CLIPTokenizer"],
            "unet": ["diffusers", "UNet2DConditionModel"],
            "vae": ["diffusers", "AutoencoderKL"],
        },
    )
    # The inpainting repo ships a DDIM config (SD v1-5 text2img ships PNDM); values from memory.
    _json(
        out / "scheduler" / "scheduler_config.json",
        {
            "_class_name": "DDIMScheduler",
            "_diffusers_version": "0.6.0",
            "beta_end": 0.012,
            "beta_schedule": "scaled_linear",
            "beta_start": 0.00085,
            "clip_sample": False,
            "num_train_timesteps": 1000,
            "set_alpha_to_one": False,
            "steps_offset": 1,
            "trained_betas": None,
        },
    )
    _json(
        out / "feature_extractor" / "preprocessor_config.json",
        {
            "crop_size": 224,
            "do_center_crop": True,
            "do_convert_rgb": True,
            "do_normalize": True,
            "do_resize": True,
            "feature_extractor_type": "CLIPFeatureExtractor",
            "image_mean": OPENAI_MEAN,
            "image_std": OPENAI_STD,
            "resample": 3,
            "size": 224,
        },
    )
    # real unet: in_channels 9 (4 latent + 4 masked-image latent + 1 mask), sample_size 64
    _sd_components(
        out,
        unet_cfg=_unet_config(9, None, "0.6.0", sample_size=8),
        vae_version="0.6.0",
        pad_token="<|endoftext|>",
        added_tokens=False,
        fp16_variants=True,
    )
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _readme(out, INPAINT_ID, "license: creativeml-openrail-m\ntags:\n- stable-diffusion\n- text-to-image\ninference: false\n")


BUILDERS: dict[str, Callable[[Path], None]] = {
    CLIP_ID: build_clip,
    QWEN_ID: build_qwen,
    COCA_ID: build_coca,
    LCM_ID: build_lcm,
    INPAINT_ID: build_inpaint,
}


# -- build cache --------------------------------------------------------------------------------


def build_key() -> str:
    src = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"v{REPOS_VERSION}-{src}"


def default_cache_root() -> Path:
    env = os.environ.get("CREATIVE_HUBMIRROR_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "creative-hubmirror"


def build_all(dest: Path, repo_ids=REPO_IDS) -> dict[str, Path]:
    """Build the repos into dest/<org>/<name>/ (dest must not hold them yet); deterministic."""
    import torch

    folders = {}
    with torch.random.fork_rng(devices=[]):
        for repo_id in repo_ids:
            folder = dest / repo_id
            folder.mkdir(parents=True)
            torch.manual_seed(SEED)
            BUILDERS[repo_id](folder)
            folders[repo_id] = folder
    _json(dest / "manifest.json", {"version": build_key(), "repos": {r: r for r in repo_ids}})
    return folders


def ensure_repos(cache_root: Path | None = None) -> Path:
    """Build all repos once per build key; returns the folder holding manifest.json and <org>/<name>/."""
    root = (cache_root or default_cache_root()) / build_key()
    if (root / "manifest.json").exists():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        build_all(tmp)
        try:
            os.rename(tmp, root)
        except OSError:
            if not (root / "manifest.json").exists():  # not a concurrent builder winning the race
                if root.exists():
                    shutil.rmtree(root)  # a half-built leftover
                os.rename(tmp, root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root


def repo_folders(root: Path) -> dict[str, Path]:
    manifest = json.loads((root / "manifest.json").read_text())
    return {repo_id: root / rel for repo_id, rel in manifest["repos"].items()}


if __name__ == "__main__":  # python tests/hubmirror/repos.py [cache_root]
    print(ensure_repos(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
