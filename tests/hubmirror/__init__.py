"""A local Hugging Face hub for tests: tiny stand-ins of creative's hub repos (`repos`) served by
an HTTP mirror of the hub's download endpoints (`server`), plus helpers to run real
huggingface_hub / transformers / diffusers / open_clip code against it in a subprocess.

The test process itself is pinned offline (tests/conftest.py sets HF_HUB_OFFLINE=1 and
HF_HUB_CACHE, and huggingface_hub reads its constants once at import), so clients run in
subprocesses with an environment built from scratch by `client_env`.

    from hubmirror import HubMirror, client_env, ensure_repos, run_client

    with HubMirror() as mirror:                      # hub on one port, LFS "CDN" on another
        mirror.add_repos_from(ensure_repos())        # the five tiny repos, built once per version
        mirror.fail_file("Qwen/Qwen2.5-0.5B-Instruct", "config.json", 500, times=1)
        r = run_client(
            "from huggingface_hub import snapshot_download\n"
            "result['path'] = snapshot_download('Qwen/Qwen2.5-0.5B-Instruct')",
            client_env(tmp_path, mirror.endpoint),
        )
        assert mirror.downloads("Qwen/Qwen2.5-0.5B-Instruct", "model.safetensors") == 1
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .repos import REPO_IDS, ensure_repos, repo_folders
from .server import Fault, HubMirror, Repo, Request

__all__ = ["REPO_IDS", "Fault", "HubMirror", "Repo", "Request", "client_env", "ensure_repos", "repo_folders", "run_client"]

RESULT_MARK = "@@HUBMIRROR_RESULT@@"

# Runs client code: `result` (a dict the code fills) is printed as JSON at the end; an exception
# is reported as its class, its base classes, message and cause (and a traceback tail).
_WRAPPER = """
import json, sys, traceback
result = {}
try:
    exec(compile(%r, "<hubmirror client>", "exec"))
except BaseException as e:
    cause = e.__cause__ or e.__context__
    result["error"] = {
        "type": type(e).__name__,
        "mro": [c.__name__ for c in type(e).__mro__],
        "message": str(e),
        "status": getattr(getattr(e, "response", None), "status_code", None),
        "cause": None if cause is None else {"type": type(cause).__name__, "message": str(cause),
                                             "status": getattr(getattr(cause, "response", None), "status_code", None)},
        "traceback": traceback.format_exc()[-4000:],
    }
print(%r + json.dumps(result, default=str))
"""


def client_env(hf_home: Path, endpoint: str | None = None, offline: bool = False, **extra: str) -> dict[str, str]:
    """A clean environment for a hub client: every HF_* and proxy variable of this process dropped
    (conftest sets HF_HUB_OFFLINE/HF_HUB_CACHE), then HF_HOME=hf_home and the mirror endpoint."""
    drop = ("HF_", "HUGGINGFACE_", "TRANSFORMERS_", "DIFFUSERS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and "proxy" not in k.lower()}
    env.update(
        HF_HOME=str(hf_home),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        TOKENIZERS_PARALLELISM="false",
        OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
    )
    if endpoint is not None:
        env["HF_ENDPOINT"] = endpoint
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    env.update(extra)
    return env


def run_client(code: str, env: dict[str, str], timeout: float = 120) -> dict:
    """Run `code` (which fills a dict named `result`) in a fresh interpreter; return that dict.

    A client exception comes back as result["error"]; a crash of the interpreter itself raises.
    """
    proc = subprocess.run([sys.executable, "-c", _WRAPPER % (code, RESULT_MARK)], env=env, capture_output=True, text=True, timeout=timeout, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            out = json.loads(line[len(RESULT_MARK) :])
            out["_stderr"] = proc.stderr[-6000:]
            return out
    raise RuntimeError(f"client crashed (rc={proc.returncode}):\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-6000:]}")
