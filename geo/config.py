"""Every ``ANTT_*`` setting in one place: its name, default, meaning and how a bad value is treated.

Settings are read from the environment each time they are asked for (tests and deployments change them without
a restart of the interpreter). No other module reads ``os.environ`` for an ``ANTT_*`` name; a test checks it,
and another that README's configuration table lists every setting here. This module sits at the root of
``geo`` beside the folder constants: every layer may import it, and it imports nothing of ``geo`` but them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from geo import PROJECT_DIR


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    doc: str
    parse: Callable[[str], object] = str  # raises ValueError for a bad value → the default is used
    public: bool = True  # False: a test hook, not in README's table


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


def _non_negative_int(text: str) -> int:
    return max(0, int(text))


def _deadlines(text: str) -> dict[str, int]:
    out = {}
    for part in text.split(","):
        kind, _, days = part.partition("=")
        out[kind.strip()] = _non_negative_int(days.strip())
    return out


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("ANTT_BOUNDARY_DIR", PROJECT_DIR.parent / "shared" / "geodata",
            "folder holding the boundary files named in data/boundary_sets.toml", lambda v: Path(v).expanduser()),
    Setting("ANTT_DATA_DIR", PROJECT_DIR / "var", "folder of the SQLite store", lambda v: Path(v).expanduser()),
    Setting("ANTT_GEOCACHE_DIR", None, "folder of the prepared-geometry cache, shared by every process of the app "
            "(default: geocache in ANTT_DATA_DIR)", lambda v: Path(v).expanduser()),
    Setting("ANTT_DATABASE_URL", None, "SQLAlchemy URL of the store, e.g. postgresql+psycopg://user:pw@host/db "
            "(default: SQLite in ANTT_DATA_DIR)"),
    Setting("ANTT_TILE_URL", None, "a tile server for the \"configured\" basemap choice"),
    Setting("ANTT_TILE_ATTRIBUTION", None, "the attribution shown with ANTT_TILE_URL (default: the URL)"),
    Setting("ANTT_USER", None, "user name the command line records for imports and rollbacks (--user overrides; "
            "default: the OS user)"),
    Setting("ANTT_VIEW_MODE", "open", "open: viewer pages without sign-in (forum screen, kiosk); signin: "
            "everything behind sign-in; an unknown value means signin", str.lower),
    Setting("ANTT_SESSION_IDLE_MINUTES", 30.0, "signed-in sessions end after this long without activity",
            _positive),
    Setting("ANTT_MAX_UPLOAD_MB", 10.0, "spreadsheet uploads larger than this are refused before parsing",
            _positive),
    Setting("ANTT_MAX_UPLOAD_ROWS", 100_000.0, "spreadsheets with more rows than this are refused before parsing",
            _positive),
    Setting("ANTT_MAX_BOUNDARY_MB", 100.0, "boundary files an admin may upload", _positive),
    Setting("ANTT_REPORT_DEADLINE_DAYS", {}, "days after a period ends within which a report is on time, per "
            "period type: 'month=10,quarter=15,year=30' (15 for a type not named)", _deadlines),
    Setting("ANTT_SMALL_COUNT_THRESHOLD", 5, "on the forum slides and public exports, tip and people counts "
            "below it show as \"< N\" (0 or 1: off)", _non_negative_int),
    Setting("ANTT_CHROMIUM", None, "the Chromium the browser tests and the benchmark start "
            "(default: chromium on PATH, else /usr/bin/chromium)"),
    Setting("ANTT_TEST_CRASH_AFTER_ROWS", None, "test hook: import_rows stops the process after N rows",
            int, public=False),
    Setting("ANTT_TEST_CRASH_MODE", None, "test hook: 'wait' prints ANTT_CRASH_POINT and sleeps instead of exiting",
            public=False),
)}


def setting(name: str, env: Mapping[str, str] | None = None):
    """The value of one setting: parsed from the environment (or ``env``), else its default. An empty or bad
    value means the default (each setting's ``doc`` says what a bad value does where it differs)."""
    spec = SETTINGS[name]
    raw = str((os.environ if env is None else env).get(name, "")).strip()
    if not raw:
        return spec.default
    try:
        return spec.parse(raw)
    except (TypeError, ValueError):
        return spec.default

