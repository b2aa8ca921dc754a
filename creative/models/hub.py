"""Hub downloads: a profile's hub entry fetched, file by file, into the standard Hugging Face cache.

    path = fetch_hub(entry, report=print)   # the snapshot folder its loader reads

Only the files the entry lists (`ModelEntry.files`, exactly what its loader reads; or, for an
entry that gives `fetch` patterns instead, the files matching them) are fetched,
at the entry's pinned revision, through huggingface_hub itself: `HF_ENDPOINT` points it at a
mirror, `HF_HOME` / `HF_HUB_CACHE` say where the cache is, `HF_TOKEN` authenticates, and
huggingface_hub draws a progress bar per file on stderr. What this module adds:

- a plan before any byte is written: which files are already cached (no request for those; an
  entry pinned to a commit and fully cached makes none at all), the size of each missing one,
  and a check that the disk holding the cache has room for them;
- retries of the failures that pass (a 5xx answer, a connection cut mid-file), `retries` times,
  `backoff_s` apart, each one reported;
- one `ModelDownloadError` per failure that says which file of which repo, what the hub or the
  disk said, and what to do. Files that completed stay in the cache, so running the pull again
  fetches only what is missing (huggingface_hub keeps no partial file between runs: a file cut
  off is fetched again from its start; within a run it resumes from the last whole 10 MiB).
"""

from __future__ import annotations

import errno
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from creative.models.profiles import ModelEntry

Report = Callable[[str], None]

# An entry that lists no files (a user's own profile) gets these patterns: weights and configs in
# the formats our loaders read. Listing the files is better: a pattern cannot tell the weights a
# loader reads from another copy of them in the same repo (an fp16 variant, an ONNX export, a
# single-file checkpoint at the root).
FALLBACK_PATTERNS = ("*.json", "*.safetensors", "*.txt", "*.model", "*.jinja")


class ModelDownloadError(RuntimeError):
    """A hub download that did not finish. The message names the repo, the file (when one file
    failed), what the hub or the disk said and what to do; `status` is the HTTP status when there
    was one; `transient` is True when running the pull again may simply work."""

    def __init__(self, message: str, *, repo_id: str, filename: str | None = None, status: int | None = None, transient: bool = False):
        super().__init__(message)
        self.repo_id, self.filename, self.status, self.transient = repo_id, filename, status, transient


@dataclass(frozen=True)
class PlannedFile:
    filename: str
    size: int | None  # bytes, as the hub announced them (None: not said)
    cached: bool


def short(revision: str) -> str:
    """A commit hash as people quote it (12 hex digits); branch names unchanged."""
    return revision[:12] if len(revision) == 40 and all(c in "0123456789abcdef" for c in revision) else revision


def human_size(n: int | float | None) -> str:
    """Bytes as the hub's web pages write them: 605 MB, 3.44 GB, 1.5 kB (powers of 1000)."""
    if n is None:
        return "size unknown"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            value = n / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{int(n)} B"


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache huggingface_hub writes to (HF_HUB_CACHE, else HF_HOME/hub)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def hub_endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


# -- errors ---------------------------------------------------------------------------------


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, outermost first (huggingface_hub wraps HTTP errors)."""
    out, seen = [], set()
    while exc is not None and id(exc) not in seen and len(out) < 8:
        out.append(exc)
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return out


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _is_transport_error(exc: BaseException) -> bool:
    """A connection that failed or broke mid-transfer (httpx / httpx2 transport errors, which are
    not OSErrors, and the socket-level ones that are)."""
    for cls in type(exc).__mro__:
        if cls.__module__.split(".")[0] in ("httpx", "httpx2", "httpcore") and cls.__name__ in ("TransportError", "RemoteProtocolError", "ReadError", "ConnectError", "TimeoutException"):
            return True
    return isinstance(exc, (ConnectionError, TimeoutError))


def explain(exc: BaseException, entry: ModelEntry, filename: str | None = None) -> ModelDownloadError:
    """A `ModelDownloadError` for whatever huggingface_hub (or the disk) raised while fetching
    `filename` of `entry` (None: the repo as a whole)."""
    from huggingface_hub import errors

    repo = entry.id or "?"
    where = f"{repo}@{short(entry.revision)}"
    what = f"{filename} of {where}" if filename else where
    chain = _chain(exc)
    status = next((s for s in map(_status, chain) if s is not None), None)

    def err(message: str, transient: bool = False) -> ModelDownloadError:
        e = ModelDownloadError(message, repo_id=repo, filename=filename, status=status, transient=transient)
        e.__cause__ = exc
        return e

    for e in chain:
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            return err(f"no space left on the disk of the Hugging Face cache ({hub_cache_dir()}) while writing {what}; free some space or point HF_HOME at a larger disk, then pull again (finished files are kept)")
        if isinstance(e, errors.OfflineModeIsEnabled):
            return err(f"cannot download {what}: HF_HUB_OFFLINE is set; unset it on a machine that reaches the hub ({hub_endpoint()})")
        if isinstance(e, errors.RevisionNotFoundError):
            return err(f"{repo} has no revision {entry.revision} on {hub_endpoint()} (HTTP {status or 404}); the profile pins a commit this hub does not have")
        if isinstance(e, errors.GatedRepoError):
            return err(f"{repo} is gated (HTTP {status}): accept its terms on the hub, then log in (`hf auth login`) or set HF_TOKEN")
        if isinstance(e, errors.RepositoryNotFoundError):
            return err(
                f"the hub refused {repo} (HTTP {status or 401}): it does not exist, is private, or needs a login; "
                "if you have access, log in (`hf auth login`) or set HF_TOKEN"
            )
        if isinstance(e, errors.EntryNotFoundError) and not isinstance(e, errors.LocalEntryNotFoundError):
            return err(f"{what} does not exist on the hub (HTTP {status or 404}): the profile's file list does not match the repo")
    if status == 429:
        return err(f"the hub is rate-limiting this machine (HTTP 429) while fetching {what}; wait a few minutes and pull again (logging in raises the limit)", transient=True)
    if status is not None and status >= 500:
        return err(f"the hub answered HTTP {status} for {what} (a fault on its side); pull again later: finished files are kept", transient=True)
    if status is not None:
        return err(f"the hub answered HTTP {status} for {what}: {chain[-1]}")
    for e in chain:
        if _is_transport_error(e):
            return err(f"the connection to {hub_endpoint()} broke while fetching {what} ({type(e).__name__}: {e}); pull again to finish: files already complete are kept", transient=True)
    if isinstance(exc, errors.LocalEntryNotFoundError):
        return err(f"cannot reach the hub at {hub_endpoint()} for {what} and it is not in the cache: {exc}", transient=True)
    return err(f"downloading {what} failed: {type(exc).__name__}: {exc}")


# -- progress -------------------------------------------------------------------------------


def progress_class():
    """The progress bar class handed to huggingface_hub for each file: its own live bar on a
    terminal; where stderr is a log (CI, `2> pull.log`), where huggingface_hub would draw nothing,
    a plain line at every tenth of the file. HF_HUB_DISABLE_PROGRESS_BARS=1 turns both off."""
    import sys

    from huggingface_hub.utils import are_progress_bars_disabled
    from tqdm import tqdm

    class DownloadProgress(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs.pop("name", None)
            self._log = not sys.stderr.isatty()
            self._tenth = -1
            kwargs["disable"] = are_progress_bars_disabled()
            if self._log:
                kwargs["mininterval"] = 0  # every update reaches display(), which keeps one line per tenth
            super().__init__(*args, **kwargs)

        def display(self, msg=None, pos=None):
            if not self._log:
                return super().display(msg, pos)
            tenth = int(10 * self.n / self.total) if self.total else 0
            if tenth > self._tenth:
                self._tenth = tenth
                self.fp.write(f"    {self}\n")
                self.fp.flush()
            return True

    return DownloadProgress


# -- fetch ----------------------------------------------------------------------------------


def _cached(entry: ModelEntry, filename: str) -> str | None:
    from huggingface_hub import try_to_load_from_cache

    hit = try_to_load_from_cache(entry.id, filename, revision=entry.revision)
    return hit if isinstance(hit, str) else None


def _snapshot_root(file_path: str, filename: str) -> Path:
    # unet/config.json sits one folder below the snapshot root
    return Path(file_path).parents[len(Path(filename).parts) - 1]


def _with_retries(call: Callable[[], str], entry: ModelEntry, filename: str, report: Report, retries: int, backoff_s: float) -> str:
    for attempt in range(retries + 1):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a ModelDownloadError
            error = explain(exc, entry, filename)
            if not error.transient or attempt == retries:
                raise error from exc
            wait = backoff_s * (2**attempt)
            report(f"  {filename}: {error} -- retrying in {wait:.0f} s ({attempt + 1} of {retries} retries)")
            time.sleep(wait)
    raise AssertionError("unreachable")


def plan(entry: ModelEntry, report: Report | None = None, retries: int = 2, backoff_s: float = 1.0) -> list[PlannedFile]:
    """Each listed file of a hub entry: whether it is cached (no request) and, when not, its
    size from the hub (one HEAD request each). Raises ModelDownloadError (a missing file, a repo
    or revision the hub does not have, a refused login) before anything is downloaded."""
    from huggingface_hub import hf_hub_download

    report = report or (lambda line: None)
    out = []
    for filename in entry.files:
        if _cached(entry, filename):
            out.append(PlannedFile(filename, None, True))
            continue
        info = _with_retries(lambda f=filename: hf_hub_download(entry.id, f, revision=entry.revision, dry_run=True), entry, filename, report, retries, backoff_s)
        out.append(PlannedFile(filename, info.file_size, False))
    return out


def check_disk(entry: ModelEntry, needed: int, folder: Path | None = None) -> None:
    """Raise ModelDownloadError when the disk holding the HF cache has less than `needed` bytes
    (plus 1% and 100 MB of headroom) free."""
    folder = folder or hub_cache_dir()
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed * 1.01 + 100e6:
        raise ModelDownloadError(
            f"not enough disk space for {entry.id}: it needs {human_size(needed)} and {probe} has {human_size(free)} free; "
            "free some space or point HF_HOME at a larger disk",
            repo_id=entry.id or "?",
        )


def fetch_hub(entry: ModelEntry, report: Report | None = None, *, retries: int = 2, backoff_s: float = 1.0) -> Path:
    """Download the files of a hub entry into the HF cache (what is cached is not fetched again)
    and return its snapshot folder. `report(line)` hears the plan, each file and each retry.

    Raises ModelDownloadError (see `explain`) for a failure that retrying did not fix."""
    report = report or (lambda line: None)
    if entry.fetch or not entry.files:
        return _fetch_patterns(entry, report)
    planned = plan(entry, report, retries, backoff_s)
    missing = [p for p in planned if not p.cached]
    if not missing:
        report(f"  all {len(planned)} files already in the Hugging Face cache")
        return _snapshot_root(_cached(entry, planned[0].filename) or "", planned[0].filename)
    total = sum(p.size or 0 for p in missing)
    check_disk(entry, total)
    report(f"  {len(missing)} of {len(planned)} files to fetch, {human_size(total)}, into {hub_cache_dir()}")
    from huggingface_hub import hf_hub_download

    failed: list[ModelDownloadError] = []
    for i, p in enumerate(missing, 1):
        report(f"  [{i}/{len(missing)}] {p.filename} ({human_size(p.size)})")
        bar = progress_class()
        try:
            _with_retries(lambda f=p.filename: hf_hub_download(entry.id, f, revision=entry.revision, tqdm_class=bar), entry, p.filename, report, retries, backoff_s)
        except ModelDownloadError as e:
            if not e.transient:
                raise
            # a flaky connection: fetch the other files anyway, so the next pull has less to do
            report(f"  {p.filename}: not downloaded ({e})")
            failed.append(e)
    if failed:
        first = failed[0]
        more = f" ({len(failed) - 1} more file(s) of {entry.id} failed too)" if len(failed) > 1 else ""
        raise ModelDownloadError(f"{first}{more}", repo_id=first.repo_id, filename=first.filename, status=first.status, transient=True) from first
    cached = _cached(entry, planned[0].filename)
    assert cached is not None  # every listed file is in the cache now
    return _snapshot_root(cached, planned[0].filename)


def _fetch_patterns(entry: ModelEntry, report: Report) -> Path:
    """An entry that gives download patterns (`fetch`), or no file list at all: huggingface_hub's
    snapshot download of the matching files (its own progress bar; no plan or disk check)."""
    from huggingface_hub import snapshot_download

    patterns = list(entry.fetch or FALLBACK_PATTERNS) + (["*.py"] if entry.trust_remote_code else [])
    report(f"  fetching the files that match {', '.join(patterns)}")
    try:
        return Path(snapshot_download(entry.id, revision=entry.revision, allow_patterns=patterns))
    except Exception as exc:  # noqa: BLE001
        raise explain(exc, entry) from exc


def missing_files(entry: ModelEntry) -> list[str]:
    """The listed files of a hub entry that are not in the HF cache (no network)."""
    return [f for f in entry.files if not _cached(entry, f)]


__all__ = ["ModelDownloadError", "PlannedFile", "check_disk", "explain", "fetch_hub", "human_size", "hub_cache_dir", "missing_files", "plan", "short"]

