"""Reporting status (issue 20): every unit a set draws, for a period and an area, with its state — no data,
submitted on time, submitted late, approved or returned — and the reporting and on-time rates, overall and,
for a national set, per province. As DHIS2 counts them: reporting rate = units reported ÷ units expected; on
time = submitted no later than the deadline, ``ANTT_REPORT_DEADLINE_DAYS`` days (per period type, 15 by
default) after the period ends, in Vietnam's time. The store gives each unit's newest submission and newest
approval step (:meth:`geo.store.database.Store.report_states`); this module only counts.

A unit with no submission but a draft saved in the entry form (geo.store.drafts) is ``draft``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pandas as pd

from geo.config import setting
from geo.text.names import name_key
from geo.text.periods import parse_period

STATES = ("no_data", "draft", "on_time", "late", "approved", "returned")
DEFAULT_DEADLINE_DAYS = 15
VIETNAM = timezone(timedelta(hours=7))


def deadline_days(kind: str) -> int:
    return int(setting("ANTT_REPORT_DEADLINE_DAYS").get(kind, DEFAULT_DEADLINE_DAYS))


def deadline(period: str) -> date:
    """The last day on which a report of ``period`` is on time."""
    p = parse_period(period)
    return p.end + timedelta(days=deadline_days(p.kind))


def _on_time(submitted_at: str | None, due: date) -> bool:
    if not submitted_at:
        return False
    at = datetime.fromisoformat(submitted_at)
    return at < datetime.combine(due + timedelta(days=1), time(0), tzinfo=VIETNAM)


def unit_state(info: dict | None, due: date) -> str:
    if info is None or info.get("version") is None:
        return "no_data"
    if info["step"] == "approve":
        return "approved"
    if info["step"] == "return" and not info["resubmitted"]:
        return "returned"
    return "on_time" if _on_time(info["submitted_at"], due) else "late"


# The status map's classes (no data is the map's grey): state, fill colour, the Streamlit colour name of its key.
MAP_STATES = (("draft", "#803df5", "violet"), ("returned", "#ff4b4b", "red"), ("late", "#ffa421", "orange"),
              ("on_time", "#21c354", "green"), ("approved", "#1c83e1", "blue"))


def state_classes(out: dict) -> pd.Series:
    """unit code -> index of its state in :data:`MAP_STATES` (no data left out: the map's no-data grey)."""
    order = {s: i for i, (s, _, _) in enumerate(MAP_STATES)}
    return pd.Series({u["unit_code"]: order[u["state"]] for u in out["units"] if u["state"] in order}, dtype=float)


def _counts(rows: list[dict]) -> dict:
    return {"expected": len(rows),
            "reported": sum(r["state"] in ("on_time", "late", "approved", "returned") for r in rows),
            "on_time": sum(r["on_time"] for r in rows),
            "approved": sum(r["state"] == "approved" for r in rows)}


def completeness(store, set_id: str, period: str, area: str | None = None) -> dict:
    """``{"expected", "reported", "on_time", "approved", "deadline", "units": [...], "by_province": {...}}``;
    ``area`` is a province name (matched without diacritics or prefix)."""
    from geo.units.boundaries import province_column, unit_list

    period = str(parse_period(period))
    units = unit_list(set_id)
    col = province_column(set_id)
    provinces = list(units[col]) if col else [""] * len(units)
    due = deadline(period)
    states = store.report_states(set_id, period)
    drafts = store.drafts(set_id, period)  # newer than the unit's submission: a draft in progress
    inside = {p for p in set(provinces) if name_key(p) == name_key(area)} if area else None
    rows = []
    for code, name, province in zip(units["code"], units["name"], provinces):
        if inside is not None and province not in inside:
            continue
        info = states.get(code)
        state = unit_state(info, due)
        if state == "no_data" and code in drafts:
            state = "draft"
        rows.append({
            "unit_code": code, "unit_name": name, "province": province, "state": state,
            "on_time": state not in ("no_data", "draft") and _on_time(info["submitted_at"], due),
            "submitted_at": info["submitted_at"] if info else None,
            "submitted_by": info["submitted_by"] if info else None,
            "approved_by": info["step_by"] if state == "approved" else None,
            "reason": info["reason"] if state == "returned" else None,
        })
    by_province: dict[str, dict] = {}
    if col and len({r["province"] for r in rows}) > 1:
        for p in dict.fromkeys(r["province"] for r in rows):
            by_province[p] = _counts([r for r in rows if r["province"] == p])
    return {**_counts(rows), "boundary_set": set_id, "period": period, "deadline": due.isoformat(),
            "units": rows, "by_province": by_province}
