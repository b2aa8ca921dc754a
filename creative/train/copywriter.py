"""Fine-tune the copywriter: a LoRA adapter (Hu et al. 2021, with peft) on (product facts -> ad
copy) pairs, trained on the conditional likelihood of the ad given the prompt.

    creative train-copywriter my_ads.jsonl --out my-adapter       # rerun to resume
    creative batch catalog.csv --profile my-adapter/profile.toml   # the copy stage uses it

Plain, in the order it runs (nanoGPT's shape): pairs -> split -> examples -> batches -> loop with
checkpoints -> export -> eval.

- Examples are in the exact format the copy stage decodes (`condition.prompts`): the prompt is
  `copy_messages(facts, examples=[])` through the model's chat template, the target the answer
  `format_answer(platform, fields)` and the end-of-turn token. No few-shot examples: the adapter
  makes them unnecessary, so its profile sets few_shot = 0 and prompts stay short. As in the
  copy stage, one prompt lists the limits of every platform a product asks for: each example
  lists its own platform and a random subset of the others (captions too), and half carry an
  angle line, which the copy stage adds to every variant but the first.
- The loss is cross-entropy on the target tokens only: prompt and padding are labelled -100,
  and logits are computed only from the first target position on (the vocabulary projection
  is a fifth of a small model's work per token).
- Batch i and its prompt shapes come from generators seeded with (seed, i), the LoRA dropout
  from torch's seeded at every step: a resumed run repeats exactly the steps an uninterrupted
  one would, bit for bit (same machine, same threads). The learning rate warms up, then stays
  constant or follows a cosine to a fixed step (`decay_steps`, nanoGPT's lr_decay_iters): never
  a function of --steps, so rerunning with a larger --steps extends a run without changing its past.
- Checkpoints (safetensors: LoRA weights and AdamW state; JSON: step, losses, config) go to
  DIR/checkpoint/; the usable adapter (adapter_config.json + adapter_model.safetensors, in
  float16 to halve its size) and a profile that names it (DIR/profile.toml) are written at
  every checkpoint, so a killed run still leaves the adapter of its last checkpoint.
"""

from __future__ import annotations

import json
import math
import os
import platform as host
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from creative import data
from creative.condition.prompts import CAPTIONS, copy_messages, format_answer
from creative.paths import atomic_write_bytes
from creative.train.pairs import CopyPair, read_pairs

if TYPE_CHECKING:
    import torch

    from creative.models import Models, Profile
    from creative.models.loaders import LanguageModel

# every linear projection of a Llama/Qwen2-style block: SmolLM2 and Qwen2.5 name them alike
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
IGNORE = -100  # the label of a token that carries no loss (prompt, padding)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the trained weights. A checkpoint folder resumes only with the
    same config; `steps` may grow (the schedule does not depend on it)."""

    steps: int = 150
    batch_size: int = 8
    lr: float = 1e-3  # AdamW, after a linear warm-up over `warmup` steps
    warmup: int = 10
    decay_steps: int = 0  # cosine decay to lr/10 at this step (nanoGPT's lr_decay_iters); 0: constant
    rank: int = 8  # LoRA rank r and scale alpha / r
    alpha: int = 16
    dropout: float = 0.05
    targets: tuple[str, ...] = LORA_TARGETS
    clip_norm: float = 1.0
    seed: int = 0
    eval_split: float = 0.1  # share of the pairs held out, by category (else by product)
    eval_categories: tuple[str, ...] = ()  # or exactly these categories
    precision: str = "auto"  # fp32 | bf16 (autocast) | auto: bf16 on a GPU that has it, else fp32
    gate_filter: bool = True  # train only on ads the publishability gate passes (see publishable)
    # backpropagate through the prompt too (True), or stop the gradient there (False:
    # split_target_loss, ~4x less work and memory on a CPU); None: True on a GPU, False on a CPU
    prompt_grad: bool | None = None

    def key(self) -> dict[str, Any]:
        """What must match to resume: all but the step count."""
        d = asdict(self)
        d.pop("steps")
        d["targets"] = list(self.targets)
        d["eval_categories"] = list(self.eval_categories)
        return d


@dataclass
class TrainReport:
    out_dir: Path
    step: int
    losses: list[float] = field(default_factory=list)  # training loss per step, from step 1
    resumed_from: int = 0
    train_pairs: int = 0
    eval_pairs: int = 0
    eval_categories: list[str] = field(default_factory=list)
    eval_loss_base: float | None = None  # mean target-token loss on the held-out pairs, before training
    eval_loss: float | None = None  # ... and after
    seconds: float = 0.0  # training time of this run (resumed runs: this part only)
    peak_memory_mb: float | None = None  # peak resident memory of the process (CPU) or CUDA allocator
    adapter_mb: float = 0.0  # adapter_model.safetensors on disk
    held_out: list[CopyPair] = field(default_factory=list, repr=False)  # the eval pairs


# -- split ------------------------------------------------------------------------------


def split_pairs(pairs: list[CopyPair], eval_split: float, eval_categories: tuple[str, ...] = (), seed: int = 0) -> tuple[list[CopyPair], list[CopyPair], list[str]]:
    """(train, eval, held-out groups). The eval side holds whole categories (when every pair has
    one), so it measures transfer to products of a kind never seen, not memory; without
    categories, whole products. `eval_categories` names them; otherwise groups are drawn with
    `seed` until they hold at least `eval_split` of the pairs. Raises ValueError for a named
    category that no pair has, or a split that would leave nothing to train on."""
    if eval_categories:
        known = {p.category for p in pairs}
        unknown = [c for c in eval_categories if c not in known]
        if unknown:
            raise ValueError(f"--eval-categories: no pair has category {', '.join(map(repr, unknown))} (categories: {', '.join(sorted(known))})")
        held = set(eval_categories)
        key = lambda p: p.category  # noqa: E731 - one line, read where it is used
    else:
        key = (lambda p: p.category) if all(p.category for p in pairs) else (lambda p: p.group)
        groups = sorted({key(p) for p in pairs})
        import random

        random.Random(seed).shuffle(groups)
        held, count = set(), 0
        sizes = {g: sum(key(p) == g for p in pairs) for g in groups}
        for g in groups[:-1]:  # never every group: something must remain to train on
            if count >= eval_split * len(pairs) or eval_split <= 0:
                break
            held.add(g)
            count += sizes[g]
    train = [p for p in pairs if key(p) not in held]
    evals = [p for p in pairs if key(p) in held]
    if not train:
        raise ValueError("the eval split leaves no pairs to train on")
    return train, evals, sorted(held)


def publishable(pairs: list[CopyPair]) -> tuple[list[CopyPair], dict[str, int]]:
    """The pairs whose ad passes the publishability gate (`generate.gate.check`, as the copy
    stage applies it), and rule -> pairs it rejected. An ad the gate rejects teaches the model
    text that the copy stage would then drop (a number or name the facts do not have, an echo of
    an example ad): training on it lowers the share of usable variants."""
    from collections import Counter

    from creative.generate import gate

    kept, rejected = [], Counter()
    for p in pairs:
        rules = {r.rule for r in gate.check(p.copy, p.facts, p.facts.language, name_field="headline", model_written=False)}
        rejected.update(rules)
        if not rules:
            kept.append(p)
    return kept, dict(rejected.most_common())


# -- examples -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One tokenised pair: the prompt (no loss) and the target (loss), as token ids."""

    prompt: list[int]
    target: list[int]


def end_of_turn(tokenizer: Any) -> str:
    """What the chat template writes after an assistant answer, up to its first line break:
    the token the copy stage's decoder stops at (<|im_end|> for SmolLM2 and Qwen2.5)."""
    probe = [{"role": "user", "content": "x"}]
    answer = "PROBE"
    prompt = tokenizer.apply_chat_template(probe, add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(probe + [{"role": "assistant", "content": answer}], tokenize=False)
    if full.startswith(prompt + answer):
        tail = full[len(prompt + answer) :].split("\n")[0].strip()
        if tail:
            return tail
    return tokenizer.eos_token or ""


def prompt_platforms(pair: CopyPair, rng: Any) -> list[str]:
    """The platforms one training prompt lists: the pair's own, each other platform with
    probability 1/2, the captions with 1/2; in the copy stage's order (platforms.toml, then
    captions). `rng`: a torch.Generator."""
    import torch

    others = [p for p in [*data.load("platforms"), CAPTIONS] if p != pair.platform]
    keep = torch.rand(len(others), generator=rng).lt(0.5).tolist()
    chosen = {pair.platform} | {p for p, k in zip(others, keep) if k}
    return [p for p in [*data.load("platforms"), CAPTIONS] if p in chosen]


def make_example(tokenizer: Any, pair: CopyPair, platforms: list[str] | None = None, angle: str | None = None) -> Example:
    """The pair as the copy stage would prompt for it, with its ad as the target. `platforms`
    (default: the pair's own) are the ones whose limits the prompt lists."""
    messages = copy_messages(pair.facts, examples=[], language=pair.facts.language, platforms=platforms or [pair.platform], angle=angle)
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    target = format_answer(pair.platform, pair.copy) + end_of_turn(tokenizer)
    return Example(tokenizer(prompt, add_special_tokens=False).input_ids, tokenizer(target, add_special_tokens=False).input_ids)


def step_examples(tokenizer: Any, pairs: list[CopyPair], step: int, batch_size: int, seed: int) -> list[Example]:
    """Batch `step`: the pairs at positions step*B .. step*B+B-1 of an endless sequence of
    epochs, each epoch a permutation seeded with (seed, epoch); each example's prompt shape
    drawn from a generator seeded with (seed, step). Depends on nothing but its arguments."""
    import torch

    n, idx, pos = len(pairs), [], step * batch_size
    while len(idx) < min(batch_size, n):
        epoch, offset = divmod(pos, n)
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 1_000_003 + epoch)).tolist()
        take = perm[offset : offset + min(batch_size, n) - len(idx)]
        idx += take
        pos += len(take)
    rng = torch.Generator().manual_seed(seed * 1_000_003 + 500_009 + step)
    out = []
    for i in idx:
        pair = pairs[i]
        platforms = prompt_platforms(pair, rng)
        angles = data.load("prompts")["angles"][pair.facts.language]
        with_angle, which = torch.rand(1, generator=rng).item() < 0.5, int(torch.randint(len(angles), (1,), generator=rng))
        out.append(make_example(tokenizer, pair, platforms, angles[which] if with_angle else None))
    return out


@dataclass
class Batch:
    ids: "torch.Tensor"  # (B, L) right-padded
    mask: "torch.Tensor"  # (B, L) 1 on real tokens
    labels: "torch.Tensor"  # (B, L) the token where it carries loss (target tokens), else IGNORE
    first_target: int  # smallest index of a target token in any row


def collate(examples: list[Example], pad_id: int, device: str = "cpu") -> Batch:
    """Right-padded ids, attention mask and labels: only target tokens carry a label."""
    import torch

    width = max(len(e.prompt) + len(e.target) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    for row, e in enumerate(examples):
        seq = e.prompt + e.target
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
        labels[row, len(e.prompt) : len(seq)] = torch.tensor(e.target)
    first = min(len(e.prompt) for e in examples)
    return Batch(ids.to(device), mask.to(device), labels.to(device), max(first, 1))


def target_loss(model: Any, batch: Batch, autocast_dtype: Any = None, reduction: str = "mean") -> "torch.Tensor":
    """Cross-entropy of the target tokens given everything before them (mean over target
    tokens; reduction="sum" for the total). Logits are computed only where they predict a target."""
    import contextlib

    import torch
    import torch.nn.functional as F

    keep = batch.ids.shape[1] - batch.first_target + 1  # positions first_target-1 .. L-1
    ctx = torch.autocast(batch.ids.device.type, dtype=autocast_dtype) if autocast_dtype is not None else contextlib.nullcontext()
    with ctx:
        logits = model(input_ids=batch.ids, attention_mask=batch.mask, logits_to_keep=keep).logits
    logits = logits.float()[:, :-1]  # position t predicts token t+1
    labels = batch.labels[:, batch.ids.shape[1] - keep + 1 :]
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE, reduction=reduction)


@dataclass
class SplitBatch:
    """A batch cut where the gradient stops: the prompts but their last token, left-padded so
    they all end together (run once without gradient, for their keys and values), then each
    prompt's last token and its target, right-padded (run with gradient)."""

    context: "torch.Tensor"  # (B, P) left-padded
    context_mask: "torch.Tensor"
    tail: "torch.Tensor"  # (B, T): last prompt token + target, right-padded
    tail_mask: "torch.Tensor"
    labels: "torch.Tensor"  # (B, T) target tokens, else IGNORE


def collate_split(examples: list[Example], pad_id: int, device: str = "cpu") -> SplitBatch:
    import torch

    width = max(len(e.prompt) - 1 for e in examples)
    tail = max(len(e.target) + 1 for e in examples)
    ctx = torch.full((len(examples), width), pad_id, dtype=torch.long)
    ctx_mask = torch.zeros((len(examples), width), dtype=torch.long)
    ids = torch.full((len(examples), tail), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), tail), dtype=torch.long)
    labels = torch.full((len(examples), tail), IGNORE, dtype=torch.long)
    for row, e in enumerate(examples):
        head = e.prompt[:-1]
        if head:
            ctx[row, width - len(head) :] = torch.tensor(head)
            ctx_mask[row, width - len(head) :] = 1
        seq = e.prompt[-1:] + e.target
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
        labels[row, 1 : len(seq)] = torch.tensor(e.target)
    return SplitBatch(*(t.to(device) for t in (ctx, ctx_mask, ids, mask, labels)))


def split_target_loss(model: Any, batch: SplitBatch, autocast_dtype: Any = None) -> "torch.Tensor":
    """`target_loss` with the gradient stopped at the prompt: the same value (the prompt still
    runs through the current adapter), but the backward pass covers only the targets, a tenth
    of the tokens. The adapter then learns from how it changes the ad's own positions, not from
    how it would re-read the prompt: on a CPU that is ~2.5x less work per step, and far less
    memory (no prompt activations kept)."""
    import contextlib

    import torch
    import torch.nn.functional as F

    def amp():
        return torch.autocast(batch.tail.device.type, dtype=autocast_dtype) if autocast_dtype is not None else contextlib.nullcontext()

    positions = (batch.context_mask.cumsum(1) - 1).clamp(min=0)
    with torch.no_grad(), amp():
        cache = model(input_ids=batch.context, attention_mask=batch.context_mask, position_ids=positions, use_cache=True).past_key_values
    start = batch.context_mask.sum(1, keepdim=True)  # each row's last prompt token sits at its prompt length - 1
    tail_positions = start + torch.arange(batch.tail.shape[1], device=batch.tail.device)[None]
    with amp():
        logits = model(
            input_ids=batch.tail, attention_mask=torch.cat([batch.context_mask, batch.tail_mask], 1), position_ids=tail_positions, past_key_values=cache, use_cache=True
        ).logits
    logits = logits.float()[:, :-1]
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch.labels[:, 1:].reshape(-1), ignore_index=IGNORE)


def eval_loss(model: Any, tokenizer: Any, pairs: list[CopyPair], autocast_dtype: Any = None, batch_size: int = 8) -> float | None:
    """Mean target-token loss on `pairs`, each prompted with its own platform only."""
    import torch

    if not pairs:
        return None
    total, count = 0.0, 0
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(pairs), batch_size):
            batch = collate([make_example(tokenizer, p) for p in pairs[i : i + batch_size]], _pad_id(tokenizer), _device(model))
            total += target_loss(model, batch, autocast_dtype, reduction="sum").item()
            count += int((batch.labels != IGNORE).sum())
    return total / count


def _pad_id(tokenizer: Any) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)


def _device(model: Any) -> str:
    return str(next(model.parameters()).device)


# -- the model ------------------------------------------------------------------------------


def base_profile(profile: "Profile") -> "Profile":
    """The profile with no adapter on its lm candidates: training starts from the base weights.
    A candidate listed both with an adapter and without (auto's SmolLM2) appears once, as the
    plain entry: its options and notes describe the base, not the adapter."""
    from creative.models import Role

    def weights(e: Any) -> tuple:
        return (e.source, e.loader, e.id, e.revision, e.package, e.file, e.path, json.dumps(e.config, sort_keys=True))

    plain = {weights(e): e for e in profile.candidates(Role.lm) if e.adapter is None}
    lm, seen = [], set()
    for e in profile.candidates(Role.lm):
        key = weights(e)
        if key not in seen:
            seen.add(key)
            lm.append(plain.get(key) or e.model_copy(update={"adapter": None}))
    return profile.model_copy(update={"roles": {**profile.roles, Role.lm: tuple(lm)}})


def lora_model(lm: "LanguageModel", config: TrainConfig) -> Any:
    """A copy of the base model wrapped with fresh LoRA layers (B = 0: it starts as the base);
    only they train. A copy, because peft changes the model it wraps, and `lm` stays the shared
    base of its registry."""
    import copy

    import torch
    from peft import LoraConfig, get_peft_model

    present = {name.rsplit(".", 1)[-1] for name, _ in lm.model.named_modules()}
    targets = [t for t in config.targets if t in present]
    if not targets:
        raise ValueError(f"{lm.name} has none of the LoRA target modules {', '.join(config.targets)}")
    torch.manual_seed(config.seed)  # LoRA's A matrices are drawn at random
    lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=config.dropout, target_modules=targets, bias="none", task_type="CAUSAL_LM")
    return get_peft_model(copy.deepcopy(lm.model), lora)


def autocast_dtype(precision: str, device: str) -> Any:
    """None (float32) or torch.bfloat16, for `precision` fp32 | bf16 | auto."""
    import torch

    if precision not in {"auto", "fp32", "bf16"}:
        raise ValueError(f"precision must be auto, fp32 or bf16, not {precision!r}")
    if precision == "auto":
        return torch.bfloat16 if device.startswith("cuda") and torch.cuda.is_bf16_supported() else None
    return torch.bfloat16 if precision == "bf16" else None


# -- checkpoints: safetensors for tensors, JSON for the rest ----------------------------------


def _save_tensors(path: Path, tensors: dict[str, "torch.Tensor"]) -> None:
    from safetensors.torch import save

    atomic_write_bytes(path, save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}))


def _lora_state(model: Any) -> dict[str, "torch.Tensor"]:
    from peft import get_peft_model_state_dict

    return get_peft_model_state_dict(model)


def _optimizer_tensors(opt: Any) -> tuple[dict[str, "torch.Tensor"], dict[str, Any]]:
    state = opt.state_dict()
    tensors = {f"{idx}.{name}": t for idx, s in state["state"].items() for name, t in s.items()}
    return tensors, {"param_groups": state["param_groups"]}


def _load_optimizer(opt: Any, tensors: dict[str, "torch.Tensor"], meta: dict[str, Any]) -> None:
    state: dict[int, dict[str, Any]] = {}
    for key, t in tensors.items():
        idx, name = key.split(".", 1)
        state.setdefault(int(idx), {})[name] = t
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def _checkpoint(folder: Path, model: Any, opt: Any, state: dict[str, Any]) -> None:
    # Tensors first, state.json last: a run killed in between resumes from the previous
    # state.json, whose numbered files are still there (only older ones are removed after).
    step = state["step"]
    opt_tensors, opt_meta = _optimizer_tensors(opt)
    _save_tensors(folder / f"lora-{step}.safetensors", _lora_state(model))
    _save_tensors(folder / f"optimizer-{step}.safetensors", opt_tensors)
    atomic_write_bytes(folder / "state.json", json.dumps({**state, "optimizer": opt_meta}, indent=1).encode())
    for old in folder.glob("*-*.safetensors"):
        if not old.stem.endswith(f"-{step}"):
            old.unlink(missing_ok=True)


def export_adapter(model: Any, out: Path, base_name: str) -> float:
    """The adapter in peft's format (what `PeftModel.from_pretrained` and profiles read):
    adapter_config.json and adapter_model.safetensors, weights in float16. Returns its MB."""
    import torch

    config = model.peft_config["default"].to_dict()
    config = {k: sorted(v) if isinstance(v, set) else v for k, v in config.items()}
    config.update(base_model_name_or_path=base_name, inference_mode=True)
    weights = {k: v.to(torch.float16) for k, v in _lora_state(model).items()}
    _save_tensors(out / "adapter_model.safetensors", weights)
    atomic_write_bytes(out / "adapter_config.json", json.dumps(config, indent=2, sort_keys=True, default=str).encode())
    return (out / "adapter_model.safetensors").stat().st_size / 1e6


def write_profile(out: Path, base: "Profile", base_ref: str, entry: Any, record: dict[str, Any], licence: str | None = None) -> Path:
    """DIR/profile.toml: the base profile with its lm replaced by the trained base entry plus
    this adapter (merged at load, no few-shot examples). `creative batch --profile
    DIR/profile.toml` uses it; the adapter path is relative, so the folder can move."""
    import tomli_w

    lm = entry.model_dump(exclude_defaults=True, exclude={"adapter"})
    lm["options"] = {**entry.options, "few_shot": 0}
    size = (out / "adapter_model.safetensors").stat().st_size / 1e6
    lm["adapter"] = {
        "source": "path",
        "path": ".",
        "licence": licence or f"yours: trained on your pairs ({', '.join(record['data']['files'])}) over {entry.name} ({entry.licence})",
        "commercial": entry.commercial,
        "size_mb": round(size, 2),
        "merge": True,
        "trained": {k: record[k] for k in ("data", "config", "result") if k in record},
    }
    profile = {
        "name": out.name,
        "description": f"{base.name} with the copywriter fine-tuned by `creative train-copywriter` ({out.name})",
        "seed": base.seed,
        "extends": base_ref,
        "replace": ["lm"],
        "roles": {"lm": [lm]},
    }
    text = "# Written by `creative train-copywriter`: the base profile with this folder's adapter on its lm.\n" + tomli_w.dumps(_toml_safe(profile))
    path = out / "profile.toml"
    atomic_write_bytes(path, text.encode())
    return path


def _toml_safe(value: Any) -> Any:
    """TOML has no null: drop None values (an absent key means the default)."""
    if isinstance(value, dict):
        return {str(k): _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_toml_safe(v) for v in value if v is not None]
    return value


def peak_memory_mb(device: str) -> float | None:
    """Peak memory of this process: the CUDA allocator's on a GPU, else the peak resident set
    (Linux and macOS; None elsewhere)."""
    import torch

    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 1e6
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3  # bytes on macOS, KiB on Linux


# -- training ---------------------------------------------------------------------------------


def train_copywriter(
    models: "Models",
    pairs_path: str | Path | list[str | Path],
    out_dir: str | Path,
    config: TrainConfig = TrainConfig(),
    *,
    base_ref: str = "auto",
    progress: bool = True,
    licence: str | None = None,
    checkpoint_every: int = 25,
    on_step: Callable[[int, float], None] | None = None,
) -> TrainReport:
    """Train (or resume training) a LoRA adapter for `models`' lm on the pairs file, into
    `out_dir`: checkpoints in out_dir/checkpoint/, the adapter and out_dir/profile.toml (a
    profile extending `base_ref`, the profile `models` came from, with this adapter on its lm).

    `models` must hold no adapter on its lm (see `base_profile`). Raises PairsError for a bad
    pairs file (naming the line), ValueError for a pair in a language the lm does not write,
    for a checkpoint folder trained with other settings, or for an unusable split;
    RuntimeError when the loss stops being finite."""
    import torch
    from tqdm.auto import tqdm

    t_start = time.perf_counter()
    out = Path(out_dir)
    ckpt = out / "checkpoint"
    pairs = read_pairs(pairs_path)
    res = models.resolutions["lm"]
    languages = res.entry.options.get("languages", ["en", "zh"]) if res.entry else []
    foreign = [p for p in pairs if p.facts.language not in languages]
    if foreign:
        raise ValueError(f"{foreign[0].source} line {foreign[0].line}: language {foreign[0].facts.language!r}, but {res.model} writes only {', '.join(languages)}")
    files = [Path(p).name for p in (pairs_path if isinstance(pairs_path, (list, tuple)) else [pairs_path])]
    train, evals, held = split_pairs(pairs, config.eval_split, config.eval_categories, config.seed)
    written = len(train)
    gate_rejected: dict[str, int] = {}
    if config.gate_filter:
        train, gate_rejected = publishable(train)
        if not train:
            raise ValueError(f"none of the {written} training ads passes the publishability gate ({gate_rejected}); train with gate_filter off (--no-gate-filter)")
    ckpt.mkdir(parents=True, exist_ok=True)  # only once the data is known to be good
    lm = models.get("lm")
    if lm.adapter:
        raise ValueError(f"{lm.name} already carries the adapter {lm.adapter}; train from the base weights (creative.train.copywriter.base_profile)")
    tok, device = lm.tokenizer, lm.device
    amp = autocast_dtype(config.precision, device)
    model = lora_model(lm, config)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)
    prompt_grad = config.prompt_grad if config.prompt_grad is not None else device.startswith("cuda")
    key = config.key() | {"prompt_grad": prompt_grad, "base": lm.name, "pairs": len(pairs)}

    start, losses, eval_base = 0, [], None
    state_file = ckpt / "state.json"
    if state_file.is_file():
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        state = json.loads(state_file.read_text())
        if state["config"] != key:
            raise ValueError(f"{out} holds an adapter trained with other settings or data ({state['config']}); use a new --out folder")
        start, losses, eval_base = state["step"], state["losses"], state.get("eval_loss_base")
        set_peft_model_state_dict(model, load_file(ckpt / f"lora-{start}.safetensors"))
        _load_optimizer(opt, load_file(ckpt / f"optimizer-{start}.safetensors"), state["optimizer"])
    if eval_base is None and evals:  # the base model's held-out loss: LoRA's B is still zero
        eval_base = eval_loss(model, tok, evals, amp)

    record = {
        "data": {
            "files": files, "pairs": len(pairs), "train_pairs": len(train), "train_pairs_gate_rejected": written - len(train),
            "gate_rejections": gate_rejected, "eval_pairs": len(evals), "eval_groups": held,
        },
        "config": {**asdict(config), "prompt_grad": prompt_grad, "targets": list(config.targets), "eval_categories": list(config.eval_categories)},
        "base": {"model": lm.name, "profile": base_ref},
    }
    adapter_mb = 0.0
    train_start = time.perf_counter()
    bar = tqdm(range(start, config.steps), initial=start, total=config.steps, desc="training copywriter", disable=not progress)
    model.train()
    for step in bar:
        torch.manual_seed(config.seed * 1_000_003 + step)  # LoRA dropout: the same masks on a resumed run
        for g in opt.param_groups:
            g["lr"] = learning_rate(config, step)
        examples = step_examples(tok, train, step, config.batch_size, config.seed)
        if prompt_grad:
            loss = target_loss(model, collate(examples, _pad_id(tok), device), amp)
        else:
            loss = split_target_loss(model, collate_split(examples, _pad_id(tok), device), amp)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, config.clip_norm)
        opt.step()
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            raise RuntimeError(f"training diverged at step {step + 1} (loss is not finite); try a lower --lr")
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if on_step:
            on_step(step + 1, losses[-1])
        if (step + 1) % checkpoint_every == 0 or step + 1 == config.steps:
            _checkpoint(ckpt, model, opt, {"step": step + 1, "losses": losses, "config": key, "eval_loss_base": eval_base})
            adapter_mb = export_adapter(model, out, lm.name)
            _write_record(out, record | {"result": {"step": step + 1, "train_loss_last10": _tail_mean(losses)}}, res.entry, models.profile, base_ref, licence)
    train_seconds = time.perf_counter() - train_start
    if start >= config.steps and not (out / "adapter_model.safetensors").is_file():
        adapter_mb = export_adapter(model, out, lm.name)
    adapter_mb = adapter_mb or (out / "adapter_model.safetensors").stat().st_size / 1e6
    final = eval_loss(model, tok, evals, amp) if evals else None
    report = TrainReport(
        out, config.steps, losses, start, len(train), len(evals), held, eval_base, final,
        round(train_seconds, 1), peak_memory_mb(device), round(adapter_mb, 2), evals,
    )
    result = {
        "step": config.steps,
        "train_loss_last10": _tail_mean(losses),
        "eval_loss_base": _round(eval_base),
        "eval_loss": _round(final),
        "train_seconds_this_run": report.seconds,
        "seconds_this_run": round(time.perf_counter() - t_start, 1),
        "peak_memory_mb": _round(report.peak_memory_mb, 1),
        "adapter_mb": report.adapter_mb,
        "machine": _machine(device),
    }
    _write_record(out, record | {"result": result}, res.entry, models.profile, base_ref, licence)
    return report


def learning_rate(config: TrainConfig, step: int) -> float:
    """Linear warm-up, then constant, or cosine down to lr/10 by `decay_steps` and flat after.
    Depends on the step and the config only, never on `steps`: extending a run keeps its past."""
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    if not config.decay_steps:
        return config.lr
    progress = min(1.0, (step - config.warmup) / max(1, config.decay_steps - config.warmup))
    return config.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def _tail_mean(losses: list[float], n: int = 10) -> float | None:
    return round(sum(losses[-n:]) / len(losses[-n:]), 4) if losses else None


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def _machine(device: str) -> dict[str, Any]:
    import torch

    return {"device": device, "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "torch": torch.__version__, "python": host.python_version()}


def _write_record(out: Path, record: dict[str, Any], entry: Any, base: "Profile", base_ref: str, licence: str | None) -> None:
    """training.json (how it was trained, what it measured) and profile.toml beside the adapter."""
    atomic_write_bytes(out / "training.json", json.dumps(record, indent=1, ensure_ascii=False).encode())
    write_profile(out, base, base_ref, entry.model_copy(update={"adapter": None}), record, licence)


def add_result(out: Path, extra: dict[str, Any]) -> None:
    """Merge `extra` into the recorded result (training.json and the profile's adapter.trained):
    the generation eval, measured after training, is recorded where the training is."""
    import tomllib

    import tomli_w

    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    record.setdefault("result", {}).update(extra)
    atomic_write_bytes(out / "training.json", json.dumps(record, indent=1, ensure_ascii=False).encode())
    path = out / "profile.toml"
    text = path.read_text(encoding="utf-8")
    head = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    profile = tomllib.loads(text)
    profile["roles"]["lm"][0]["adapter"].setdefault("trained", {}).setdefault("result", {}).update(_toml_safe(extra))
    atomic_write_bytes(path, (head + tomli_w.dumps(profile)).encode())


def eval_items(pairs: list[CopyPair], products: int) -> list[tuple[Any, list[str]]]:
    """The held-out pairs as (facts, platforms) per product, in file order, the first
    `products` of them: what a generation eval asks the copy stage for."""
    items: dict[str, tuple[Any, list[str]]] = {}
    for p in pairs:
        facts, platforms = items.setdefault(p.group, (p.facts, []))
        if p.platform not in platforms:
            platforms.append(p.platform)
    return list(items.values())[:products]
