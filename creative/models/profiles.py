"""Model profiles: which weights fill each role, read from the TOML files under `models/`.

A profile maps every role to an ordered list of candidate model entries. Which candidate
actually fills a role on this machine is decided in `creative.models.resolve`, not here: this
module only reads and validates data.
"""

from __future__ import annotations

import os
import tomllib
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class Role(str, Enum):
    clip = "clip"  # image-text encoder
    lm = "lm"  # text generator for captions and copy
    captioner = "captioner"  # optional image captioner (e.g. open_clip CoCa)
    diffusion = "diffusion"  # text-to-image
    inpaint = "inpaint"  # product-preserving background generation
    safety = "safety"  # image safety classifier
    segmenter = "segmenter"  # optional background removal


OPTIONAL_ROLES = frozenset({Role.captioner, Role.segmenter})

# Where profile files live: the repository's models/ folder, then the user's own.
PACKAGE_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"


class ProfileError(ValueError):
    """A profile name that does not exist or a profile file that is not valid."""


class ModelEntry(BaseModel):
    """One candidate for a role: where its weights come from and what its licence allows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal["hub", "package", "path", "tiny", "rembg"]  # rembg: a rembg session by name (id)
    loader: str
    id: str | None = None  # hub repo id (or a display id for other sources)
    revision: str = "main"
    # hub: the files its loader reads; all must be in the HF cache for the entry to count as
    # cached, and `pull` downloads exactly these (unless `fetch` says otherwise)
    files: tuple[str, ...] = ()
    fetch: tuple[str, ...] = ()  # hub: glob patterns to download instead, when `files` names only some of them
    package: str | None = None  # distribution name for source="package"
    file: str | None = None  # file inside that distribution
    path: str | None = None  # local folder for source="path"
    config: dict[str, Any] = Field(default_factory=dict)  # tiny-model config
    options: dict[str, Any] = Field(default_factory=dict)  # loader/stage options
    licence: str
    commercial: Literal["yes", "no", "conditional"]
    size_mb: float
    trust_remote_code: bool = False
    notes: str = ""

    @model_validator(mode="after")
    def _source_fields(self) -> "ModelEntry":
        needed = {"hub": ("id",), "package": ("package", "file"), "path": ("path",), "tiny": ("id",), "rembg": ("id",)}
        missing = [f for f in needed[self.source] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"source={self.source!r} needs {', '.join(missing)}")
        return self

    @property
    def name(self) -> str:
        """What users see: hub id, package name, or folder."""
        if self.source == "package":
            return self.id or f"{self.package}:{self.file}"
        if self.source == "path":
            return self.path or ""
        return self.id or ""


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    seed: int = 0
    extends: str | None = None
    roles: dict[Role, tuple[ModelEntry, ...]] = Field(default_factory=dict)

    def candidates(self, role: Role | str) -> tuple[ModelEntry, ...]:
        return self.roles.get(Role(role), ())


def profile_dirs() -> list[Path]:
    dirs = [PACKAGE_MODELS_DIR]
    from creative.paths import creative_home

    dirs.append(creative_home() / "models")
    return dirs


def list_profiles() -> list[str]:
    names = {p.stem for d in profile_dirs() if d.is_dir() for p in d.glob("*.toml")}
    return sorted(names)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ProfileError(f"cannot read profile {path}: {e}") from e


def _find(name: str) -> Path:
    for d in profile_dirs():
        candidate = d / f"{name}.toml"
        if candidate.is_file():
            return candidate
    raise ProfileError(f"unknown profile {name!r}; known profiles: {', '.join(list_profiles())}")


def load_profile(name_or_path: str | os.PathLike[str]) -> Profile:
    """Load a profile by name (`base`) or from a TOML file path; `extends` is applied."""
    path = Path(name_or_path)
    path = path if path.suffix == ".toml" and path.is_file() else _find(str(name_or_path))
    data = _read(path)
    parent_name = data.get("extends")
    if parent_name:
        parent = load_profile(parent_name)
        roles: dict[str, list[Any]] = {r.value: [e.model_dump() for e in es] for r, es in parent.roles.items()}
        for role, entries in data.get("roles", {}).items():
            roles.setdefault(role, []).extend(entries)  # the child's candidates come after the parent's
        data = {**data, "roles": roles}
    try:
        return Profile.model_validate(data)
    except ValidationError as e:
        raise ProfileError(f"invalid profile {path}:\n{e}") from e
