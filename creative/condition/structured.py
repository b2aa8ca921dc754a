"""Structured, length-aware, batched decoding: every variant of every platform of a product (and
of several products) decoded as one batch, each answer in the fixed "Label: text" format.

    rows = [Row(prompt_ids, fields=[FieldSpec("headline", 30, "chars", (), 0.6), ...], seed=s)]
    decoded = decode_rows(lm, rows)       # one Decoded per row: fields, finished, fluency

How it works, and why:
- The prompt of every row is tokenised whole; rows that share a prefix (the system turn, the
  few-shot examples, the product's facts) share its keys and values: each distinct prefix is
  run through the model once (a token trie), then the cached rows are left-padded into one batch.
- The decoder writes the structure, the model writes the words: when a field ends (a newline or
  the end token), the next field's label is fed in by us, so the format never breaks.
- Each field has a character budget counted the platform's way (Google counts CJK double). A
  token that would take the field past it is masked out; near the end, ending the field is
  favoured when the text stops at a clean phrase boundary. A field can end early, never late.
- Repetition is held back (a repetition penalty, Keskar et al. 2019, and no repeated n-grams),
  tokens of the product's facts get a small bonus (names come out verbatim), and tokens that
  are markup or in a script the language does not use are never chosen.
- With a CLIP model and a target embedding, each step re-scores the top-k candidates by the
  CLIP alignment of the field's text so far with the target (the CLIP term of MAGIC, Su et al.
  2022; its degeneration penalty is replaced by the repetition controls above).
"""

from __future__ import annotations

import math
import re
import unicodedata
import weakref
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from creative.textunits import dangling_end, text_length

# Characters a field never contains: markup, code and list syntax small models fall into.
_BANNED_CHARS = set("<>[]{}|#*@_`\\~^=\t")


@dataclass(frozen=True)
class FieldSpec:
    """One field to write: its budget in characters (counted by `counting`, "chars" or
    "google"), the label tokens fed before it (empty for the first field: its label ends the
    prompt) and its sampling temperature (0: greedy)."""

    name: str
    limit: int
    counting: str = "chars"
    label_ids: tuple[int, ...] = ()
    temperature: float = 0.7


@dataclass
class Row:
    """One answer to decode: the prompt's token ids (ending with the first field's label), the
    fields in order, and how to choose tokens."""

    prompt: list[int]
    fields: list[FieldSpec]
    seed: int = 0
    greedy: bool = False  # argmax at every step (the first variant of a set)
    language: str = "en"  # scripts allowed in the text
    copy_ids: frozenset[int] = frozenset()  # tokens of the product's facts: a small bonus
    target: np.ndarray | None = None  # (d,) CLIP embedding to steer towards (MAGIC); None: off
    prefix_embeds: Any = None  # (P, d_model) learned prefix fed before the prompt (ClipCap)
    numbers: frozenset[str] | None = None  # the facts' numbers: no other number is written; None: any
    lexicon: Any = None  # words allowed (prefix_ok(partial), word_ok(word, sentence_start)); None: any


@dataclass
class Decoded:
    fields: dict[str, str]
    finished: dict[str, bool]  # the model ended the field itself (False: its budget did)
    mean_logprob: float  # of the chosen tokens under the LM alone: its fluency
    tokens: int  # tokens the model chose (labels fed by the decoder not counted)
    clip_guided: bool = False


@dataclass(frozen=True)
class Guidance:
    """How tokens are chosen. `temperature` None: the copy stage decides per field and decodes
    each set's first variant greedily; a number applies to every field of every variant."""

    temperature: float | None = None
    top_k: int = 40
    top_p: float = 0.85
    repetition_penalty: float = 1.3
    no_repeat_ngram: int = 3
    copy_bonus: float = 1.0  # logit bonus for the first tokens of the product's names
    end_bias: float = 3.0  # logit bonus for ending a field at a clean boundary near its budget
    end_zone: float = 0.25  # "near": the last quarter of the budget
    clip_top_k: int = 8
    clip_beta: float = 1.0
    clip_tau: float = 0.05


# -- the tokenizer, as tables over the vocabulary ---------------------------------------


@dataclass
class _Vocab:
    texts: list[str]
    length: dict[str, Any]  # counting -> (V,) tensor of characters each token adds
    newline: Any  # (V,) bool: a token that is only whitespace with a line break (ends a field)
    banned: dict[str, Any]  # language -> (V,) bool: markup, control or a foreign script
    ends: list[int]  # end-of-text tokens
    digits: list[int]  # tokens with a digit in them
    continues_number: Any  # (V,) bool: a token that starts with a digit, "." or ","


_VOCABS: "weakref.WeakKeyDictionary[Any, _Vocab]" = weakref.WeakKeyDictionary()


def _script_ok(ch: str, language: str) -> bool:
    if ch.isascii() or not ch.isalpha():
        return True
    name = unicodedata.name(ch, "")
    if language == "zh":
        return "CJK" in name or "LATIN" in name or "FULLWIDTH" in name
    return "LATIN" in name


def vocab_tables(tokenizer: Any) -> _Vocab:
    """Per-token text, length (chars / Google), line-break and ban masks, built once per
    tokenizer (tens of thousands of single-token decodes: about a second)."""
    if tokenizer in _VOCABS:
        return _VOCABS[tokenizer]
    import torch

    size = len(tokenizer)
    texts = tokenizer.batch_decode([[i] for i in range(size)], skip_special_tokens=False, clean_up_tokenization_spaces=False)
    special = set(tokenizer.all_special_ids)
    length = {c: torch.tensor([max(1, text_length(t, c)) for t in texts], dtype=torch.long) for c in ("chars", "google")}
    newline = torch.tensor([i not in special and "\n" in t and not t.strip() for i, t in enumerate(texts)])
    banned = {}
    for language in ("en", "zh"):
        bad = [
            i in special or (("\n" in t or "\r" in t) and bool(t.strip())) or any(c in _BANNED_CHARS or unicodedata.category(c) == "Cc" and c != "\n" for c in t)
            or not all(_script_ok(c, language) for c in t) or "\ufffd" in t and language == "en"
            for i, t in enumerate(texts)
        ]
        banned[language] = torch.tensor(bad)
    ends = sorted({t for t in (tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<|im_end|>")) if isinstance(t, int) and 0 <= t < size})
    digits = [i for i, t in enumerate(texts) if any(c.isdigit() for c in t) and i not in special]
    continues = torch.tensor([t[:1].isdigit() or t[:1] in ".," for t in texts])
    vocab = _Vocab(texts, length, newline, banned, ends, digits, continues)
    _VOCABS[tokenizer] = vocab
    return vocab


# -- the prompt trie: each shared prefix runs through the model once ----------------------


def _cache_kwarg(model: Any, cache: Any) -> dict[str, Any]:
    import inspect

    params = inspect.signature(model.forward).parameters
    return {"cache": cache} if "cache" in params else {"past_key_values": cache}


def _cache_of(output: Any) -> Any:
    # transformers 5 renamed past_key_values to cache; accept both
    return getattr(output, "cache", None) or output.past_key_values


def _snapshot(cache: Any) -> list[tuple[Any, Any]]:
    """The cache's keys and values as they are now. Appending makes new tensors (torch.cat),
    so a snapshot stays valid while the cache it came from grows."""
    return [(layer.keys, layer.values) for layer in cache.layers]


def _new_cache(snapshot: list[tuple[Any, Any]] | None):
    from transformers import DynamicCache

    return DynamicCache(ddp_cache_data=snapshot) if snapshot else DynamicCache()


def _growing_cache(layers: list[tuple[Any, Any]], room: int):
    """A cache for the decoding loop that appends in place. The stock one concatenates, copying
    every cached key and value at every step: with a long few-shot prompt that copy costs more
    than the model. Each layer keeps a buffer with `room` spare positions, doubled when full."""
    import torch
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    class GrowingLayer(DynamicLayer):
        def __init__(self, keys: Any, values: Any):
            super().__init__()
            n = keys.shape[-2]
            self._k = keys.new_zeros(*keys.shape[:2], n + room, keys.shape[3])
            self._v = values.new_zeros(*values.shape[:2], n + room, values.shape[3])
            self._k[:, :, :n], self._v[:, :, :n] = keys, values
            self._n = n
            self.dtype, self.device, self.is_initialized = keys.dtype, keys.device, True
            self.keys, self.values = self._k[:, :, :n], self._v[:, :, :n]

        def update(self, key_states, value_states, *args, **kwargs):
            new = key_states.shape[-2]
            if self._n + new > self._k.shape[2]:
                grow = max(new, self._k.shape[2])
                self._k = torch.cat([self._k, self._k.new_zeros(*self._k.shape[:2], grow, self._k.shape[3])], dim=2)
                self._v = torch.cat([self._v, self._v.new_zeros(*self._v.shape[:2], grow, self._v.shape[3])], dim=2)
            self._k[:, :, self._n : self._n + new] = key_states
            self._v[:, :, self._n : self._n + new] = value_states
            self._n += new
            self.keys, self.values = self._k[:, :, : self._n], self._v[:, :, : self._n]
            return self.keys, self.values

        def batch_select_indices(self, indices):
            self._k, self._v = self._k[indices], self._v[indices]
            self.keys, self.values = self._k[:, :, : self._n], self._v[:, :, : self._n]

    cache = DynamicCache()
    cache.layers = [GrowingLayer(k, v) for k, v in layers]
    return cache


def _encode_prompts(model: Any, prompts: list[tuple[int, ...]]) -> dict[tuple[int, ...], tuple[list, Any]]:
    """Each distinct prompt -> (its cache snapshot, next-token logits (V,)). Prompts that share a
    prefix share the work: the trie is walked depth first, each edge run once."""
    import torch

    out: dict[tuple[int, ...], tuple[list, Any]] = {}

    def walk(snapshot: list | None, start: int, group: list[tuple[int, ...]], logits: Any) -> None:
        shortest = min(len(p) for p in group)
        end = start
        while end < shortest and all(p[end] == group[0][end] for p in group):
            end += 1
        cache = _new_cache(snapshot)
        if end > start:
            ids = torch.tensor([group[0][start:end]], dtype=torch.long, device=model.device)
            positions = torch.arange(start, end, device=model.device)[None]
            result = model(input_ids=ids, position_ids=positions, use_cache=True, **_cache_kwarg(model, cache))
            cache, logits = _cache_of(result), result.logits[0, -1].float()
        here = _snapshot(cache)
        for p in group:
            if len(p) == end:
                out[p] = (here, logits)
        children: dict[int, list[tuple[int, ...]]] = {}
        for p in group:
            if len(p) > end:
                children.setdefault(p[end], []).append(p)
        for child in children.values():
            walk(here, end, child, logits)

    distinct = list(dict.fromkeys(prompts))
    if distinct:
        with torch.inference_mode():
            walk(None, 0, distinct, None)
    return out


def _encode_with_prefix(model: Any, prompt: tuple[int, ...], prefix_embeds: Any) -> tuple[list, Any, int]:
    """A prompt after a learned prefix (embeddings, not tokens): run alone. Returns the cache
    snapshot, the next-token logits and the cached length."""
    import torch

    with torch.inference_mode():
        embed = model.get_input_embeddings()
        ids = torch.tensor([prompt], dtype=torch.long, device=model.device)
        tokens = embed(ids)
        inputs = torch.cat([prefix_embeds.to(tokens.dtype).reshape(1, -1, tokens.shape[-1]), tokens], dim=1)
        result = model(inputs_embeds=inputs, use_cache=True)
    return _snapshot(_cache_of(result)), result.logits[0, -1].float(), inputs.shape[1]


def _batch_cache(snapshots: list[list[tuple[Any, Any]]], lengths: list[int]):
    """One cache for the batch: each row's keys and values left-padded to the longest (the pad
    positions are masked out; the keys keep the positions they were computed at)."""
    import torch

    width = max(lengths)
    layers = []
    for layer in range(len(snapshots[0])):
        ks, vs = [], []
        for snap, n in zip(snapshots, lengths):
            k, v = snap[layer]
            pad = width - n
            if pad:
                k = torch.cat([k.new_zeros(*k.shape[:2], pad, k.shape[3]), k], dim=2)
                v = torch.cat([v.new_zeros(*v.shape[:2], pad, v.shape[3]), v], dim=2)
            ks.append(k)
            vs.append(v)
        layers.append((torch.cat(ks), torch.cat(vs)))
    mask = torch.zeros(len(lengths), width, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, width - n :] = 1
    return layers, mask


# -- decoding --------------------------------------------------------------------------


@dataclass
class _State:
    row: Row
    index: int = 0  # of the field being written
    ids: list[int] = field(default_factory=list)  # the current field's tokens
    history: list[int] = field(default_factory=list)  # every token of the answer, labels included
    texts: dict[str, str] = field(default_factory=dict)
    finished: dict[str, bool] = field(default_factory=dict)
    forced: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    done: bool = False
    position: int = 0  # position of the next token fed
    cut: bool = False  # the budget ended the field while the model was still writing

    @property
    def spec(self) -> FieldSpec:
        return self.row.fields[self.index]


def _field_text(tokenizer: Any, ids: list[int]) -> str:
    return tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False).lstrip()


def _no_repeat(history: list[int], n: int) -> set[int]:
    """Tokens that would complete an n-gram already in `history` (Paulus et al. 2018)."""
    if n < 1 or len(history) < n - 1:
        return set()
    tail = tuple(history[len(history) - n + 1 :]) if n > 1 else ()
    return {history[i + n - 1] for i in range(len(history) - n + 1) if tuple(history[i : i + n - 1]) == tail}


def decode_rows(
    lm: Any,
    rows: list[Row],
    *,
    clip: Any = None,
    settings: Guidance = Guidance(),
    progress: Callable[[float], None] | None = None,
) -> list[Decoded]:
    """Decode every row in one batch (see the module docstring). Returns one `Decoded` per row,
    in order. Deterministic for a row's seed; a greedy row gives the same text alone or in a
    batch. Fields never exceed their budget as counted by the field's counting."""
    import torch

    if not rows:
        return []
    tok, model = lm.tokenizer, lm.model
    vocab = vocab_tables(tok)
    size = len(vocab.texts)
    device = model.device

    # 1. prompts: shared prefixes once, then one left-padded batch
    plain = [r for r in rows if r.prefix_embeds is None]
    encoded = _encode_prompts(model, [tuple(r.prompt) for r in plain])
    snapshots, lengths, first_logits = [], [], []
    for r in rows:
        if r.prefix_embeds is None:
            snap, logits = encoded[tuple(r.prompt)]
            n = len(r.prompt)
        else:
            snap, logits, n = _encode_with_prefix(model, tuple(r.prompt), r.prefix_embeds)
        snapshots.append(snap)
        lengths.append(n)
        first_logits.append(logits)
    layers, mask = _batch_cache(snapshots, lengths)
    mask = mask.to(device)
    max_steps = sum(sum(f.limit for f in r.fields) + 4 * len(r.fields) for r in rows) // len(rows) + 8
    cache = _growing_cache(layers, room=min(256, max_steps))
    logits = torch.stack(first_logits)[:, :size]

    states = [_State(r, position=n) for r, n in zip(rows, lengths)]
    generators = [torch.Generator().manual_seed(int(r.seed)) for r in rows]
    active = list(range(len(rows)))  # rows still in the batch, in batch order
    ends = torch.zeros(size, dtype=torch.bool)
    ends[vocab.ends] = True
    stoppers = vocab.newline | ends
    clip_memo: dict[str, np.ndarray] = {}
    step = 0

    with torch.inference_mode():
        while active:
            step += 1
            chosen: list[int] = []
            raw = logits.float().log_softmax(-1)
            for slot, i in enumerate(active):
                st = states[i]
                if st.forced:
                    chosen.append(st.forced.pop(0))
                    continue
                token = _choose(st, logits[slot], raw[slot], vocab, stoppers, settings, generators[i], tok, clip, clip_memo)
                chosen.append(_advance(st, token, bool(stoppers[token]), float(raw[slot, token]), tok))
            finished_now = [slot for slot, i in enumerate(active) if states[i].done]
            keep = [slot for slot, i in enumerate(active) if not states[i].done]
            if not keep:
                break
            if finished_now:  # compact: finished rows leave the batch
                index = torch.tensor(keep, device=device)
                cache.batch_select_indices(index)
                mask = mask.index_select(0, index)
                chosen = [chosen[s] for s in keep]
                active = [active[s] for s in keep]
            ids = torch.tensor([[c] for c in chosen], dtype=torch.long, device=device)
            positions = torch.tensor([[states[i].position] for i in active], device=device)
            mask = torch.cat([mask, mask.new_ones(len(active), 1)], dim=1)
            result = model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True, **_cache_kwarg(model, cache))
            cache, logits = _cache_of(result), result.logits[:, -1, :size].float()
            for i in active:
                states[i].position += 1
            if progress:
                progress(min(1.0, step / max_steps))
    return [
        Decoded(
            {f.name: st.texts.get(f.name, "") for f in st.row.fields},
            {f.name: st.finished.get(f.name, False) for f in st.row.fields},
            float(np.mean(st.logprobs)) if st.logprobs else -10.0,
            len(st.logprobs),
            clip is not None and st.row.target is not None,
        )
        for st in states
    ]


def _choose(st: _State, logits: Any, raw: Any, vocab: _Vocab, stoppers: Any, s: Guidance, generator: Any, tok: Any, clip: Any, memo: dict) -> int:
    """The next token of one row: every rule of the module docstring applied to its logits."""
    import torch

    spec = st.spec
    x = logits.clone()
    if st.history:
        seen = torch.tensor(sorted(set(st.history)), dtype=torch.long)
        vals = x[seen]
        x[seen] = torch.where(vals > 0, vals / s.repetition_penalty, vals * s.repetition_penalty)
    if st.row.copy_ids:
        x[list(st.row.copy_ids)] += s.copy_bonus
    banned = vocab.banned[st.row.language].clone()
    for t in _no_repeat(st.history, s.no_repeat_ngram):
        banned[t] = True
    text = _field_text(tok, st.ids)
    if st.row.numbers is not None:
        foreign, unfinished = _foreign_numbers(text, vocab, st.row.numbers)
        banned[foreign] = True
        if unfinished:  # "26" of "265": only the rest of the number may follow
            banned |= ~vocab.continues_number
    used = text_length(text, spec.counting)
    remaining = spec.limit - used
    too_long = vocab.length[spec.counting] > remaining
    banned |= too_long & ~stoppers
    if not text.strip():
        banned |= stoppers  # a field is never empty
    elif remaining <= 0:
        banned |= ~stoppers  # full: only ending the field is left
    x[banned] = -math.inf
    if text.strip() and remaining < s.end_zone * spec.limit and not dangling_end(text):
        x[stoppers] += s.end_bias
    greedy = st.row.greedy or spec.temperature <= 0
    # The vocabulary table's lengths are per token alone; what a token adds in context can
    # differ (a word-level tokenizer adds a space). So each choice is measured for real, and
    # one that would overflow is taken out and the choice made again.
    for _ in range(16):
        if torch.isinf(x).all():  # nothing allowed: end the field
            break
        if clip is not None and st.row.target is not None:
            token = _clip_choice(x, st, spec, s, greedy, generator, tok, clip, memo)
        elif greedy:
            token = int(x.argmax())
        else:
            token = int(torch.multinomial(_top_k_top_p(x / spec.temperature, s.top_k, s.top_p), 1, generator=generator))
        after = text if stoppers[token] else _field_text(tok, st.ids + [token])
        fits = stoppers[token] or text_length(after, spec.counting) <= spec.limit
        if fits and (st.row.lexicon is None or _words_ok(text, after, bool(stoppers[token]), st.row.lexicon)):
            _mark_cut(st, token, logits, vocab, stoppers)
            return token
        x[token] = -math.inf
    token = int(torch.nonzero(stoppers)[0])
    _mark_cut(st, token, logits, vocab, stoppers)
    return token


_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*-?")
_WORD_TAIL = re.compile(r"[A-Za-z'’-]*$")


def _words_ok(before: str, after: str, ends: bool, lexicon: Any) -> bool:
    """Whether the words a token writes (or, when it ends the field, the last word) are allowed:
    each word it finishes passes `lexicon.word_ok`, the one it leaves open `lexicon.prefix_ok`.
    A tokenizer that re-spells what came before is not second-guessed."""
    if not after.startswith(before):
        return True
    start = len(before) - len(_WORD_TAIL.search(before).group(0))
    for m in _WORD.finditer(after, start):
        word = m.group(0).rstrip("-")
        finished = ends or m.end() < len(after)
        sentence_start = not after[: m.start()].strip() or after[: m.start()].rstrip()[-1] in ".!?:;"
        if not (lexicon.word_ok(word, sentence_start) if finished else lexicon.prefix_ok(m.group(0))):
            return False
    return True


def _mark_cut(st: _State, token: int, logits: Any, vocab: _Vocab, stoppers: Any) -> None:
    """When the field ends here although the model, left alone, would have gone on, its text
    stops wherever the budget ran out ("... keeps drinks cold for up to 24"): say so, and the
    copy stage cuts it back to a clean end."""
    if stoppers[token]:
        st.cut = not bool(stoppers[int(logits.argmax())])


_NUMBER_RUN = re.compile(r"\d+(?:[.,]\d+)*[.,]?")
_NUMBER_TAIL = re.compile(r"\d+(?:[.,]\d+)*[.,]?$")


@lru_cache(maxsize=256)
def _number_prefixes(numbers: frozenset[str]) -> frozenset[str]:
    return frozenset(n[:i] for n in numbers for i in range(1, len(n) + 1))


def _foreign_numbers(text: str, vocab: _Vocab, numbers: frozenset[str]) -> tuple[list[int], bool]:
    """Digit tokens that would write a number the facts do not have (every number they finish
    must be one of `numbers`, the one they leave open a beginning of one), and whether the
    number the text ends with is unfinished. Small models invent sizes and prices; this keeps
    every number a fact."""
    prefixes = _number_prefixes(numbers)
    tail = m.group(0) if (m := _NUMBER_TAIL.search(text)) else ""
    out = []
    for t in vocab.digits:
        piece = vocab.texts[t]
        joined = tail + piece if tail and (piece[:1].isdigit() or piece[:1] in ".,") else piece
        runs = _NUMBER_RUN.findall(joined)
        if not runs:
            continue
        *done, last = runs
        if any(r.rstrip(".,") not in numbers for r in done) or last not in prefixes:
            out.append(t)
    return out, bool(tail) and tail.rstrip(".,") not in numbers


def _top_k_top_p(x: Any, k: int, p: float) -> Any:
    import torch

    values, index = x.topk(min(k, int(torch.isfinite(x).sum())))
    probs = values.softmax(-1)
    keep = probs.cumsum(-1) - probs < p  # the smallest set whose mass reaches p (at least one)
    out = torch.zeros_like(x)
    out[index[keep]] = probs[keep]
    return out / out.sum()


def _clip_choice(x: Any, st: _State, spec: FieldSpec, s: Guidance, greedy: bool, generator: Any, tok: Any, clip: Any, memo: dict) -> int:
    """MAGIC's CLIP term on the top-k: LM probability + beta * softmax(CLIP similarity / tau)."""
    import torch

    k = min(s.clip_top_k, int(torch.isfinite(x).sum()))
    values, index = x.topk(k)
    texts = [_field_text(tok, st.ids + [int(t)]) or "." for t in index]
    missing = [t for t in dict.fromkeys(texts) if t not in memo]
    if missing:
        memo.update(zip(missing, clip.encode_texts(missing)))
    sims = torch.tensor(np.stack([memo[t] for t in texts]) @ np.asarray(st.row.target, dtype=np.float32))
    score = values.softmax(-1) + s.clip_beta * (sims / s.clip_tau).softmax(-1)
    if greedy:
        return int(index[int(score.argmax())])
    return int(index[int(torch.multinomial((score / max(spec.temperature, 1e-3)).softmax(-1), 1, generator=generator))])


def _advance(st: _State, token: int, stops: bool, logprob: float, tok: Any) -> int:
    """Record the chosen token and return the token to feed the model. When a field ends (the
    model chose a line break or the end token, or its budget left nothing else), its text is
    stored and the next field's label is fed instead: "\n<Label>:" tokens, one a step."""
    st.logprobs.append(logprob)
    spec = st.spec
    if not stops:
        st.ids.append(token)
        st.history.append(token)
        return token
    st.texts[spec.name], st.finished[spec.name] = _field_text(tok, st.ids).strip(), not st.cut
    st.index, st.ids, st.cut = st.index + 1, [], False
    if st.index >= len(st.row.fields):
        st.done = True
        return token
    st.forced = list(st.spec.label_ids)
    st.history += st.forced
    return st.forced.pop(0)
