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


class AdapterEntry(BaseModel):
    """Fine-tuned weights applied on top of an entry's base weights (a LoRA adapter in peft's
    format: adapter_config.json + adapter_model.safetensors), from a local folder or the hub.

    `merge` folds it into the base weights at load time: decoding then costs what the base
    costs. `trained` records how it was made (data, steps, seed, script, measured quality), so
    the profile says where its weights came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal["hub", "path"]
    id: str | None = None  # hub repo id
    revision: str = "main"
    path: str | None = None  # local folder; a relative path is read from the profile file's folder
    licence: str
    commercial: Literal["yes", "no", "conditional"]
    size_mb: float
    merge: bool = True
    trained: dict[str, Any] = Field(default_factory=dict)
    notes: str = ""

    @model_validator(mode="after")
    def _source_fields(self) -> "AdapterEntry":
        needed = {"hub": "id", "path": "path"}[self.source]
        if getattr(self, needed) is None:
            raise ValueError(f"adapter source={self.source!r} needs {needed}")
        return self

    @property
    def name(self) -> str:
        return f"{self.id}@{self.revision}" if self.source == "hub" else self.path or ""


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
    adapter: AdapterEntry | None = None  # fine-tuned weights on top (lm role: a LoRA adapter)
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
    # roles whose candidates replace the parent's (extends) instead of following them: a profile
    # that names its own fine-tuned lm wants that one, not whatever the parent would pick first
    replace: tuple[Role, ...] = ()
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


def _anchor_adapter(entry: Any, folder: Path) -> Any:
    """An entry whose adapter names a relative folder, with that folder made absolute from the
    profile file's own folder (a profile and its adapter travel together)."""
    adapter = entry.get("adapter") if isinstance(entry, dict) else None
    if isinstance(adapter, dict) and adapter.get("path") and not Path(adapter["path"]).expanduser().is_absolute():
        return {**entry, "adapter": {**adapter, "path": str((folder / adapter["path"]).resolve())}}
    return entry


def load_profile(name_or_path: str | os.PathLike[str]) -> Profile:
    """Load a profile by name (`base`) or from a TOML file path; `extends` is applied."""
    path = Path(name_or_path)
    path = path if path.suffix == ".toml" and path.is_file() else _find(str(name_or_path))
    data = _read(path)
    data = {**data, "roles": {role: [_anchor_adapter(e, path.parent) for e in entries] for role, entries in data.get("roles", {}).items()}}
    parent_name = data.get("extends")
    if parent_name:
        parent = load_profile(parent_name)
        roles: dict[str, list[Any]] = {r.value: [e.model_dump() for e in es] for r, es in parent.roles.items()}
        for role in data.get("replace", []):
            roles.pop(role, None)
        for role, entries in data.get("roles", {}).items():
            roles.setdefault(role, []).extend(entries)  # the child's candidates come after the parent's
        data = {**data, "roles": roles}
    try:
        return Profile.model_validate(data)
    except ValidationError as e:
        raise ProfileError(f"invalid profile {path}:\n{e}") from e
