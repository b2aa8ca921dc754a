"""The `condition` stage: how the fused product embedding steers the language model.

Three mechanisms, each usable alone and composed by default:

1. Grounding: product facts and the photo's top CLIP tags become a structured prompt. Catalog
   text is fenced as data; sentences in it that read as instructions are dropped (and
   recorded), and outputs that echo such text are rejected later (`leaks_instructions`).
2. Structured, length-aware, batched decoding (`decode_rows`): every variant of every platform
   in one batch, each field within its character budget; with a CLIP model, the top-k next
   tokens are re-scored by the CLIP alignment of the text with the fused embedding (after
   MAGIC, Su et al. 2022). The prompt (`prompts`) shows a few example ads closest to the product.
3. Learned prefix (`creative.condition.prefix`, after ClipCap, Mokady et al. 2021): a mapping network
   turns the fused embedding into prefix embeddings fed to the LM before the prompt.
"""

from creative.condition.grounding import Grounding, ground, leaks_instructions, looks_like_instruction, strip_instructions
from creative.condition.fluency import sequence_logprob
from creative.condition.structured import Decoded, FieldSpec, Guidance, Row, decode_rows

__all__ = [
    "Decoded",
    "FieldSpec",
    "Grounding",
    "Guidance",
    "Row",
    "decode_rows",
    "ground",
    "leaks_instructions",
    "looks_like_instruction",
    "sequence_logprob",
    "strip_instructions",
]
