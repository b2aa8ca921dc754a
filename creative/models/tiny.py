"""Tiny deterministic models, built from the configs in `models/tiny.toml`.

Each builder creates a model with a fixed seed and saves it in the same on-disk format as
the real weights of its role (`save_pretrained`, or open_clip's `open_clip_config.json` +
safetensors), so tests load it back through the very loaders users run. Random weights:
what they produce is plumbing, never quality.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from creative.models.profiles import ModelEntry

# Part of every tiny model's cache key: bump it when a builder changes what it builds.
BUILD_VERSION = 2

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def byte_tokenizer(model_max_length: int):
    """A byte-level BPE tokenizer with no merges: every text (Chinese and emoji too) encodes
    losslessly with 256 byte tokens plus chat specials. Built in code, so no download."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = {ch: i for i, ch in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return _chat_tokenizer(tok, "<|endoftext|>", model_max_length)


def _chat_tokenizer(tok, unk_token: str, model_max_length: int):
    """Wrap a `tokenizers` object as a transformers tokenizer with our chat specials."""
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token=unk_token,
        model_max_length=model_max_length,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


# The tiny LM reads and writes whole words from this list (plus single CJK characters),
# so even its random outputs are words: the copy pipeline's filters see text shaped like a
# real model's, and tests exercise the full LM path instead of rejecting byte noise.
_TINY_WORDS = """
a an the and or with for of to in on at by from your our this that is are it its new
shoe shoes sneaker boot mug cup bottle water headphones backpack bag watch lamp sunglasses
red blue green black white grey brown gold silver orange pink yellow teal navy beige
mesh leather canvas cotton wool steel metal glass ceramic wood rubber foam plastic nylon
light lightweight soft warm cool comfortable durable classic modern simple clean bold bright
run running trail road walk hike travel office home kitchen coffee tea gym everyday daily
day days week hours ml l mm cm kg g size sizes fit grip sole upper strap case dial cap
made built designed crafted keeps holds carries fits feels looks works lasts
shop now buy get find see discover explore view more details today collection
photo product image shows showing picture
""".split()
_TINY_CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质信类单商衣服鞋包杯瓶表灯镜耳机色红蓝绿黑白灰金银"
_TINY_PUNCT = list(".,!?:;'-&%$()/") + list("，。！？：；、")


def word_tokenizer(model_max_length: int):
    """The tiny LM's tokenizer: word-level over `_TINY_WORDS`, single CJK characters, digits
    and punctuation; anything else is <unk>. Built in code, so no download."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>"]
    vocab_list = specials + _TINY_WORDS + list(dict.fromkeys(_TINY_CJK)) + list("0123456789") + _TINY_PUNCT
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(dict.fromkeys(vocab_list))}, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"), "isolated"), pre_tokenizers.Whitespace(), pre_tokenizers.Digits(individual_digits=True)]
    )
    return _chat_tokenizer(tok, "<unk>", model_max_length)


def _open_clip(entry: ModelEntry, out: Path) -> None:
    import open_clip
    import safetensors.torch
    import torch

    cfg = dict(entry.config)
    size = cfg["vision_cfg"]["image_size"]
    (out / "open_clip_config.json").write_text(
        json.dumps({"model_cfg": cfg, "preprocess_cfg": {"size": [size, size]}}, indent=2)
    )
    # The real factory builds it (no weights yet, so random init under the caller's seed).
    model = open_clip.create_model(f"local-dir:{out}")
    decoder = getattr(model, "text_decoder", None)
    if decoder is not None:
        # open_clip leaves CoCa's decoder projection as torch.empty (real checkpoints overwrite
        # it); uninitialised memory would make the tiny build non-deterministic.
        torch.nn.init.normal_(decoder.text_projection, std=decoder.text_projection.shape[0] ** -0.5)
    state = {k: v.contiguous().clone() for k, v in model.state_dict().items()}
    safetensors.torch.save_file(state, out / "open_clip_model.safetensors")


def _causal_lm(entry: ModelEntry, out: Path) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = word_tokenizer(entry.config.get("max_position_embeddings", 1024))
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        **entry.config,
    )
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)


def _diffusers(entry: ModelEntry, out: Path) -> None:
    from diffusers import AutoencoderKL, LCMScheduler, StableDiffusionInpaintPipeline, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    tokenizer = byte_tokenizer(77)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=entry.config.get("unet_in_channels", 4),
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=16,
    )
    vae = AutoencoderKL(
        block_out_channels=(32, 64),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=16,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            max_position_embeddings=77,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    scheduler = LCMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)
    cls = StableDiffusionInpaintPipeline if entry.loader == "diffusers_inpaint" else StableDiffusionPipeline
    pipe = cls(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(out, safe_serialization=True)


def _image_classifier(entry: ModelEntry, out: Path) -> None:
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor

    cfg = dict(entry.config)
    size = cfg["image_size"]
    config = ViTConfig(**cfg, num_labels=2, id2label={0: "normal", 1: "nsfw"}, label2id={"normal": 0, "nsfw": 1})
    ViTForImageClassification(config).save_pretrained(out)
    ViTImageProcessor(size={"height": size, "width": size}).save_pretrained(out)


def _segmenter(entry: ModelEntry, out: Path) -> None:
    from transformers import SegformerConfig, SegformerForSemanticSegmentation, SegformerImageProcessor

    size = entry.config.get("image_size", 64)
    config = SegformerConfig(
        num_encoder_blocks=2,
        depths=[1, 1],
        sr_ratios=[2, 1],
        hidden_sizes=[16, 32],
        num_attention_heads=[1, 2],
        patch_sizes=[7, 3],
        strides=[4, 2],
        decoder_hidden_size=32,
        num_labels=2,
        id2label={0: "background", 1: "foreground"},
        label2id={"background": 0, "foreground": 1},
    )
    SegformerForSemanticSegmentation(config).save_pretrained(out)
    SegformerImageProcessor(size={"height": size, "width": size}).save_pretrained(out)


BUILDERS: dict[str, Callable[[ModelEntry, Path], Any]] = {
    "open_clip": _open_clip,
    "open_clip_coca": _open_clip,
    "causal_lm": _causal_lm,
    "diffusers_text2img": _diffusers,
    "diffusers_inpaint": _diffusers,
    "image_classifier_safety": _image_classifier,
    "segmenter": _segmenter,
}


def ensure_tiny(entry: ModelEntry, seed: int, folder: Path) -> Path:
    """Build the tiny model into `folder` once; a DONE marker makes half-built folders retry."""
    if (folder / "DONE").exists():
        return folder
    import torch

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            BUILDERS[entry.loader](entry, tmp)
        (tmp / "DONE").write_text("built by creative.models.tiny\n")
        if folder.exists():  # a half-built folder from a killed run
            shutil.rmtree(folder)
        tmp.rename(folder)
    except FileExistsError:
        pass  # another process finished first; its copy is identical
    except OSError:
        if not (folder / "DONE").exists():
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder
