"""The prepared-geometry cache on disk: what a boundary set costs seconds to prepare (repair, simplify, encode,
dissolve into provinces, rank the labels) is written once per (file content, preparation version, kind) to the
cache folder (ANTT_GEOCACHE_DIR, by default ``geocache`` in ANTT_DATA_DIR) and read back by every later start
and by every process behind the proxy.

An entry is one file: a magic line, a manifest line (JSON: each part's name, size and SHA-256) and the parts.
It is written to a temporary file in the same folder and moved into place with ``os.replace``, so a reader
sees either no entry or a whole one. A reader checks every part against the manifest; an entry that does not
match (truncated, overwritten, half-copied) is never served: it is rebuilt and replaced. While one process
builds an entry it holds an exclusive ``flock`` on ``<entry>.lock``; a process asking for the same entry waits
for it and then reads the entry instead of building it a second time.

The parts are bytes: what they mean belongs to whoever builds them (:mod:`geo.units.boundaries` for the
display units, :mod:`geo.carto.prepared` for the encoded map layers).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from geo.config import setting

MAGIC = b"ANTT-GEOCACHE 1\n"
_SERVING = [0]  # script runs answering a user right now (foreground)
_QUIET = threading.Condition()
_HASHES: dict[tuple[str, int, int], str] = {}
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def cache_dir() -> Path:
    """The cache folder: ANTT_GEOCACHE_DIR, else ``geocache`` in the data folder (ANTT_DATA_DIR)."""
    return setting("ANTT_GEOCACHE_DIR") or setting("ANTT_DATA_DIR") / "geocache"


def content_hash(path: Path | str) -> str:
    """SHA-256 of the file's whole content (hex), computed once per (path, size, mtime) in this process."""
    path = Path(path)
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    digest = _HASHES.get(key)
    if digest is None:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        digest = _HASHES[key] = h.hexdigest()
    return digest


def entry_path(set_id: str, kind: str, digest: str, version: str, folder: Path | None = None) -> Path:
    """Where the entry of (set, kind, file content, preparation version) lives."""
    stem = re.sub(r"[^a-z0-9-]+", "-", f"{set_id}-{kind}".lower()).strip("-") or "set"
    tag = re.sub(r"[^A-Za-z0-9.]+", "-", str(version))
    return (folder or cache_dir()) / f"{stem}-{digest[:20]}-v{tag}.bin"


def encode_entry(parts: dict[str, bytes]) -> bytes:
    manifest = [[name, len(data), hashlib.sha256(data).hexdigest()] for name, data in parts.items()]
    head = json.dumps({"parts": manifest}, separators=(",", ":")).encode("utf-8") + b"\n"
    return MAGIC + head + b"".join(parts.values())


def decode_entry(blob: bytes) -> dict[str, bytes] | None:
    """The parts of an entry, or None when anything in it does not match its manifest."""
    if not blob.startswith(MAGIC):
        return None
    end = blob.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        manifest = json.loads(blob[len(MAGIC):end])["parts"]
        total = sum(int(size) for _name, size, _sha in manifest)
    except (ValueError, KeyError, TypeError):
        return None
    body = memoryview(blob)[end + 1:]
    if len(body) != total:
        return None
    out, pos = {}, 0
    for name, size, sha in manifest:
        data = bytes(body[pos:pos + size])
        pos += size
        if hashlib.sha256(data).hexdigest() != sha:
            return None
        out[name] = data
    return out


def read_entry(path: Path) -> dict[str, bytes] | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    return decode_entry(blob)


def write_entry(path: Path, parts: dict[str, bytes]) -> None:
    """Write atomically: a temporary file in the same folder, flushed to disk, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it private; every process of the app (any user) reads it
        with os.fdopen(fd, "wb") as fh:
            fh.write(encode_entry(parts))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def exclusive(path: Path):
    """One holder of ``path`` at a time (a cache entry's builder, an edit of the rules file): a lock per thread
    of this process and a ``flock`` on ``<path>.lock`` across processes (released by the kernel if the holder
    dies)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(str(path), threading.Lock())
    with lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".lock"), "a+b") as fh:
            try:
                import fcntl
            except ImportError:  # not POSIX: the in-process lock and the atomic write still hold
                yield
                return
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def load_or_build(path: Path, build: Callable[[], dict[str, bytes]]) -> tuple[dict[str, bytes], bool]:
    """The entry at ``path``: read when whole, else built by ``build()``, written and returned.
    Returns (parts, built) — ``built`` is False when the entry came from disk."""
    parts = read_entry(path)
    if parts is not None:
        return parts, False
    with exclusive(path):
        parts = read_entry(path)  # another thread or process may have written it while we waited
        if parts is not None:
            return parts, False
        parts = build()
        try:
            write_entry(path, parts)
        except OSError:  # a read-only or full disk: serve what was built, the next start tries again
            pass
        return parts, True


@contextmanager
def foreground():
    """A user's request is being answered (the app wraps every script run in it): background preparation
    waits meanwhile (:func:`wait_until_quiet`), so on two cores the warm-up does not take the CPU and the
    interpreter lock from the first link a leader opens after a restart."""
    with _QUIET:
        _SERVING[0] += 1
    try:
        yield
    finally:
        with _QUIET:
            _SERVING[0] -= 1
            _QUIET.notify_all()


def wait_until_quiet(max_s: float = 30.0) -> bool:
    """Wait until no script run is in :func:`foreground`, at most ``max_s`` seconds (a server that is never
    quiet still gets its sets prepared). True when it was quiet."""
    with _QUIET:
        return _QUIET.wait_for(lambda: _SERVING[0] == 0, timeout=max_s)
