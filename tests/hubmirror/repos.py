"""Stand-ins for the five hub repos of the base profile, laid out file for file like the real ones
at the commits models/base.toml pins (`REVISIONS`; the mirror serves each repo at that commit).

Each builder writes one repo into a folder: the same file names and sub-folders as the published
repo at that commit (including the files creative must not fetch: pickles, ONNX exports,
single-file checkpoints, which are small placeholders), configs with the same classes and keys
(written by hand in the published format, not re-serialised by today's libraries), and seeded
random weights: at reduced sizes for tests (same model classes, fewer/smaller layers, smaller
vocabularies), or with `full=True` at the published sizes (benchmarks/bench_base_cpu.py). The
configs are read back by the real library to build the model whose weights are saved, so a config
the library cannot read fails the build, not a test.

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

# The commit each repo is served at: the real hub commits that models/base.toml pins, so a pinned
# download from the mirror takes the same path (/resolve/<commit>/...) as one from the hub.
# How each was checked (huggingface.co pages in the docs corpus, snapshot paths in public code):
REVISIONS = {
    # seen in many published HF-cache snapshot paths (…/snapshots/1a25a44…/open_clip_model.safetensors)
    CLIP_ID: "1a25a446712ba5ee05982a381eed697ef9b435cf",
    # seen in many published HF-cache snapshot paths of Qwen2.5-0.5B-Instruct
    QWEN_ID: "7ae557604adf67be50417f59c2c2f167def9a775",
    # huggingface.co tree page: main = 2 commits, head ef0732e "Add CoCa B/32"
    COCA_ID: "ef0732eb039c932624eb8b867c82ab2311001b09",
    # huggingface.co tree/main page: head a85df6a "Update scheduler/scheduler_config.json (#14)", 20 commits
    LCM_ID: "a85df6a8bd976cdd08b4fd8f3b73f229c9e54df5",
    # huggingface.co tree page: one commit, 8a4288a "Initial commit" (sd-legacy), also main
    INPAINT_ID: "8a4288a76071f7280aedbdb3253bdb9e9d5d84bb",
}

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


def _placeholder(path: Path, what: str) -> None:
    """A file the published repo has but creative must never fetch or read (pickles, ONNX
    exports, single-file checkpoints, pictures): small, with the same name. A pickle placeholder is
    a real torch pickle of one zero tensor, so anything that did load it would fail loudly instead
    of loading weights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix in (".bin", ".ckpt", ".pt", ".pth"):
        import torch

        torch.save({"placeholder_for": torch.zeros(1), "what": what}, path)
    else:
        path.write_bytes(f"test-mirror placeholder for {what} ({path.name})\n".encode())


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


def write_clip_tokenizer(folder: Path, n_merges: int, pad_token: str = "<|endoftext|>", plain_specials: bool = False) -> int:
    """CLIPTokenizer files as in the SD 1.x `tokenizer/` folders; returns the vocab size.
    `plain_specials`: special_tokens_map.json with plain strings (the LCM repo's 133-byte file)
    instead of AddedToken dicts (the inpainting repo's 472-byte one)."""
    vocab, merges = clip_bpe(n_merges)
    _json(folder / "vocab.json", vocab)
    _text(folder / "merges.txt", "#version: 0.2\n" + "\n".join(merges) + "\n")
    tok = lambda c: {"content": c, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    # special_tokens_map.json / tokenizer_config.json: the openai/clip-vit-large-patch14 files that
    # SD 1.x copied (verified shape from memory of runwayml/stable-diffusion-v1-5; "__type" marks
    # the legacy AddedToken serialisation those files use).
    if plain_specials:
        _json(folder / "special_tokens_map.json", {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": pad_token, "unk_token": "<|endoftext|>"})
    else:
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
#
# Every builder takes `full`: False (tests) writes reduced dimensions; True (the CPU benchmark,
# benchmarks/bench_base_cpu.py) writes the published dimensions, so load and inference times are
# those of the real models (the weights are still random). Files creative never fetches are
# placeholders in both modes (see `_placeholder`).


def build_clip(out: Path, full: bool = False) -> None:
    """laion/CLIP-ViT-B-32-laion2B-s34B-b79K at 1a25a44.

    Files: open_clip_config.json and open_clip_model.safetensors (both seen in published snapshot
    paths of this commit), open_clip_pytorch_model.bin (the same weights as a pickle; a file guide
    for this repo lists it at ~605 MB), and a transformers copy of the weights: config.json,
    model.safetensors, tokenizer and preprocessor files (listing from memory, unverified; a
    third-party config.json names this repo as its source with the CLIPModel key layout used
    here). Only the two open_clip files are fetched by creative.
    """
    import torch

    # open_clip_config.json: {"model_cfg": <open_clip's ViT-B-32.json>, "preprocess_cfg": {mean, std}}
    # (the structure open_clip's factory reads). Full: the published ViT-B-32 numbers.
    if full:
        model_cfg = {
            "embed_dim": 512,
            "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32},
            "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12},
        }
    else:
        # vocab_size stays 49408: open_clip's tokenizer for this config is the full CLIP BPE.
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
    del model
    _placeholder(out / "open_clip_pytorch_model.bin", "the open_clip weights as a pickle (~605 MB)")

    # transformers copy (never fetched by creative; reduced in both modes): CLIPModel config in the
    # published (transformers 4.2x) key layout.
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
    _placeholder(out / "pytorch_model.bin", "the transformers weights as a pickle")
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _readme(out, CLIP_ID, "license: mit\nlibrary_name: open_clip\npipeline_tag: zero-shot-image-classification\n")


def build_coca(out: Path, full: bool = False) -> None:
    """laion/mscoco_finetuned_CoCa-ViT-B-32-laion2B-s13B-b90k at ef0732e.

    Verified on the hub's tree page for this commit: .gitattributes (1.54 kB), README.md (21 B,
    front matter `license: mit`), open_clip_config.json (659 B) and open_clip_pytorch_model.bin
    (1.01 GB, a pickle whose only imports are OrderedDict, FloatStorage and _rebuild_tensor_v2).
    There is NO safetensors file (unlike the ViT-L/14 sibling, which gained one in a later
    commit). The pickle here is a real torch.save of a state dict, as published, so creative's
    weights-only conversion of it is exercised.
    """
    import torch

    # open_clip_config.json content: the structure of open_clip's own coca_ViT-B-32.json (shipped
    # with open_clip); that the 659-byte file holds exactly that is unverified. Reduced: widths
    # and layers; embed_dim = text width = multimodal width, as in the real config (512 each).
    if full:
        model_cfg = json.loads((Path(__import__("open_clip").__file__).parent / "model_configs" / "coca_ViT-B-32.json").read_text())
    else:
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
    torch.save(state, out / "open_clip_pytorch_model.bin")
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _text(out / "README.md", "---\nlicense: mit\n---\n")


def build_qwen(out: Path, full: bool = False) -> None:
    """Qwen/Qwen2.5-0.5B-Instruct at 7ae5576.

    Files (listing seen on hub pages of exact duplicates of this repo): .gitattributes (1.52 kB,
    the hub default: tokenizer.json is NOT in LFS), LICENSE, README.md, config.json (659 B),
    generation_config.json (242 B), merges.txt, model.safetensors (988 MB, bf16, no lm_head:
    tied), tokenizer.json (7.03 MB), tokenizer_config.json (7.31 kB), vocab.json.
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
    # Real vocab_size 151936 is the 151665 tokens padded up (to a multiple of 128); the reduced
    # one pads the same way. Full: the published 151936 (the trained tokenizer uses the low ids).
    vocab_size = 151936 if full else -(-(n_bpe + len(QWEN_ADDED)) // 128) * 128
    # Key set and non-size values verified against copies of the real config.json.
    sizes = (
        {"hidden_size": 896, "intermediate_size": 4864, "max_window_layers": 21, "num_attention_heads": 14, "num_hidden_layers": 24}
        if full
        else {"hidden_size": 64, "intermediate_size": 128, "max_window_layers": 2, "num_attention_heads": 4, "num_hidden_layers": 2}
    )
    config = {
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": ids["<|endoftext|>"],  # real: 151643
        "eos_token_id": ids["<|im_end|>"],  # real: 151645
        "hidden_act": "silu",
        "hidden_size": sizes["hidden_size"],  # real: 896
        "initializer_range": 0.02,
        "intermediate_size": sizes["intermediate_size"],  # real: 4864
        "max_position_embeddings": 32768,
        "max_window_layers": sizes["max_window_layers"],  # real: 21 (unused: use_sliding_window is false)
        "model_type": "qwen2",
        "num_attention_heads": sizes["num_attention_heads"],  # real: 14 (GQA 14:2)
        "num_hidden_layers": sizes["num_hidden_layers"],  # real: 24
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
    # generation_config.json: values as quoted from the real file in a public report.
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
    _init_normal(model, std=0.02 if full else 0.2)  # reduced: peaked logits, so greedy decoding depends on the prompt
    state = {k: v for k, v in model.state_dict().items() if k != "lm_head.weight"}  # tied, absent in the real file
    _save_safetensors(state, out / "model.safetensors", dtype=torch.bfloat16)
    del model, state
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _text(out / "LICENSE", "Apache License, Version 2.0 (placeholder for the test mirror; the real file is the full text)\n")
    _readme(out, QWEN_ID, "license: apache-2.0\nlanguage:\n- en\npipeline_tag: text-generation\nbase_model: Qwen/Qwen2.5-0.5B\nlibrary_name: transformers\n")


# -- Stable Diffusion 1.x style repos -----------------------------------------------------------

# Full sizes are the published SD 1.x ones (unet/vae/text_encoder of both repos).


def _unet_config(in_channels: int, time_cond_proj_dim: int | None, diffusers_version: str, sample_size: int, full: bool, modern_keys: bool) -> dict:
    """UNet2DConditionModel config. `modern_keys`: the full key set diffusers >= 0.2x writes (the
    LCM repo's file, 1.73 kB; its keys and values verified in re-serialised copies that name this
    repo's snapshot as their source); otherwise the short 0.6.0-era set of the inpainting repo
    (748 B; keys from memory)."""
    cfg = {
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": diffusers_version,
        "act_fn": "silu",
        # SD 1.x's legacy name for the number of heads (8). Reduced: 1 head, because at 512 px the
        # top level attends over 64x64 latents: with 8 heads, attention alone is as slow as the
        # full model's (the number of heads, not their width, sets the cost of those 4096x4096 maps).
        "attention_head_dim": 8 if full else 1,
        "block_out_channels": [320, 640, 1280, 1280] if full else [32, 32, 64, 64],
        "center_input_sample": False,
        "cross_attention_dim": 768 if full else 32,  # CLIP ViT-L/14 text width
        "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
        "downsample_padding": 1,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "in_channels": in_channels,
        "layers_per_block": 2 if full else 1,
        "mid_block_scale_factor": 1,
        "norm_eps": 1e-05,
        "norm_num_groups": 32,
        "out_channels": 4,
        "sample_size": sample_size,
        "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    }
    if modern_keys:
        cfg.update(
            {
                "addition_embed_type": None,
                "addition_embed_type_num_heads": 64,
                "addition_time_embed_dim": None,
                "attention_type": "default",
                "class_embed_type": None,
                "class_embeddings_concat": False,
                "conv_in_kernel": 3,
                "conv_out_kernel": 3,
                "cross_attention_norm": None,
                "dropout": 0.0,
                "dual_cross_attention": False,
                "encoder_hid_dim": None,
                "encoder_hid_dim_type": None,
                "mid_block_only_cross_attention": None,
                "mid_block_type": "UNetMidBlock2DCrossAttn",
                "num_attention_heads": None,
                "num_class_embeds": None,
                "only_cross_attention": False,
                "projection_class_embeddings_input_dim": None,
                "resnet_out_scale_factor": 1.0,
                "resnet_skip_time_act": False,
                "resnet_time_scale_shift": "default",
                "time_embedding_act_fn": None,
                "time_embedding_dim": None,
                "time_embedding_type": "positional",
                "timestep_post_act": None,
                "transformer_layers_per_block": 1,
                "upcast_attention": False,
                "use_linear_projection": False,
            }
        )
    if time_cond_proj_dim is not None:
        cfg["time_cond_proj_dim"] = time_cond_proj_dim  # LCM's guidance-scale embedding (real: 256)
    return dict(sorted(cfg.items()))


def _vae_config(diffusers_version: str, full: bool) -> dict:
    return {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": diffusers_version,
        "act_fn": "silu",
        "block_out_channels": [128, 256, 512, 512] if full else [8, 16, 32, 32],  # 4 blocks keep the 8x latent scale
        "down_block_types": ["DownEncoderBlock2D"] * 4,
        "in_channels": 3,
        "latent_channels": 4,
        "layers_per_block": 2 if full else 1,
        "norm_num_groups": 32 if full else 8,
        "out_channels": 3,
        "sample_size": 512 if full else 64,
        "up_block_types": ["UpDecoderBlock2D"] * 4,
    }


def _text_encoder_config(vocab_size: int, full: bool) -> dict:
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
        "hidden_size": 768 if full else 32,
        "initializer_factor": 1.0,
        "initializer_range": 0.02,
        "intermediate_size": 3072 if full else 64,
        "layer_norm_eps": 1e-05,
        "max_position_embeddings": 77,
        "model_type": "clip_text_model",
        "num_attention_heads": 12 if full else 4,
        "num_hidden_layers": 12 if full else 2,
        "pad_token_id": 1,
        "projection_dim": 768 if full else 32,
        "torch_dtype": "float32",
        "transformers_version": "4.22.0.dev0",
        "vocab_size": vocab_size,  # real: 49408
    }


def _safety_checker_config() -> dict:
    # Subset of the published CompVis/stable-diffusion-safety-checker CLIPConfig dump. Never
    # fetched by creative (its own safety role screens images), so reduced in both modes.
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


def _safety_checker(out: Path, files: tuple[str, ...]) -> None:
    """safety_checker/: a real (reduced) StableDiffusionSafetyChecker, saved under `files`."""
    import torch
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig

    _json(out / "safety_checker" / "config.json", _safety_checker_config())
    checker = StableDiffusionSafetyChecker(CLIPConfig.from_pretrained(out / "safety_checker"))
    _init_normal(checker)
    for name in files:
        if name.endswith(".safetensors"):
            _save_safetensors(checker.state_dict(), out / "safety_checker" / name, dtype=torch.float16 if ".fp16." in name else None)
        else:
            _placeholder(out / "safety_checker" / name, "safety checker weights as a pickle")


def _sd_components(out: Path, *, unet_cfg: dict, vae_version: str, full: bool, layout: str) -> None:
    """text_encoder/, tokenizer/, unet/, vae/ of an SD 1.x diffusers repo.

    layout "lcm": fp32 safetensors (model.safetensors, diffusion_pytorch_model.safetensors) plus
    the ONNX exports added in #11 (text_encoder/model.onnx, unet/model.onnx + model.onnx_data).
    layout "inpaint": NO fp32 safetensors (verified on the hub's tree pages of 8a4288a: unet/ and
    vae/ hold diffusion_pytorch_model.bin, .fp16.bin and .fp16.safetensors; text_encoder/ holds
    pytorch_model.bin, pytorch_model.fp16.bin and model.fp16.safetensors).
    """
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    # The full tokenizer is the real CLIP BPE (all 48894 merges: vocab 49408, as published).
    n_vocab = write_clip_tokenizer(out / "tokenizer", n_merges=48894 if full else 1500, plain_specials=layout == "lcm")

    _json(out / "text_encoder" / "config.json", _text_encoder_config(n_vocab, full))
    text_encoder = CLIPTextModel(CLIPTextConfig.from_pretrained(out / "text_encoder"))
    _init_normal(text_encoder)
    weights = {"text_encoder": (text_encoder, "model", "pytorch_model")}

    _json(out / "unet" / "config.json", unet_cfg)
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(out / "unet"))
    _init_normal(unet)
    weights["unet"] = (unet, "diffusion_pytorch_model", "diffusion_pytorch_model")

    _json(out / "vae" / "config.json", _vae_config(vae_version, full))
    vae = AutoencoderKL.from_config(AutoencoderKL.load_config(out / "vae"))
    _init_normal(vae)
    weights["vae"] = (vae, "diffusion_pytorch_model", "diffusion_pytorch_model")

    for sub, (module, st_stem, pickle_stem) in weights.items():
        state = module.state_dict()
        if layout == "lcm":
            _save_safetensors(state, out / sub / f"{st_stem}.safetensors")
        else:
            _save_safetensors(state, out / sub / f"{st_stem}.fp16.safetensors", dtype=torch.float16)
            _placeholder(out / sub / f"{pickle_stem}.bin", f"{sub} weights as a pickle")
            _placeholder(out / sub / f"{pickle_stem}.fp16.bin", f"{sub} fp16 weights as a pickle")
        del state
    del weights, text_encoder, unet, vae
    if layout == "lcm":
        _placeholder(out / "text_encoder" / "model.onnx", "ONNX export of the text encoder (#11)")
        _placeholder(out / "unet" / "model.onnx", "ONNX export of the unet (#11, 1.95 MB)")
        _placeholder(out / "unet" / "model.onnx_data", "ONNX weights of the unet (#11, 3.44 GB)")
        for sub in ("vae_encoder", "vae_decoder"):
            # the optimum export's config (651 B): the VAE config naming its export folder
            _json(out / sub / "config.json", {**_vae_config("0.22.0.dev0", full), "_name_or_path": f"/tmp/export/{sub}"})
            _placeholder(out / sub / "model.onnx", f"ONNX export of the {sub} (#11)")


def build_lcm(out: Path, full: bool = False) -> None:
    """SimianLuo/LCM_Dreamshaper_v7 at a85df6a (main, 20 commits).

    Verified on the hub's tree pages: feature_extractor/ (preprocessor_config.json 518 B),
    safety_checker/ (config.json 726 B, model.safetensors 1.22 GB), scheduler/
    (scheduler_config.json 539 B), text_encoder/, tokenizer/ (merges.txt, special_tokens_map.json
    133 B, tokenizer_config.json 765 B, vocab.json; added_tokens.json was deleted in #8), unet/
    (config.json 1.73 kB, diffusion_pytorch_model.safetensors 3.44 GB, model.onnx 1.95 MB,
    model.onnx_data 3.44 GB), vae/, vae_decoder/ and vae_encoder/ (ONNX, #11), and at the root
    .gitattributes, LCM_Dreamshaper_v7_4k.safetensors (3.44 GB single-file checkpoint),
    README.md, inference.py, lcm_pipeline.py, lcm_scheduler.py, model_index.json (588 B),
    speed_fid.png, teaser.png. A "*.safetensors" pattern would fetch the 3.44 GB root checkpoint
    too; a "*.onnx" pattern the ONNX exports.
    """
    # model_index.json: the native diffusers LCM pipeline (its shape as seen in copies of this
    # file; exact bytes unverified).
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
    # scheduler_config.json as uploaded in #7 (539 B; content verified on the hub's blob page).
    # #14 changed it to another 539-byte version whose content is unverified.
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
            "steps_offset": 0,
            "thresholding": False,
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
    # unet: sample_size 96 (768 px by default) and time_cond_proj_dim 256, as published.
    _sd_components(out, unet_cfg=_unet_config(4, 256, "0.22.0.dev0", 96, full, modern_keys=True), vae_version="0.22.0.dev0", full=full, layout="lcm")
    _safety_checker(out, ("model.safetensors",))
    _placeholder(out / "LCM_Dreamshaper_v7_4k.safetensors", "the single-file checkpoint (3.44 GB)")
    for name in ("inference.py", "lcm_pipeline.py", "lcm_scheduler.py", "speed_fid.png", "teaser.png"):
        _placeholder(out / name, "pre-diffusers-0.22 community code or a picture")
    _text(out / ".gitattributes", HF_GITATTRIBUTES + "*.onnx_data filter=lfs diff=lfs merge=lfs -text\nteaser.png filter=lfs diff=lfs merge=lfs -text\n")
    _readme(out, LCM_ID, "license: mit\nlanguage:\n- en\npipeline_tag: text-to-image\ntags:\n- text-to-image\n")


def build_inpaint(out: Path, full: bool = False) -> None:
    """stable-diffusion-v1-5/stable-diffusion-inpainting at 8a4288a (its only commit).

    Verified on the hub's tree pages: feature_extractor/, safety_checker/, scheduler/,
    text_encoder/ (config.json 617 B, model.fp16.safetensors 246 MB, pytorch_model.bin 492 MB,
    pytorch_model.fp16.bin), tokenizer/ (merges.txt, special_tokens_map.json 472 B,
    tokenizer_config.json 806 B, vocab.json), unet/ (config.json 748 B,
    diffusion_pytorch_model.bin 3.44 GB, .fp16.bin 1.72 GB, .fp16.safetensors 1.72 GB), vae/
    (config.json 552 B, .bin 335 MB, .fp16.bin, .fp16.safetensors 167 MB), and at the root
    .gitattributes, README.md, config.json (748 B), model_index.json (548 B) and
    sd-v1-5-inpainting.ckpt (4.27 GB pickle). The only safetensors weights are the fp16 variants.
    """
    # model_index.json: as in a byte-identical-size (548 B) published copy.
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
    # The inpainting repo ships a DDIM config (313 B); values from memory.
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
    # unet: in_channels 9 (4 latent + 4 masked-image latent + 1 mask), sample_size 64 (512 px),
    # as published (diffusers would raise a sample_size under 64 to 64 for a config this old).
    unet_cfg = _unet_config(9, None, "0.6.0", 64, full, modern_keys=False)
    _sd_components(out, unet_cfg=unet_cfg, vae_version="0.6.0", full=full, layout="inpaint")
    _json(out / "config.json", unet_cfg)  # the root config.json (748 B, the same size as unet/config.json)
    _safety_checker(out, ("pytorch_model.bin", "pytorch_model.fp16.bin", "model.safetensors", "model.fp16.safetensors"))
    _placeholder(out / "sd-v1-5-inpainting.ckpt", "the original single-file checkpoint (4.27 GB)")
    _text(out / ".gitattributes", HF_GITATTRIBUTES)
    _readme(out, INPAINT_ID, "license: creativeml-openrail-m\ntags:\n- stable-diffusion\n- text-to-image\ninference: false\n")


BUILDERS: dict[str, Callable[..., None]] = {
    CLIP_ID: build_clip,
    QWEN_ID: build_qwen,
    COCA_ID: build_coca,
    LCM_ID: build_lcm,
    INPAINT_ID: build_inpaint,
}


# -- build cache --------------------------------------------------------------------------------


def build_key(full: bool = False) -> str:
    src = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"v{REPOS_VERSION}-{src}" + ("-full" if full else "")


def default_cache_root() -> Path:
    env = os.environ.get("CREATIVE_HUBMIRROR_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / "creative-hubmirror"


def build_all(dest: Path, repo_ids=REPO_IDS, full: bool = False) -> dict[str, Path]:
    """Build the repos into dest/<org>/<name>/ (dest must not hold them yet); deterministic."""
    import torch

    folders = {}
    with torch.random.fork_rng(devices=[]):
        for repo_id in repo_ids:
            folder = dest / repo_id
            folder.mkdir(parents=True)
            torch.manual_seed(SEED)
            BUILDERS[repo_id](folder, full=full)
            folders[repo_id] = folder
    _json(dest / "manifest.json", {"version": build_key(full), "repos": {r: r for r in repo_ids}, "commits": {r: REVISIONS[r] for r in repo_ids}})
    return folders


def ensure_repos(cache_root: Path | None = None, full: bool = False) -> Path:
    """Build all repos once per build key; returns the folder holding manifest.json and <org>/<name>/."""
    root = (cache_root or default_cache_root()) / build_key(full)
    if (root / "manifest.json").exists():
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        build_all(tmp, full=full)
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


if __name__ == "__main__":  # python tests/hubmirror/repos.py [cache_root] [--full]
    args = [a for a in sys.argv[1:] if a != "--full"]
    print(ensure_repos(Path(args[0]) if args else None, full="--full" in sys.argv))
