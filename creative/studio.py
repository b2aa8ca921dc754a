"""`Studio`: owns a profile's models (resolved once, loaded lazily, shared) and runs the stages.

    studio = Studio.from_profile("auto")
    analysis = studio.analyze(Product(images=["shoe.jpg"], title="Trail running shoe"))
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from creative.encode.embeddings import DEFAULT_IMAGE_WEIGHT, ClipEncoder, ProductEmbedding, Tag, embed_products, tag_bank, tag_image
from creative.inputs.product import Product
from creative.models.profiles import Profile, Role, load_profile
from creative.rank import cosine
from creative.models.resolve import Resolution, resolve_profile


class RoleUnavailableError(RuntimeError):
    """A stage needs a role that no model fills on this machine."""

    def __init__(self, resolution: Resolution):
        self.resolution = resolution
        super().__init__(f"role '{resolution.role}' is unavailable: {resolution.reason}")


@dataclass
class Analysis:
    """What the encode stage knows about one product."""

    product: Product
    embedding: ProductEmbedding | None  # None when no CLIP model is available
    tags: dict[str, list[Tag]]  # per vocabulary category, best first
    image_text_cosine: float | None  # do the photos match the facts?
    image_text_score: float | None  # the same, calibrated to 0..1
    roles: dict[str, Resolution]
    fallbacks: list[str] = field(default_factory=list)  # what ran without its model, and why

    def top_tags(self, n: int = 6) -> list[Tag]:
        """The best label of each category, most confident first (categories like colour or
        material have different numbers of labels, so confidence is measured against chance)."""
        best = [tags[0] for tags in self.tags.values() if tags]
        counts = {cat: len(tags) for cat, tags in self.tags.items()}
        return sorted(best, key=lambda t: -t.probability * counts.get(t.category, 1))[:n]

    def to_dict(self, *, embeddings: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "title": self.product.title,
            "sku": self.product.sku or None,
            "language": self.product.language,
            "images": len(self.product.images),
            "tags": {
                cat: [{"label": t.name(self.product.language), "label_en": t.label, "probability": round(t.probability, 4), "similarity": round(t.similarity, 4)} for t in tags]
                for cat, tags in self.tags.items()
            },
            "image_text_alignment": None
            if self.image_text_cosine is None
            else {"cosine": round(self.image_text_cosine, 4), "score": round(self.image_text_score or 0.0, 4)},
            "roles": {role: res.to_dict() for role, res in self.roles.items()},
            "fallbacks": self.fallbacks,
        }
        if self.embedding is not None:
            d["embedding_dim"] = int(self.embedding.fused.shape[-1])
            d["image_weight"] = self.embedding.image_weight
            if embeddings:
                d["embeddings"] = {k: getattr(self.embedding, k).round(6).tolist() for k in ("image", "text", "fused")}
        return d


class Studio:
    def __init__(self, profile: Profile, *, device: str | None = None, image_weight: float = DEFAULT_IMAGE_WEIGHT):
        self.profile = profile
        self.image_weight = image_weight
        self._device = device
        self._resolutions: dict[str, Resolution] | None = None
        self._models: dict[str, Any] = {}
        self._lock = threading.RLock()

    @classmethod
    def from_profile(cls, profile: str | Path = "auto", **kwargs: Any) -> "Studio":
        return cls(load_profile(profile), **kwargs)

    # -- models ---------------------------------------------------------------------

    @property
    def device(self) -> str:
        if self._device is None:
            from creative.models.loaders import default_device

            self._device = default_device()
        return self._device

    @property
    def resolutions(self) -> dict[str, Resolution]:
        """Which model fills each role on this machine, and why (resolved once)."""
        with self._lock:
            if self._resolutions is None:
                self._resolutions = resolve_profile(self.profile)
            return self._resolutions

    def available(self, role: Role | str) -> bool:
        return self.resolutions[Role(role).value].available

    def model(self, role: Role | str) -> Any:
        """The loaded model of a role; loaded on first use, then shared."""
        role = Role(role).value
        with self._lock:
            if role not in self._models:
                self._models[role] = self._load(self.resolutions[role])
            return self._models[role]

    def _load(self, res: Resolution) -> Any:
        from creative.models.loaders import LOADERS, fetch_hub
        from creative.models.resolve import tiny_folder
        from creative.models.tiny import ensure_tiny

        if not res.available or res.entry is None:
            raise RoleUnavailableError(res)
        entry = res.entry
        if res.via == "tiny":
            path = ensure_tiny(entry, self.profile.seed, tiny_folder(entry, self.profile.seed))
        elif res.via == "hub-download":
            path = fetch_hub(entry)
        else:
            path = Path(res.path or "")
        return LOADERS[entry.loader](path, entry, self.device)

    @property
    def clip(self) -> ClipEncoder:
        return self.model(Role.clip)

    # -- encode stage ---------------------------------------------------------------

    def analyze(self, product: Product) -> Analysis:
        return self.analyze_many([product])[0]

    def analyze_many(self, products: list[Product]) -> list[Analysis]:
        """Embed and tag products with one batched CLIP pass per tower."""
        images = [p.load_images() for p in products]  # decode first: a bad image fails before any model loads
        if not self.available(Role.clip):
            why = f"clip unavailable ({self.resolutions['clip'].reason}): no embeddings, tags or CLIP ranking"
            return [Analysis(p, None, {}, None, None, self.resolutions, [why]) for p in products]
        clip = self.clip
        embeddings = embed_products(clip, images, [p.facts_text() for p in products], self.image_weight)
        bank = tag_bank(clip)
        out = []
        for product, emb in zip(products, embeddings):
            cos = float(cosine(emb.image, emb.text))
            tags = tag_image(bank, emb.image, clip.logit_scale)
            out.append(Analysis(product, emb, tags, cos, float(np.asarray(clip.score(cos))), self.resolutions))
        return out

    # -- the whole pipeline -----------------------------------------------------------

    def generate(self, product: Product, **kwargs: Any):
        """Analysis, ranked captions, copy per platform and finished banners, with the model of
        every role and the time of every stage (`creative.creative_set.CreativeSet`)."""
        return self.generate_many([product], **kwargs)[0]

    def generate_many(self, products: list[Product], **kwargs: Any):
        """`generate` for several products, CLIP-encoded in one batch, models loaded once."""
        from creative.creative_set import generate_many

        return generate_many(self, products, **kwargs)

    # -- condition + generate stages: text ------------------------------------------

    def captions(self, product: Product, n: int = 4, **kwargs: Any):
        """Ranked alt texts and one-sentence captions (`creative.generate.text.generate_captions`)."""
        from creative.generate.text import generate_captions

        return generate_captions(self, product, n=n, **kwargs)

    def copy(self, product: Product, platform: str = "generic", n: int = 3, **kwargs: Any):
        """Ranked ad-copy variants for one platform (`creative.generate.text.generate_copy`)."""
        from creative.generate.text import generate_copy

        return generate_copy(self, product, platform=platform, n=n, **kwargs)

    def banners(self, product: Product, **kwargs: Any):
        """Ranked finished banners in every size asked for (`creative.compose.banners.make_banners`)."""
        from creative.compose.banners import make_banners

        return make_banners(self, product, **kwargs)
