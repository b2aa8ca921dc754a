"""`Models`: which weights fill each role on this machine, loaded lazily once and shared.

    models = Models(load_profile("auto"))
    models.available("clip")         # False offline: resolve says why in models.resolutions
    lm = models.get("lm")            # loaded on first use, then the same object every time

Stages receive a `Models` (or the one model they need); only the `Studio` makes one.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from creative.models.clip import ClipEncoder
from creative.models.profiles import Profile, Role
from creative.models.resolve import Resolution, resolve_profile


class RoleUnavailableError(RuntimeError):
    """A stage needs a role that no model fills on this machine."""

    def __init__(self, resolution: Resolution):
        self.resolution = resolution
        super().__init__(f"role '{resolution.role}' is unavailable: {resolution.reason}")


class Models:
    """The models of one profile: roles resolved once, each model loaded on first use and
    shared by every stage and thread (loading is serialised by a lock)."""

    def __init__(self, profile: Profile, *, device: str | None = None):
        self.profile = profile
        self._device = device
        self._resolutions: dict[str, Resolution] | None = None
        self._loaded: dict[str, Any] = {}
        self._lock = threading.RLock()

    @property
    def device(self) -> str:
        """"cuda" when a GPU is usable, else "cpu" (or what the caller asked for)."""
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

    def names(self) -> dict[str, str | None]:
        """role -> the model that fills it (None when unavailable)."""
        return {role: res.model for role, res in self.resolutions.items()}

    def get(self, role: Role | str) -> Any:
        """The loaded model of a role; loaded on first use, then shared.

        Raises RoleUnavailableError when no candidate fills the role on this machine."""
        role = Role(role).value
        with self._lock:
            if role not in self._loaded:
                self._loaded[role] = self._load(self.resolutions[role])
            return self._loaded[role]

    @property
    def clip(self) -> ClipEncoder:
        return self.get(Role.clip)

    def _load(self, res: Resolution) -> Any:
        from creative.models.loaders import LOADERS, LanguageModel, ModelLoadError, apply_adapter, fetch_adapter, fetch_hub
        from creative.models.resolve import tiny_folder
        from creative.models.tiny import ensure_tiny

        if not res.available or res.entry is None:
            raise RoleUnavailableError(res)
        entry = res.entry
        if res.via == "tiny":
            path = ensure_tiny(entry, self.profile.seed, tiny_folder(entry, self.profile.seed))
        elif res.via == "hub-download":
            import sys

            # first use of a model that is not cached yet: say so on stderr, file by file
            print(f"creative: {res.role}: downloading {entry.id} (~{entry.size_mb:.0f} MB) into the Hugging Face cache", file=sys.stderr, flush=True)
            path = fetch_hub(entry, report=lambda line: print(f"creative: {res.role}: {line.strip()}", file=sys.stderr, flush=True))
        else:
            path = Path(res.path or "")
        model = LOADERS[entry.loader](path, entry, self.device)
        if entry.adapter is None:
            return model
        if not isinstance(model, LanguageModel):
            raise ModelLoadError(f"{entry.name}: adapters apply to language models only, not to the {res.role} role")
        folder = Path(res.adapter_path) if res.adapter_path else fetch_adapter(entry.adapter)
        return apply_adapter(model, entry.adapter, folder)
