"""creative: product photo and facts in; ranked captions, ad copy and banners out.

The package reads as its pipeline: `encode` (CLIP image/text embeddings and their fusion)
-> condition -> generate -> compose -> `rank`. `Studio` owns the models of a profile.
Heavy libraries (torch, open_clip, transformers) load only when a model is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Product", "Studio", "load_image", "__version__"]

if TYPE_CHECKING:
    from creative.inputs.images import load_image
    from creative.inputs.product import Product
    from creative.studio import Studio

_LAZY = {"Product": "creative.inputs.product", "Studio": "creative.studio", "load_image": "creative.inputs.images"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'creative' has no attribute {name!r}")
