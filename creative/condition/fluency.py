"""How fluent the language model finds a text: the mean log-probability of each of several
continuations after a prompt, in one batched forward pass. Ranks candidates and picks a call
to action."""

from __future__ import annotations

from typing import Any


def _prompt_ids(lm: Any, messages: list[dict[str, str]], prefix: str = "") -> Any:
    import torch

    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False) + prefix
    ids = lm.tokenizer(text, add_special_tokens=False, return_tensors="pt").input_ids
    return ids.to(lm.device) if isinstance(ids, torch.Tensor) else torch.tensor(ids, device=lm.device)


def sequence_logprob(lm: Any, messages: list[dict[str, str]], continuations: list[str]) -> list[float]:
    """Mean per-token log-probability of each continuation after the prompt (batched): how
    fluent the LM finds it. Used to rank candidates and to pick a call to action."""
    import torch

    prompt = _prompt_ids(lm, messages)[0]
    seqs = [torch.cat([prompt, lm.tokenizer(c, add_special_tokens=False, return_tensors="pt").input_ids[0].to(prompt.device)]) for c in continuations]
    width = max(len(s) for s in seqs)
    pad = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else 0
    batch = torch.full((len(seqs), width), pad, dtype=torch.long, device=prompt.device)
    mask = torch.zeros_like(batch)
    for i, s in enumerate(seqs):
        batch[i, : len(s)], mask[i, : len(s)] = s, 1
    with torch.inference_mode():
        logp = lm.model(input_ids=batch, attention_mask=mask).logits.float().log_softmax(-1)
    scores = []
    for i, s in enumerate(seqs):
        positions = torch.arange(len(prompt) - 1, len(s) - 1, device=prompt.device)
        scores.append(float(logp[i, positions, s[len(prompt) :]].mean()) if len(positions) else -10.0)
    return scores
