"""CLIP-guided decoding after MAGIC (Su et al. 2022): at every step the LM's top-k next tokens
are re-scored by LM probability, a degeneration penalty (SimCTG) and the CLIP alignment of
the continued text with the fused product embedding. Also the LM's own fluency score of
given continuations (`sequence_logprob`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Guidance:
    """MAGIC scoring: (1 - alpha) * p_LM - alpha * degeneration + beta * softmax(CLIP / tau).

    Defaults follow MAGIC's captioning setup (k=45 there; 8 keeps CPU decoding fast).
    beta = 0 turns CLIP guidance off (plain contrastive search); temperature > 0 samples
    among the re-scored candidates instead of taking the best, for diverse variants.
    """

    top_k: int = 8
    alpha: float = 0.3
    beta: float = 1.0
    clip_tau: float = 0.05
    temperature: float | None = None  # None: callers choose (copy decodes its first variant greedily)


@dataclass
class Generated:
    text: str
    token_ids: list[int]
    mean_logprob: float  # under the LM alone: its fluency
    clip_guided: bool
    finished: bool = True  # False when cut by the token or character budget (may end mid-word)


def _cache_of(output: Any) -> Any:
    # transformers 5 renamed past_key_values to cache; accept both
    return getattr(output, "cache", None) or output.past_key_values


def _cache_kwarg(model: Any, cache: Any) -> dict[str, Any]:
    import inspect

    params = inspect.signature(model.forward).parameters
    return {"cache": cache} if "cache" in params else {"past_key_values": cache}


def _tree_step(model: Any, cache: Any, committed: int, pending: list[int], candidates: Any) -> tuple[Any, Any]:
    """Run all k candidates in ONE sequence after the cached context, each attending to the
    context (and last step's token, entered into the cache here) but not to its siblings: a
    4D attention mask makes it k independent continuations at the cost of one short forward,
    instead of copying the whole KV cache k times. Returns each candidate's last hidden
    state (k, d) and next-token logits (k, vocab); the cache keeps only `pending`."""
    import torch

    device = candidates.device
    tokens = torch.cat([torch.tensor(pending, dtype=torch.long, device=device), candidates])
    n, p, k = len(tokens), len(pending), len(candidates)
    dtype = model.get_input_embeddings().weight.dtype
    mask = torch.full((1, 1, n, committed + n), torch.finfo(dtype).min, dtype=dtype, device=device)
    mask[..., : committed + p] = 0  # the context and the pending token (at most one) are seen by all
    mask[0, 0, torch.arange(p, n), committed + torch.arange(p, n)] = 0  # each candidate sees itself
    positions = torch.tensor([[committed + i for i in range(p)] + [committed + p] * k], device=device)
    out = model(input_ids=tokens[None], attention_mask=mask, position_ids=positions, use_cache=True, output_hidden_states=True, **_cache_kwarg(model, cache))
    _cache_of(out).crop(-k)  # negative: drop the last k entries (the candidates)
    return out.hidden_states[-1][0, p:].float(), out.logits[0, p:].float()


def _prompt_ids(lm: Any, messages: list[dict[str, str]], prefix: str = "") -> Any:
    import torch

    text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False) + prefix
    ids = lm.tokenizer(text, add_special_tokens=False, return_tensors="pt").input_ids
    return ids.to(lm.device) if isinstance(ids, torch.Tensor) else torch.tensor(ids, device=lm.device)


def guided_generate(
    lm: Any,
    messages: list[dict[str, str]],
    *,
    max_new_tokens: int = 40,
    clip: Any = None,
    target: np.ndarray | None = None,
    guidance: Guidance = Guidance(),
    seed: int = 0,
    prefix_embeds: Any = None,
    answer_prefix: str = "",
    stop: str = "\n",
    max_chars: int | None = None,
) -> Generated:
    """Decode one line of text, re-scoring the LM's top-k candidates at every step.

    The k candidates are scored in one batched forward pass that reuses the KV cache, and
    their CLIP text embeddings in one batched (memoised) CLIP call. Without `clip`/`target`
    or with beta = 0 this is contrastive search alone.
    """
    import torch

    tok, model = lm.tokenizer, lm.model
    use_clip = clip is not None and target is not None and guidance.beta > 0
    rng = torch.Generator().manual_seed(seed)
    ids = _prompt_ids(lm, messages, answer_prefix)
    with torch.inference_mode():
        embeds = model.get_input_embeddings()(ids)
        if prefix_embeds is not None:
            embeds = torch.cat([prefix_embeds.to(embeds.dtype).reshape(1, -1, embeds.shape[-1]), embeds], dim=1)
        out = model(inputs_embeds=embeds, use_cache=True, output_hidden_states=True)
        cache, logits = _cache_of(out), out.logits[0, -1].float()
        context = out.hidden_states[-1][0].float()  # (L, d): what new tokens must not repeat
        committed = embeds.shape[1]  # tokens whose keys/values are in the cache
        pending: list[int] = []  # the token chosen last step, not yet in the cache
        generated: list[int] = []
        logprobs: list[float] = []
        eos = {t for t in (tok.eos_token_id, getattr(model.generation_config, "eos_token_id", None)) if isinstance(t, int)}
        target_t = torch.as_tensor(target, dtype=torch.float32) if use_clip else None
        finished = False
        for _ in range(max_new_tokens):
            logp = logits.log_softmax(-1)
            top_logp, top_ids = logp.topk(guidance.top_k)
            hidden, next_logits = _tree_step(model, cache, committed, pending, top_ids)
            committed += len(pending)
            degeneration = torch.nn.functional.cosine_similarity(hidden[:, None], context[None], dim=-1).max(dim=1).values
            score = (1 - guidance.alpha) * top_logp.exp() - guidance.alpha * degeneration
            if use_clip:
                texts = [tok.decode(generated + [int(t)], skip_special_tokens=True).strip() or "." for t in top_ids]
                sims = torch.as_tensor(clip.encode_texts(texts), dtype=torch.float32) @ target_t
                score = score + guidance.beta * (sims / guidance.clip_tau).softmax(-1)
            if guidance.temperature:
                choice = int(torch.multinomial((score / guidance.temperature).softmax(-1), 1, generator=rng))
            else:
                choice = int(score.argmax())
            token = int(top_ids[choice])
            if token in eos:
                finished = True
                break
            generated.append(token)
            pending = [token]
            logprobs.append(float(top_logp[choice]))
            context = torch.cat([context, hidden[choice : choice + 1]])
            logits = next_logits[choice]
            if stop and stop in tok.decode(generated[-1:], skip_special_tokens=True):
                finished = True
                break
            # past the length any caller could use: it would only be cut again
            if max_chars is not None and len(tok.decode(generated, skip_special_tokens=True).strip()) > max_chars:
                break
    text = tok.decode(generated, skip_special_tokens=True)
    text = text.split(stop)[0] if stop else text
    text = answer_prefix.strip() + (" " if answer_prefix else "") + text.strip()
    return Generated(text, generated, float(np.mean(logprobs)) if logprobs else -10.0, use_clip, finished)


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
