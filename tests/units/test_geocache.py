"""geo.units.geocache: entries written once, atomically, checked against their manifest, rebuilt when bad,
shared between processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo import PROJECT_DIR
from geo.units import geocache

PARTS = {"meta": b'{"a": 1}', "body": bytes(range(256)) * 40, "empty": b""}


def test_an_entry_reads_back_as_written(tmp_path):
    path = tmp_path / "x.bin"
    geocache.write_entry(path, PARTS)
    assert geocache.read_entry(path) == PARTS
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]  # no temporary file left behind


def _flip_last(blob: bytes) -> bytes:
    return blob[:-1] + bytes([blob[-1] ^ 1])


def _manifest_says_other_hash(blob: bytes) -> bytes:
    head, _, rest = blob.partition(b"\n")
    manifest, _, body = rest.partition(b"\n")
    return head + b"\n" + manifest.replace(b'"meta",8,"', b'"meta",8,"0') + b"\n" + body


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],                      # half-written (a copy or a crash cut it)
    lambda b: b[:-1],                                # one byte short
    lambda b: b + b"x",                              # one byte too many
    _flip_last,                                      # a flipped bit in a part
    _manifest_says_other_hash,                       # a manifest that does not match its part
    lambda b: b"",                                   # empty file
    lambda b: b"garbage\n{}\n",                      # not an entry at all
    lambda b: geocache.MAGIC + b"{not json\n",       # broken manifest
], ids=["half", "short", "long", "bitflip", "manifest", "empty", "garbage", "badjson"])
def test_a_damaged_entry_is_never_served_and_is_rebuilt(tmp_path, damage):
    path = tmp_path / "x.bin"
    geocache.write_entry(path, PARTS)
    path.write_bytes(damage(path.read_bytes()))
    assert geocache.read_entry(path) is None
    calls = []

    def build():
        calls.append(1)
        return PARTS

    parts, built = geocache.load_or_build(path, build)
    assert (parts, built, calls) == (PARTS, True, [1])
    assert geocache.read_entry(path) == PARTS  # the good entry replaced the bad one
    assert geocache.load_or_build(path, build) == (PARTS, False) and calls == [1]


def test_entry_names_separate_sets_kinds_contents_and_versions(tmp_path):
    a = geocache.entry_path("vn-2025", "units", "ab" * 32, "1", tmp_path)
    variants = [geocache.entry_path("vn-pre2025", "units", "ab" * 32, "1", tmp_path),
                geocache.entry_path("vn-2025", "map", "ab" * 32, "1", tmp_path),
                geocache.entry_path("vn-2025", "units", "cd" * 32, "1", tmp_path),
                geocache.entry_path("vn-2025", "units", "ab" * 32, "2", tmp_path)]
    assert len({a, *variants}) == 5 and all(p.parent == tmp_path for p in variants)


def test_content_hash_follows_the_content(tmp_path):
    f = tmp_path / "f.geojson"
    f.write_bytes(b"one")
    first = geocache.content_hash(f)
    f.write_bytes(b"two")
    assert geocache.content_hash(f) != first
    f.write_bytes(b"one")
    assert geocache.content_hash(f) == first


def test_cache_folder_is_a_setting_under_the_data_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTT_GEOCACHE_DIR", raising=False)
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    assert geocache.cache_dir() == tmp_path / "data" / "geocache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "elsewhere"))
    assert geocache.cache_dir() == tmp_path / "elsewhere"


READER = """
import sys, time
from geo.units import geocache
parts, built = geocache.load_or_build(__import__("pathlib").Path(sys.argv[1]), lambda: {"body": b"WRONG"})
print(time.time(), built, parts["body"].decode())
"""


def test_a_process_started_while_another_writes_waits_and_reads_the_whole_entry(tmp_path):
    """The writer holds the entry's lock while it builds; a half-written file of a crashed writer lies in
    the folder. A process started meanwhile neither serves that nor builds its own: it waits and reads the
    writer's entry."""
    path = tmp_path / "set-units-x-v1.bin"
    path.write_bytes(geocache.encode_entry({"body": b"GOOD"})[:-2])  # half of an older, non-atomic write
    with geocache.exclusive(path):
        reader = subprocess.Popen([sys.executable, "-c", READER, str(path)], cwd=PROJECT_DIR,
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert reader.poll() is None  # waiting for the writer
        geocache.write_entry(path, {"body": b"GOOD"})
        released = time.time()
    out, _ = reader.communicate(timeout=60)
    finished, built, body = out.split()
    assert (built, body) == ("False", "GOOD") and float(finished) >= released


def test_background_work_waits_while_a_user_is_answered():
    """geocache.foreground (every script run of the app) holds wait_until_quiet (the warm-up) until the
    last run in it ends; a server never quiet still lets it go after its time limit."""
    import threading

    assert geocache.wait_until_quiet(0.01) is True
    first, second = geocache.foreground(), geocache.foreground()
    first.__enter__()
    second.__enter__()
    assert geocache.wait_until_quiet(0.05) is False
    first.__exit__(None, None, None)
    assert geocache.wait_until_quiet(0.05) is False  # one run is still answering
    woke = []
    waiter = threading.Thread(target=lambda: woke.append(geocache.wait_until_quiet(10)))
    waiter.start()
    second.__exit__(None, None, None)
    waiter.join(10)
    assert woke == [True]


def test_a_failing_script_run_still_leaves_the_foreground():
    with pytest.raises(RuntimeError), geocache.foreground():
        raise RuntimeError("st.stop, st.rerun and errors leave the run too")
    assert geocache.wait_until_quiet(0.01) is True
