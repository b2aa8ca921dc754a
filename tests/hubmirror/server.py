"""A local Hugging Face hub mirror for tests: the endpoints huggingface_hub 2.4 downloads through.

Point a client at it with HF_ENDPOINT=<mirror.endpoint>. Routes and headers follow what
huggingface_hub 2.4.0 reads (file paths relative to site-packages/huggingface_hub/):

* ``HEAD|GET /{repo_id}/resolve/{revision}/{path}``  (file_download.py: ``hf_hub_url`` builds it from
  constants.HUGGINGFACE_CO_URL_TEMPLATE; ``get_hf_file_metadata`` sends the HEAD with
  ``Accept-Encoding: identity`` and no redirect following off-host (utils/_http.py
  ``_httpx2_follow_hub_redirects_with_backoff``), then reads ``X-Repo-Commit`` (required, else
  FileMetadataError), ``X-Linked-Etag`` or ``ETag`` (required), ``X-Linked-Size`` or, when not a
  redirect, ``Content-Length``, and ``Location``). Regular files answer 200 with the git blob
  sha1 as ETag; LFS files (per the repo's .gitattributes) answer 302 to the "CDN" (a second port,
  i.e. another origin, as the real CDN is), with ``X-Linked-Etag`` = sha256 and ``X-Linked-Size``.
  The client then GETs the CDN URL itself (``http_get``), with ``Range: bytes=N-`` when resuming.
* ``GET /api/models/{repo_id}[/revision/{revision}]``  (hf_api.py ``model_info``, used by
  ``snapshot_download`` through ``repo_info`` when the revision is not a commit hash): JSON with
  ``sha`` and ``siblings`` (with ``size``/``blobId``/``lfs`` when ``?blobs=true``).
* ``GET /api/models/{repo_id}/tree/{revision}[/{path}]?recursive=..&expand=..``  (hf_api.py
  ``_iter_repo_tree_pages`` via utils/_pagination.py): a JSON list of
  ``{"type","oid","size","path","lfs"}`` entries, paginated with a ``Link: <..>; rel="next"`` header.
* ``GET|HEAD /lfs/{repo_id}/{sha256}?filename=..`` on the CDN port: the LFS bytes, with Range (206,
  ``Content-Range``) support.

Regular (non-LFS) files fetched by GET without a Range go out gzip-compressed and chunked, with no
Content-Length, as the hub serves them (see the comment in file_download.py ``http_get``);
``HubMirror(gzip_text=False)`` turns that off. Ranged and LFS responses are identity-encoded.

No Xet: responses never carry ``X-Xet-Hash`` / ``X-Xet-Refresh-Route`` / a ``xet-auth`` link and
tree entries have no ``xetHash``, so ``parse_xet_file_data_from_response`` returns None and the
client downloads over plain HTTP even with hf_xet installed.

Errors carry the hub's ``X-Error-Code`` / ``X-Error-Message`` headers, which ``hf_raise_for_status``
maps to exception classes: RepoNotFound (401, as the hub answers anonymous clients),
RevisionNotFound (404), EntryNotFound (404, with ``X-Repo-Commit`` so the client caches the miss
under ``.no_exist/``).

Failure injection (`HubMirror.fail`, `fail_file`, `fail_repo`, `truncate`) and a request log
(`HubMirror.log`, `count`, `downloads`, `counts_by_path`) let tests assert what went over the wire.
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

DATE = "2024-09-25T14:32:46.000Z"  # lastModified / createdAt of every mirrored repo
REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}


# -- repos ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepoFile:
    path: str
    size: int
    blob_id: str  # git blob sha1 (of the LFS pointer for LFS files), the tree's "oid"
    sha256: str
    lfs: bool
    source: Path

    @property
    def etag(self) -> str:
        """What the client stores the blob under: sha256 for LFS files, git sha1 otherwise."""
        return self.sha256 if self.lfs else self.blob_id


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _lfs_patterns(folder: Path) -> list[str]:
    attrs = folder / ".gitattributes"
    if not attrs.exists():
        return []
    return [line.split()[0] for line in attrs.read_text().splitlines() if "filter=lfs" in line and line.split()]


def _is_lfs(path: str, patterns: list[str]) -> bool:
    name = path.rsplit("/", 1)[-1]
    for pat in patterns:
        if "/" in pat:
            if fnmatch.fnmatch(path, pat.replace("**/", "*")):
                return True
        elif fnmatch.fnmatch(name, pat):
            return True
    return False


class Repo:
    """One repo served at one commit: every file under `folder` (dot-dirs excluded), with the commit
    reachable as `main` (and any extra `refs`) and as its 40-hex hash."""

    def __init__(self, repo_id: str, folder: Path, repo_type: str = "model", refs: tuple[str, ...] = ("main",), commit: str | None = None, info: dict | None = None):
        self.repo_id, self.folder, self.repo_type = repo_id, Path(folder), repo_type
        patterns = _lfs_patterns(self.folder)
        files = {}
        for p in sorted(self.folder.rglob("*")):
            rel = p.relative_to(self.folder).as_posix()
            if not p.is_file() or any(part.startswith(".") and part != ".gitattributes" for part in rel.split("/")):
                continue
            data = p.read_bytes()
            sha256 = hashlib.sha256(data).hexdigest()
            lfs = _is_lfs(rel, patterns)
            blob = _git_blob_sha1(self.pointer(sha256, len(data)) if lfs else data)
            files[rel] = RepoFile(rel, len(data), blob, sha256, lfs, p)
        self.files = files
        self.commit = commit or hashlib.sha1((repo_id + "\n" + "\n".join(f"{f.path} {f.blob_id}" for f in files.values())).encode()).hexdigest()
        self.refs = {ref: self.commit for ref in refs}
        self.info = info or {}

    @staticmethod
    def pointer(sha256: str, size: int) -> bytes:
        return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()

    def resolve(self, revision: str) -> str | None:
        if revision == self.commit:
            return self.commit
        return self.refs.get(revision)

    def dirs(self) -> list[str]:
        out = set()
        for path in self.files:
            parts = path.split("/")[:-1]
            out.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return sorted(out)

    def tree_id(self, directory: str) -> str:
        inside = [f"{f.path} {f.blob_id}" for f in self.files.values() if f.path.startswith(directory + "/")]
        return hashlib.sha1(("tree\n" + "\n".join(inside)).encode()).hexdigest()


# -- faults and log --------------------------------------------------------------------------------


@dataclass
class Fault:
    """Answer matching requests with `status` (or, for `truncate`, cut file bodies short).

    Matching: `repo_id`/`filename` None match anything; `methods` and `kinds` ("info", "tree",
    "resolve", "cdn"; see `Request.kind`) filter further; `times` None means every matching
    request, else only the first N. The first matching fault wins.
    """

    status: int | None = None
    truncate: int | None = None  # bytes of body to send before closing the connection
    repo_id: str | None = None
    filename: str | None = None
    methods: tuple[str, ...] = ("HEAD", "GET")
    kinds: tuple[str, ...] = ("info", "tree", "resolve", "cdn")
    times: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    headers: dict = field(default_factory=dict)
    hits: int = 0

    def matches(self, method: str, kind: str, repo_id: str | None, filename: str | None) -> bool:
        return (
            method in self.methods
            and kind in self.kinds
            and (self.repo_id is None or self.repo_id == repo_id)
            and (self.filename is None or self.filename == filename)
            and (self.times is None or self.hits < self.times)
        )


@dataclass
class Request:
    method: str
    path: str
    query: dict
    kind: str  # "info" (repo info API) | "tree" (tree API) | "resolve" | "cdn" | "unknown"
    repo_id: str | None = None
    revision: str | None = None
    filename: str | None = None
    status: int = 0
    range: str | None = None
    body_bytes: int = 0  # bytes of body actually written
    expected_bytes: int = 0  # Content-Length announced
    file_body: bool = False  # the body was (part of) a repo file
    fault: str | None = None
    download_counter: bool = False  # X-HF-Download-Counter header (set by hf_hub_download & co)
    encoding: str = "identity"  # "gzip" when the body went out compressed (then *_bytes count wire bytes)

    @property
    def complete(self) -> bool:
        return self.body_bytes == self.expected_bytes


# -- HTTP --------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hubmirror/1"
    mirror: HubMirror  # set on the per-server subclass
    is_cdn = False

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._handle("POST")

    # request -> response ---------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        rec = Request(method, split.path, {k: v[-1] for k, v in parse_qs(split.query).items()}, "unknown")
        rec.range = self.headers.get("Range")
        rec.download_counter = self.headers.get("X-HF-Download-Counter") is not None
        # Logged before answering, and every field is set before the bytes it describes go out:
        # once a client has its response, the log already says what it got.
        self.mirror._record(rec)
        try:
            self._route(rec, split.path)
        except (BrokenPipeError, ConnectionResetError):
            rec.body_bytes = -1  # unknown: the client hung up
            self.close_connection = True

    def _route(self, rec: Request, path: str) -> None:
        if self.is_cdn:
            return self._cdn(rec, path)
        segs = path.strip("/").split("/")
        if len(segs) >= 3 and segs[0] == "api" and segs[1] in REPO_TYPES:
            return self._api(rec, REPO_TYPES[segs[1]], segs[2:])
        if "resolve" in segs:
            i = segs.index("resolve")
            head, rest = segs[:i], segs[i + 1 :]
            repo_type = "model"
            if head and head[0] in ("datasets", "spaces") and len(head) > 1:
                repo_type, head = REPO_TYPES[head[0]], head[1:]
            if head and len(rest) >= 2:
                rec.kind, rec.repo_id = "resolve", "/".join(unquote(s) for s in head)
                rec.revision, rec.filename = unquote(rest[0]), unquote("/".join(rest[1:]))
                return self._resolve(rec, repo_type)
        self._error(rec, 404, None, f"Not found: {path}", {})

    def _repo_or_error(self, rec: Request, repo_type: str) -> Repo | None:
        repo = self.mirror.repos.get((repo_type, rec.repo_id))
        if repo is None:
            # What the hub answers anonymous clients for a missing (or private/gated) repo.
            self._error(rec, 401, "RepoNotFound", "Repository not found", {})
        return repo

    def _commit_or_error(self, rec: Request, repo: Repo) -> str | None:
        commit = repo.resolve(rec.revision)
        if commit is None:
            self._error(rec, 404, "RevisionNotFound", f"Invalid rev id: {rec.revision}", {})
        return commit

    def _api(self, rec: Request, repo_type: str, segs: list[str]) -> None:
        cut = next((i for i in (1, 2) if i < len(segs) and segs[i] in ("revision", "tree")), None)
        repo_segs, rest = (segs[:cut], segs[cut:]) if cut is not None else (segs, [])
        rec.repo_id = "/".join(unquote(s) for s in repo_segs)
        if not rest:
            rec.kind, rec.revision = "info", "main"
        elif len(rest) >= 2 and rest[0] == "revision":
            rec.kind, rec.revision = "info", unquote("/".join(rest[1:]))
        elif len(rest) >= 2 and rest[0] == "tree":
            rec.kind, rec.revision = "tree", unquote(rest[1])
            rec.filename = unquote("/".join(rest[2:])) or None  # the listed folder, not a file
        else:
            return self._error(rec, 404, None, "Not found", {})
        if self._fault(rec):
            return
        repo = self._repo_or_error(rec, repo_type)
        if repo is None:
            return
        if rec.method not in ("GET", "HEAD"):
            return self._error(rec, 405, None, "Method not allowed", {})
        return self._info(rec, repo) if rec.kind == "info" else self._tree(rec, repo)

    def _info(self, rec: Request, repo: Repo) -> None:
        commit = self._commit_or_error(rec, repo)
        if commit is None:
            return
        blobs = rec.query.get("blobs", "").lower() == "true"
        siblings = []
        for f in repo.files.values():
            s = {"rfilename": f.path}
            if blobs:
                s.update(size=f.size, blobId=f.blob_id)
                if f.lfs:
                    s["lfs"] = {"size": f.size, "sha256": f.sha256, "pointerSize": len(repo.pointer(f.sha256, f.size))}
            siblings.append(s)
        author = repo.repo_id.split("/")[0] if "/" in repo.repo_id else None
        data = {
            "_id": hashlib.md5(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "modelId": repo.repo_id,
            "author": author,
            "sha": commit,
            "lastModified": DATE,
            "createdAt": DATE,
            "private": False,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "spaces": [],
            "usedStorage": sum(f.size for f in repo.files.values()),
            "xetEnabled": False,
            **repo.info,
        }
        self._json(rec, data, {"X-Repo-Commit": commit})

    def _tree(self, rec: Request, repo: Repo) -> None:
        commit = self._commit_or_error(rec, repo)
        if commit is None:
            return
        base = rec.filename or ""
        if base and base not in repo.dirs() and base not in repo.files:
            return self._error(rec, 404, "EntryNotFound", f'{base} does not exist on "{rec.revision}"', {"X-Repo-Commit": commit})
        recursive = rec.query.get("recursive", "").lower() in ("true", "1")
        expand = rec.query.get("expand", "").lower() in ("true", "1")
        prefix = base + "/" if base else ""

        def wanted(path: str) -> bool:
            if not path.startswith(prefix):
                return False
            return recursive or "/" not in path[len(prefix) :]

        entries = []
        for d in repo.dirs():
            if wanted(d):
                entries.append({"type": "directory", "oid": repo.tree_id(d), "size": 0, "path": d})
        for f in repo.files.values():
            if wanted(f.path):
                e = {"type": "file", "oid": f.blob_id, "size": f.size, "path": f.path}
                if f.lfs:
                    e["lfs"] = {"oid": f.sha256, "size": f.size, "pointerSize": len(repo.pointer(f.sha256, f.size))}
                entries.append(e)
        if expand:
            for e in entries:
                e["lastCommit"] = {"id": commit, "title": "Upload test mirror", "date": DATE}
        entries.sort(key=lambda e: (e["type"] != "directory", e["path"]))
        start = int(rec.query.get("cursor", "0") or 0)
        size = self.mirror.page_size
        page = entries[start : start + size]
        headers = {"X-Repo-Commit": commit}
        if start + size < len(entries):
            q = f"recursive={str(recursive).lower()}&expand={str(expand).lower()}&cursor={start + size}"
            headers["Link"] = f'<{self.mirror.endpoint}{rec.path}?{q}>; rel="next"'
        self._json(rec, page, headers)

    def _resolve(self, rec: Request, repo_type: str) -> None:
        if self._fault(rec):
            return
        repo = self._repo_or_error(rec, repo_type)
        if repo is None:
            return
        commit = self._commit_or_error(rec, repo)
        if commit is None:
            return
        f = repo.files.get(rec.filename)
        if f is None:
            return self._error(rec, 404, "EntryNotFound", "Entry not found", {"X-Repo-Commit": commit})
        headers = {"X-Repo-Commit": commit, "Accept-Ranges": "bytes", "Vary": "Origin, Accept-Encoding"}
        if f.lfs and self.mirror.lfs_redirect:
            location = self.mirror.cdn_url(repo, f)
            headers.update(
                {
                    "Location": location,
                    "X-Linked-Size": str(f.size),
                    "X-Linked-Etag": f'"{f.sha256}"',
                    "ETag": f'"{f.blob_id}"',
                    "Content-Type": "text/plain; charset=utf-8",
                }
            )
            body = f"Found. Redirecting to {location}".encode()
            return self._send(rec, 302, headers, body)
        headers["ETag"] = f'"{f.etag}"'
        self._file(rec, f, headers)

    def _cdn(self, rec: Request, path: str) -> None:
        rec.kind = "cdn"
        segs = path.strip("/").split("/")
        if len(segs) < 3 or segs[0] != "lfs":
            return self._error(rec, 404, None, "Not found", {})
        rec.repo_id, sha256 = "/".join(unquote(s) for s in segs[1:-1]), segs[-1]
        rec.filename = rec.query.get("filename")
        if self._fault(rec):
            return
        repo = next((r for r in self.mirror.repos.values() if r.repo_id == rec.repo_id), None)
        f = next((f for f in repo.files.values() if f.sha256 == sha256), None) if repo else None
        if f is None:
            return self._error(rec, 404, None, "NoSuchKey", {})
        name = f.path.rsplit("/", 1)[-1]
        headers = {
            "ETag": f'"{f.sha256}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}; filename=\"{name}\";",
            "Last-Modified": "Wed, 25 Sep 2024 14:32:46 GMT",
        }
        self._file(rec, f, headers)

    # responses -------------------------------------------------------------------------------

    def _fault(self, rec: Request) -> bool:
        fault = self.mirror._match_fault(rec.method, rec.kind, rec.repo_id, rec.filename, status=True)
        if fault is None:
            return False
        rec.fault = f"status {fault.status}"
        code, message = fault.error_code, fault.error_message
        headers = dict(fault.headers)
        if fault.status == 404 and code is None and rec.filename is not None:
            code, message = "EntryNotFound", message or "Entry not found"
            repo = self.mirror.repos.get(("model", rec.repo_id))
            if repo is not None:
                headers.setdefault("X-Repo-Commit", repo.commit)
        elif fault.status == 401 and code is None:
            code, message = "RepoNotFound", message or "Invalid username or password."
        elif fault.status == 429 and not any(k.lower() in ("ratelimit", "retry-after") for k in headers):
            # IETF RateLimit headers as the hub sends them: 0 left, reset in 0 s (the client then
            # waits reset + 1 s before retrying).
            headers.update({"RateLimit": '"api";r=0;t=0', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})
        self._error(rec, fault.status, code, message or f"Injected error {fault.status}", headers)
        return True

    def _file(self, rec: Request, f: RepoFile, headers: dict) -> None:
        size = f.size
        start, end, status = 0, size - 1, 200
        rng = self.headers.get("Range")
        gzipped = self.mirror.gzip_text and rec.kind == "resolve" and not f.lfs and rng is None and rec.method == "GET" and "gzip" in (self.headers.get("Accept-Encoding") or "")
        if rng:
            parsed = _parse_range(rng, size)
            if parsed is None:
                return self._send(rec, 416, {**headers, "Content-Range": f"bytes */{size}"}, b"")
            start, end = parsed
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        with open(f.source, "rb") as fh:
            fh.seek(start)
            body = fh.read(end - start + 1)
        rec.file_body = rec.method == "GET"
        if gzipped:
            # As the hub serves small text files: gzip, chunked, no Content-Length. The client
            # checks the decompressed size against the HEAD's Content-Length.
            body = gzip.compress(body, mtime=0)
            headers.update({"Content-Encoding": "gzip", "Transfer-Encoding": "chunked"})
            rec.encoding = "gzip"
        cut = None
        if rec.method == "GET":
            fault = self.mirror._match_fault(rec.method, rec.kind, rec.repo_id, rec.filename, status=False)
            if fault is not None:
                cut = min(fault.truncate, len(body))
                rec.fault = f"truncate {cut}"
        self._send(rec, status, headers, body, cut=cut, chunked=gzipped)

    def _json(self, rec: Request, data, headers: dict) -> None:
        body = json.dumps(data).encode()
        self._send(rec, 200, {**headers, "Content-Type": "application/json; charset=utf-8"}, body)

    def _error(self, rec: Request, status: int, code: str | None, message: str, headers: dict) -> None:
        h = {**headers, "Content-Type": "application/json; charset=utf-8"}
        if code:
            h["X-Error-Code"] = code
        if message:
            h["X-Error-Message"] = message
        self._send(rec, status, h, json.dumps({"error": message}).encode())

    def _send(self, rec: Request, status: int, headers: dict, body: bytes, cut: int | None = None, chunked: bool = False) -> None:
        rec.status = status
        rec.expected_bytes = len(body) if rec.method != "HEAD" else 0
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if not chunked:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if rec.method == "HEAD":
            return
        payload = body if cut is None else body[:cut]
        rec.body_bytes = len(payload)
        if chunked:
            step = 64 * 1024
            wire = b"".join(b"%x\r\n%s\r\n" % (len(payload[i : i + step]), payload[i : i + step]) for i in range(0, len(payload), step))
            self.wfile.write(wire if cut is not None else wire + b"0\r\n\r\n")
        else:
            self.wfile.write(payload)
        self.wfile.flush()
        if cut is not None:
            # Content-Length promised more: closing now is a truncated response to the client.
            self.close_connection = True


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Single `bytes=` range -> inclusive (start, end), or None when unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    if first == "":
        if not last:
            return None
        n = int(last)
        start, end = max(size - n, 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return None
    return start, end


class HubMirror:
    """Two threaded HTTP servers on 127.0.0.1: the hub (API + /resolve) and its LFS "CDN"."""

    def __init__(self, lfs_redirect: bool = True, page_size: int = 1000, gzip_text: bool = True):
        self.lfs_redirect = lfs_redirect
        self.gzip_text = gzip_text
        self.page_size = page_size
        self.repos: dict[tuple[str, str], Repo] = {}
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    # setup -------------------------------------------------------------------------------------

    def add_repo(self, repo_id: str, folder: Path, **kwargs) -> Repo:
        repo = Repo(repo_id, folder, **kwargs)
        self.repos[(repo.repo_type, repo_id)] = repo
        return repo

    def add_repos_from(self, root: Path) -> None:
        """Register every repo listed in a repos.py build's manifest.json."""
        manifest = json.loads((Path(root) / "manifest.json").read_text())
        commits = manifest.get("commits", {})
        for repo_id, rel in manifest["repos"].items():
            # served at the real hub commit the profile pins, when the build names one
            self.add_repo(repo_id, Path(root) / rel, commit=commits.get(repo_id))

    def start(self) -> HubMirror:
        for is_cdn in (False, True):
            handler = type("Handler", (_Handler,), {"mirror": self, "is_cdn": is_cdn})
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()
        self._threads.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def cdn_endpoint(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    def cdn_url(self, repo: Repo, f: RepoFile) -> str:
        return f"{self.cdn_endpoint}/lfs/{repo.repo_id}/{f.sha256}?filename={quote(f.path, safe='')}&Expires={int(time.time()) + 3600}"

    def repo(self, repo_id: str, repo_type: str = "model") -> Repo:
        return self.repos[(repo_type, repo_id)]

    def commit(self, repo_id: str, repo_type: str = "model") -> str:
        return self.repo(repo_id, repo_type).commit

    # faults --------------------------------------------------------------------------------------

    def fail(self, **kwargs) -> Fault:
        fault = Fault(**kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def fail_file(self, repo_id: str, filename: str, status: int = 404, times: int | None = None, methods=("HEAD", "GET"), kinds=("resolve", "cdn"), **kw) -> Fault:
        """`status` on requests for one file: its /resolve HEAD/GET and its CDN GET."""
        return self.fail(status=status, repo_id=repo_id, filename=filename, times=times, methods=methods, kinds=kinds, **kw)

    def fail_repo(self, repo_id: str, status: int, times: int | None = None, **kw) -> Fault:
        """`status` on every request about a repo (API, /resolve and CDN)."""
        return self.fail(status=status, repo_id=repo_id, times=times, **kw)

    def truncate(self, repo_id: str, filename: str, keep: int = 0, times: int | None = 1) -> Fault:
        """GET responses for the file announce the full Content-Length, send `keep` bytes, close."""
        return self.fail(truncate=keep, repo_id=repo_id, filename=filename, times=times, methods=("GET",), kinds=("resolve", "cdn"))

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _match_fault(self, method: str, kind: str, repo_id, filename, status: bool) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if (fault.status is not None) == status and (fault.truncate is not None) != status and fault.matches(method, kind, repo_id, filename):
                    fault.hits += 1
                    return fault
        return None

    # log -----------------------------------------------------------------------------------------

    def _record(self, rec: Request) -> None:
        with self._lock:
            self.log.append(rec)

    def reset(self) -> None:
        """Forget faults and logged requests."""
        with self._lock:
            self.faults.clear()
            self.log.clear()

    def requests(self, **match) -> list[Request]:
        """Logged requests whose attributes equal every given value (e.g. method="GET", kind="cdn")."""
        with self._lock:
            log = list(self.log)
        return [r for r in log if all(getattr(r, k) == v for k, v in match.items())]

    def count(self, **match) -> int:
        return len(self.requests(**match))

    def downloads(self, repo_id: str | None = None, filename: str | None = None, complete: bool | None = None) -> int:
        """GET responses that carried (some of) a file's bytes, optionally only complete/partial ones."""
        match = {k: v for k, v in (("repo_id", repo_id), ("filename", filename)) if v is not None}
        return sum(1 for r in self.requests(file_body=True, **match) if r.status in (200, 206) and (complete is None or r.complete == complete))

    def counts_by_path(self) -> Counter:
        """Requests per (method, path)."""
        return Counter((r.method, r.path) for r in self.requests())
