"""The `condition` stage: how the fused product embedding steers the language model.

Three mechanisms, each usable alone and composed by default:

1. Grounding: product facts and the photo's top CLIP tags become a structured prompt. Catalog
   text is fenced as data; sentences in it that read as instructions are dropped (and
   recorded), and outputs that echo such text are rejected later (`leaks_instructions`).
2. CLIP-guided decoding (`guided_generate`, after MAGIC, Su et al. 2022): at every step the
   LM's top-k next tokens are re-scored by LM probability, a degeneration penalty (SimCTG)
   and the CLIP alignment of the continued text with the fused embedding.
3. Learned prefix (`creative.condition.prefix`, after ClipCap, Mokady et al. 2021): a mapping network
   turns the fused embedding into prefix embeddings fed to the LM before the prompt.
"""

from creative.condition.grounding import Grounding, ground, leaks_instructions, looks_like_instruction, strip_instructions
from creative.condition.guided import Generated, Guidance, guided_generate, sequence_logprob

__all__ = [
    "Generated",
    "Grounding",
    "Guidance",
    "ground",
    "guided_generate",
    "leaks_instructions",
    "looks_like_instruction",
    "sequence_logprob",
    "strip_instructions",
]
