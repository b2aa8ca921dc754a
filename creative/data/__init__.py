"""Data shipped with creative: vocabularies, platform specs, tones (TOML, read on demand)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """Parse `creative/data/<name>.toml` (cached: these files never change at run time)."""
    return tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))


def data_bytes(name: str) -> bytes:
    return resources.files(__name__).joinpath(f"{name}.toml").read_bytes()
