"""The CLIP encoder the stages share: an open_clip model with batched, normalised image and
text towers, a text-embedding memo, and this model's calibration of cosines to 0-1 scores.
Built by `creative.models.loaders.load_open_clip`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from creative.vectors import calibrated, normalize


@dataclass
class ClipEncoder:
    """An open_clip model with batched, normalised encoders and a text-embedding memo."""

    model: Any
    preprocess: Any
    tokenizer: Any
    name: str
    device: str
    options: dict = field(default_factory=dict)
    key: str = ""  # identifies the weights, for on-disk caches
    batch_size: int = 32
    _text_memo: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def logit_scale(self) -> float:
        return float(self.model.logit_scale.exp().item())

    def score(self, cos: np.ndarray | float) -> np.ndarray:
        """Calibrated 0-1 score of raw cosines, with this model's calibration constants."""
        return calibrated(cos, self.options.get("calibration_center", 0.2), self.options.get("calibration_scale", 0.04))

    def encode_images(self, images: list) -> np.ndarray:
        """(n, d) normalised embeddings of RGB PIL images, in batches."""
        import torch

        out = []
        for start in range(0, len(images), self.batch_size):
            batch = torch.stack([self.preprocess(im) for im in images[start : start + self.batch_size]]).to(self.device)
            with torch.inference_mode():
                out.append(self.model.encode_image(batch).float().cpu().numpy())
        return normalize(np.concatenate(out)) if out else np.zeros((0, 0), np.float32)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """(n, d) normalised embeddings; each distinct text is encoded once per encoder."""
        import torch

        missing = list(dict.fromkeys(t for t in texts if t not in self._text_memo))
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start : start + self.batch_size]
            tokens = self.tokenizer(chunk).to(self.device)
            with torch.inference_mode():
                emb = normalize(self.model.encode_text(tokens).float().cpu().numpy())
            self._text_memo.update(zip(chunk, emb))
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([self._text_memo[t] for t in texts])
