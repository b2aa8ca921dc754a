"""Where creative keeps what it builds: `CREATIVE_HOME`, else the XDG cache folder.

Hub weights stay in the Hugging Face cache (`HF_HOME`), shared with every other tool;
this folder only holds what we make ourselves (tiny models, de-quantised GGUF models,
CLIP text-embedding banks) and user profiles in `models/`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def creative_home() -> Path:
    env = os.environ.get("CREATIVE_HOME")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "creative"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
