"""Learned prefix conditioning (after ClipCap, Mokady et al. 2021).

A small MLP maps the fused CLIP product embedding to `prefix_length` vectors in the LM's
input-embedding space; they are placed before the prompt, so the LM reads the product as
"soft words". The LM stays frozen; only the mapper trains, on the user's own
(image, caption) pairs:

    creative train-captioner pairs.csv --out my-prefix     # resumable, checkpoints in safetensors

pairs.csv columns: `image` (path relative to the CSV), `caption`, optional `title` (fused with
the image like a product's facts; without it the image embedding alone is the condition).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from creative.encode.embeddings import DEFAULT_IMAGE_WEIGHT, fuse
from creative.paths import atomic_write_bytes

if TYPE_CHECKING:
    from creative.models import Models


class PrefixMapper(nn.Module):
    """ClipCap's MLP variant: clip_dim -> hidden -> prefix_length * lm_dim, tanh between."""

    def __init__(self, clip_dim: int, lm_dim: int, prefix_length: int = 8):
        super().__init__()
        self.prefix_length, self.lm_dim = prefix_length, lm_dim
        hidden = max(64, (lm_dim * prefix_length) // 2)
        self.net = nn.Sequential(nn.Linear(clip_dim, hidden), nn.Tanh(), nn.Linear(hidden, lm_dim * prefix_length))

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.net(embedding).view(-1, self.prefix_length, self.lm_dim)


@dataclass
class Prefix:
    """A trained mapper, ready to condition generation (`generate_captions(prefix=...)`)."""

    mapper: PrefixMapper
    config: dict[str, Any]
    device: str = "cpu"

    def prefix_embeds(self, fused: np.ndarray) -> torch.Tensor:
        with torch.inference_mode():
            return self.mapper(torch.as_tensor(np.asarray(fused), dtype=torch.float32, device=self.device)[None])


@dataclass
class TrainReport:
    out_dir: Path
    step: int
    losses: list[float] = field(default_factory=list)
    resumed_from: int = 0


class PairsError(ValueError):
    pass


def read_pairs(path: str | Path) -> list[tuple[Path, str, str]]:
    path = Path(path)
    if not path.is_file():
        raise PairsError(f"pairs file not found: {path}")
    pairs = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"image", "caption"} <= set(reader.fieldnames):
            raise PairsError(f"{path}: needs a header with 'image' and 'caption' columns")
        for row in reader:
            image, caption = (row.get("image") or "").strip(), (row.get("caption") or "").strip()
            if not image or not caption:
                raise PairsError(f"{path} line {reader.line_num}: empty image or caption")
            pairs.append((path.parent / image, caption, (row.get("title") or "").strip()))
    if not pairs:
        raise PairsError(f"{path}: no pairs")
    return pairs


# -- checkpoints: safetensors for tensors, JSON for the rest --------------------------


def _save_tensors(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    from safetensors.torch import save

    atomic_write_bytes(path, save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}))


def _optimizer_tensors(opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    state = opt.state_dict()
    tensors = {f"{idx}.{name}": t for idx, s in state["state"].items() for name, t in s.items()}
    return tensors, {"param_groups": state["param_groups"]}


def _load_optimizer(opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> None:
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, t in tensors.items():
        idx, name = key.split(".", 1)
        state.setdefault(int(idx), {})[name] = t
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def _checkpoint(out: Path, mapper: PrefixMapper, opt: torch.optim.Optimizer, config: dict, step: int, losses: list[float]) -> None:
    # Tensors first, state.json last: a run killed in between resumes from the previous
    # state.json, whose step the tensors may already be past by at most one checkpoint.
    opt_tensors, opt_meta = _optimizer_tensors(opt)
    _save_tensors(out / f"mapper-{step}.safetensors", mapper.state_dict())
    _save_tensors(out / f"optimizer-{step}.safetensors", opt_tensors)
    atomic_write_bytes(out / "state.json", json.dumps({"step": step, "losses": losses, "config": config, "optimizer": opt_meta}).encode())
    for old in out.glob("*-*.safetensors"):  # keep only this step's numbered pair
        if not old.stem.endswith(f"-{step}"):
            old.unlink(missing_ok=True)


def load_prefix(path: str | Path, device: str = "cpu") -> Prefix:
    from safetensors.torch import load_file

    path = Path(path)
    state_file = path / "state.json"
    if not state_file.is_file():
        raise FileNotFoundError(f"{path} is not a trained prefix folder (no state.json); train one with `creative train-captioner`")
    state = json.loads(state_file.read_text())
    config = state["config"]
    mapper = PrefixMapper(config["clip_dim"], config["lm_dim"], config["prefix_length"])
    mapper.load_state_dict(load_file(path / f"mapper-{state['step']}.safetensors"))
    return Prefix(mapper.to(device).eval(), config, device)


# -- training -------------------------------------------------------------------------


def train_prefix(
    models: "Models",
    pairs_csv: str | Path,
    out_dir: str | Path,
    *,
    steps: int = 300,
    batch_size: int = 8,
    lr: float = 1e-3,
    prefix_length: int = 8,
    seed: int = 0,
    checkpoint_every: int = 25,
    progress: bool = True,
    image_weight: float = DEFAULT_IMAGE_WEIGHT,
) -> TrainReport:
    """Train (or resume training) the mapper with the LM frozen. Deterministic for a seed:
    batch `i` is drawn from a generator seeded with (seed, i), so a resumed run sees exactly
    the batches an uninterrupted one would."""
    from tqdm.auto import tqdm

    from creative.inputs.images import load_image

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lm, clip = models.get("lm"), models.clip
    pairs = read_pairs(pairs_csv)
    images = [load_image(p) for p, _, _ in pairs]
    image_emb = clip.encode_images(images)
    titles = [t for _, _, t in pairs]
    text_emb = clip.encode_texts([t or "." for t in titles])
    cond = np.stack([fuse(i, t, image_weight) if title else i for i, t, title in zip(image_emb, text_emb, titles)])

    tok = lm.tokenizer
    eos = tok.eos_token or ""
    captions = [tok(c + eos, add_special_tokens=False).input_ids for _, c, _ in pairs]
    embed = lm.model.get_input_embeddings()
    lm_dim = embed.weight.shape[1]
    config = {"clip": clip.key, "lm": lm.name, "clip_dim": int(cond.shape[1]), "lm_dim": int(lm_dim), "prefix_length": prefix_length, "seed": seed, "lr": lr, "batch_size": batch_size}

    torch.manual_seed(seed)
    mapper = PrefixMapper(config["clip_dim"], lm_dim, prefix_length).to(lm.device)
    opt = torch.optim.AdamW(mapper.parameters(), lr=lr)
    start, losses = 0, []
    state_file = out / "state.json"
    if state_file.is_file():
        from safetensors.torch import load_file

        state = json.loads(state_file.read_text())
        if state["config"] != config:
            raise ValueError(f"{out} holds a prefix trained with other settings ({state['config']}); use a new --out folder")
        start, losses = state["step"], state["losses"]
        mapper.load_state_dict(load_file(out / f"mapper-{start}.safetensors"))
        _load_optimizer(opt, load_file(out / f"optimizer-{start}.safetensors"), state["optimizer"])

    for p in lm.model.parameters():
        p.requires_grad_(False)
    cond_t = torch.as_tensor(cond, dtype=torch.float32, device=lm.device)
    bar = tqdm(range(start, steps), initial=start, total=steps, desc="training prefix", disable=not progress)
    for step in bar:
        g = torch.Generator().manual_seed(seed * 1_000_003 + step)
        idx = torch.randint(len(pairs), (min(batch_size, len(pairs)),), generator=g).tolist()
        width = max(len(captions[i]) for i in idx)
        ids = torch.full((len(idx), width), tok.pad_token_id or 0, dtype=torch.long, device=lm.device)
        labels = torch.full((len(idx), prefix_length + width), -100, dtype=torch.long, device=lm.device)
        mask = torch.zeros((len(idx), prefix_length + width), dtype=torch.long, device=lm.device)
        for row, i in enumerate(idx):
            c = torch.tensor(captions[i], device=lm.device)
            ids[row, : len(c)] = c
            labels[row, prefix_length : prefix_length + len(c)] = c
            mask[row, : prefix_length + len(c)] = 1
        inputs = torch.cat([mapper(cond_t[idx]).to(embed.weight.dtype), embed(ids)], dim=1)
        loss = lm.model(inputs_embeds=inputs, attention_mask=mask, labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if (step + 1) % checkpoint_every == 0 or step + 1 == steps:
            _checkpoint(out, mapper, opt, config, step + 1, losses)
    if not math.isfinite(losses[-1] if losses else 0.0):
        raise RuntimeError("training diverged (loss is not finite); try a lower --lr")
    return TrainReport(out, steps, losses, start)
