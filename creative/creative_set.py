"""`CreativeSet`: everything the pipeline made for one product (`Studio.generate`), saved
and loaded in the batch script's per-SKU layout.

    creative_set = studio.generate(product)          # or studio.generate_many(products)
    creative_set.save("out/SHOE-001")                 # the batch script's per-SKU layout
    CreativeSet.load("out/SHOE-001")
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
from PIL import Image

from creative.generate.text import Candidate
from creative.inputs.product import Product
from creative.paths import atomic_write_bytes

if TYPE_CHECKING:
    from creative.compose.banners import Banner

FORMAT_VERSION = 1


@dataclass
class CreativeSet:
    """Everything made for one product, and how: models per role, time per stage, fallbacks."""

    product: Product
    analysis: dict[str, Any]  # Analysis.to_dict(): tags, alignment, roles
    embeddings: dict[str, np.ndarray]  # image, text, fused (empty without CLIP)
    captions: list[Candidate]
    copy: dict[str, list[Candidate]]  # platform -> variants, best first
    banners: list["Banner"]  # every size, best first within a size
    models: dict[str, dict[str, Any]]  # role -> what filled it and why
    timings: dict[str, float]  # stage -> seconds
    fallbacks: list[str] = field(default_factory=list)
    dropped: dict[str, list[Candidate]] = field(default_factory=dict)  # "captions" / platform -> rejected, with reasons
    seed: int = 0

    def best_banner(self, size: str) -> "Banner | None":
        return next((b for b in self.banners if b.size == size and b.rank == 1), None)

    # -- save / load ----------------------------------------------------------------

    def banner_filename(self, banner: "Banner") -> str:
        return f"banners/{banner.size}-{banner.rank}.png"

    def files(self, png: "Callable[[Image.Image], bytes] | None" = None) -> dict[str, bytes]:
        """Every file of the saved set, by relative path (what `save` writes, and what the batch
        writer and the studio's zip download reuse). `png` encodes an image (the studio passes
        one that remembers what it encoded, so an edit re-encodes only what changed)."""
        _png = png or png_bytes
        out: dict[str, bytes] = {}
        for b in self.banners:
            name = self.banner_filename(b)
            out[name] = _png(b.image)
            out[name[:-4] + ".json"] = _json(b.to_dict())
        names: dict[int, str] = {}  # shared assets (one cutout for every size) are written once
        for b in self.banners:
            for key, img in b.assets.items():
                if id(img) not in names:
                    blob = _png(img)
                    names[id(img)] = f"assets/{key}-{hashlib.sha256(blob).hexdigest()[:12]}.png"  # content-named: reruns match
                    out[names[id(img)]] = blob
        out["captions.json"] = _json({"variants": [c.to_dict() for c in self.captions], "dropped": [c.to_dict() for c in self.dropped.get("captions", [])]})
        out["copy.json"] = _json(
            {p: {"variants": [c.to_dict() for c in vs], "dropped": [c.to_dict() for c in self.dropped.get(p, [])]} for p, vs in self.copy.items()}
        )
        if self.embeddings:
            buf = io.BytesIO()
            np.savez(buf, **self.embeddings)
            out["embeddings.npz"] = buf.getvalue()
        out["creative.json"] = _json(
            {
                "format": FORMAT_VERSION,
                "product": _product_facts(self.product),
                "analysis": self.analysis,
                "models": self.models,
                "timings": self.timings,
                "fallbacks": self.fallbacks,
                "seed": self.seed,
                "banners": [
                    {
                        "file": self.banner_filename(b),
                        "size": b.size,
                        "rank": b.rank,
                        "score": b.score,
                        "assets": {key: names[id(img)] for key, img in b.assets.items()},
                    }
                    for b in self.banners
                ],
            }
        )
        return out

    def save(self, directory: str | Path) -> Path:
        """Write every file atomically (temporary name, then rename); creative.json last, so a
        folder with creative.json is complete."""
        directory = Path(directory)
        files = self.files()
        for name, blob in files.items():
            if name != "creative.json":
                atomic_write_bytes(directory / name, blob)
        atomic_write_bytes(directory / "creative.json", files["creative.json"])
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "CreativeSet":
        from creative.compose.banners import Banner
        from creative.compose.spec import LayerSpec

        directory = Path(directory)
        index = json.loads((directory / "creative.json").read_text(encoding="utf-8"))
        if index.get("format") != FORMAT_VERSION:
            raise ValueError(f"{directory}: unsupported creative set format {index.get('format')!r}")
        captions = json.loads((directory / "captions.json").read_text(encoding="utf-8"))
        copy = json.loads((directory / "copy.json").read_text(encoding="utf-8"))
        banners = []
        for entry in index["banners"]:
            sidecar = json.loads((directory / entry["file"]).with_suffix(".json").read_text(encoding="utf-8"))
            assets = {key: _open(directory / name) for key, name in entry["assets"].items()}
            banners.append(
                Banner(_open(directory / entry["file"]), sidecar["size"], sidecar["scores"], sidecar["score"], sidecar["metadata"], LayerSpec.from_dict(sidecar["spec"]), assets, sidecar["rank"])
            )
        embeddings = {}
        if (directory / "embeddings.npz").is_file():
            with np.load(directory / "embeddings.npz", allow_pickle=False) as npz:
                embeddings = {k: npz[k] for k in npz.files}
        dropped = {"captions": [Candidate(**c) for c in captions["dropped"]]} | {p: [Candidate(**c) for c in v["dropped"]] for p, v in copy.items()}
        return cls(
            product=Product.model_construct(**index["product"]),
            analysis=index["analysis"],
            embeddings=embeddings,
            captions=[Candidate(**c) for c in captions["variants"]],
            copy={p: [Candidate(**c) for c in v["variants"]] for p, v in copy.items()},
            banners=banners,
            models=index["models"],
            timings=index["timings"],
            fallbacks=index["fallbacks"],
            dropped=dropped,
            seed=index["seed"],
        )


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def _json(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _open(path: Path) -> Image.Image:
    with Image.open(path) as im:
        im.load()
        return im.copy()


def _product_facts(product: Product) -> dict[str, Any]:
    facts = product.model_dump(exclude={"images"})
    facts["images"] = [str(p) if isinstance(p, (str, Path)) else f"<{type(p).__name__}>" for p in product.images]
    return facts
