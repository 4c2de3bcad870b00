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


def _approval(text: str) -> str:
    if text.lower() not in ("marked", "approved"):
        raise ValueError(text)
    return text.lower()


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
    Setting("ANTT_SESSION_SECRET", None, "key that signs the sign-in cookie, the same for every process of the app "
            "(default: a random key kept in session.key in ANTT_DATA_DIR)"),
    Setting("ANTT_SESSION_IDLE_MINUTES", 30.0, "signed-in sessions end after this long without activity",
            _positive),
    Setting("ANTT_MAX_UPLOAD_MB", 10.0, "spreadsheet uploads larger than this are refused before parsing",
            _positive),
    Setting("ANTT_MAX_UPLOAD_ROWS", 100_000.0, "spreadsheets with more rows than this are refused before parsing",
            _positive),
    Setting("ANTT_MAX_BOUNDARY_MB", 100.0, "boundary files an admin may upload", _positive),
    Setting("ANTT_REPORT_DEADLINE_DAYS", {}, "days after a period ends within which a report is on time, per "
            "period type: 'month=10,quarter=15,year=30,dg3110=20' (dgDDMM: an evaluation year ending DD/MM; 15 for a "
            "type not named)", _deadlines),
    Setting("ANTT_UNAPPROVED", "marked", "what the map, overview, charts, profile, exports and API do with numbers "
            "a province has not yet approved: marked (shown with a mark, as values under follow-up are) or approved (only approved "
            "numbers; the others show as no data); samples stay shown and labelled either way; a bad value means "
            "marked", _approval),
    Setting("ANTT_QUALITY_MODZ", 3.5, "outliers against a unit's own history: modified z-score (median, MAD) above "
            "which a value is flagged (Iglewicz & Hoaglin 1993 recommend 3.5)", _positive),
    Setting("ANTT_QUALITY_MIN_HISTORY", 3, "earlier values a unit needs before the modified z-score is used "
            "(fewer: the jump rule)", _non_negative_int),
    Setting("ANTT_QUALITY_JUMP_FACTOR", 5.0, "jump rule for short histories: a value this many times above or "
            "below the last period's is flagged", _positive),
    Setting("ANTT_QUALITY_MIN_DIFF", 10.0, "no outlier flag when the value differs from what was expected by "
            "less than this (so 1 → 5 is not flagged)", _positive),
    Setting("ANTT_QUALITY_PEER_Z", 5.0, "peers: modified z-score of the log rate (per village or per 1,000 "
            "people) among communes of the same province above which a value is flagged", _positive),
    Setting("ANTT_QUALITY_PEER_MIN", 10, "peers: communes of a province with a rate needed before peers are "
            "compared", _non_negative_int),
    Setting("ANTT_QUALITY_SAME_FILE_SHARE", 0.5, "a file whose values equal an earlier period's for more than "
            "this share of its units is flagged once as the same file sent again", _positive),
    Setting("ANTT_RULES_FILE", None, "the cross-indicator validation rules the quality checks use and admins "
            "edit (default: the shipped data/rules.toml until an admin edits them, then rules.toml in "
            "ANTT_DATA_DIR)"),
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

