"""Reporting status (issue 20): every unit a set draws, for a period and an area, with its state — no data,
submitted on time, submitted late, approved or returned — and the reporting and on-time rates, overall and,
for a national set, per province. As DHIS2 counts them: reporting rate = units reported ÷ units expected; on
time = submitted no later than the deadline, ``ANTT_REPORT_DEADLINE_DAYS`` days (per period type, 15 by
default) after the period ends, in Vietnam's time. The store gives each unit's newest submission and newest
approval step (:meth:`geo.store.database.Store.report_states`); this module only counts.

A unit with no submission but a draft saved in the entry form (geo.store.drafts) is ``draft``. A unit whose
only numbers are the built-in sample is ``sample``: shown as sample, never counted as reported (nobody sent
it). Each unit also says how and at which level its numbers were sent (``submitted_via``: form, upload,
rollback, sample; ``submitted_level``: commune, province, national, admin, operator — recorded by the store
with the version; None for versions older than migration 0010): a province staffer's sheet for many communes
is a submission for each unit it names, shown as sent by the province.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pandas as pd

from geo.config import setting
from geo.text.names import name_key
from geo.text.periods import parse_period

STATES = ("no_data", "sample", "draft", "on_time", "late", "approved", "returned")
REPORTED = ("on_time", "late", "approved", "returned")  # states that count as a report
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
    if info.get("sample"):  # the built-in sample: labelled, never a report
        return "sample"
    if info["step"] == "approve":
        return "approved"
    if info["step"] == "return" and not info["resubmitted"]:
        return "returned"
    return "on_time" if _on_time(info["submitted_at"], due) else "late"


# The status map's classes (no data is the map's grey): state, fill colour, the Streamlit colour name of its key.
MAP_STATES = (("sample", "#faca2b", "yellow"), ("draft", "#803df5", "violet"), ("returned", "#ff4b4b", "red"), ("late", "#ffa421", "orange"),
              ("on_time", "#21c354", "green"), ("approved", "#1c83e1", "blue"))


def state_classes(out: dict) -> pd.Series:
    """unit code -> index of its state in :data:`MAP_STATES` (no data left out: the map's no-data grey)."""
    order = {s: i for i, (s, _, _) in enumerate(MAP_STATES)}
    return pd.Series({u["unit_code"]: order[u["state"]] for u in out["units"] if u["state"] in order}, dtype=float)


def _counts(rows: list[dict]) -> dict:
    return {"expected": len(rows),
            "reported": sum(r["state"] in REPORTED for r in rows),
            "on_time": sum(r["on_time"] for r in rows),
            "approved": sum(r["state"] == "approved" for r in rows),
            "sample": sum(r["state"] == "sample" for r in rows)}


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
    rows = []
    for code, name, province in zip(units["code"], units["name"], provinces):
        info = states.get(code)
        state = unit_state(info, due)
        if state == "no_data" and code in drafts:
            state = "draft"
        rows.append({
            "unit_code": code, "unit_name": name, "province": province, "state": state,
            "on_time": state in REPORTED and _on_time(info["submitted_at"], due),
            "submitted_at": info["submitted_at"] if info else None,
            "submitted_by": info["submitted_by"] if info else None,
            "submitted_level": info.get("submitted_level") if info else None,
            "submitted_via": info.get("submitted_via") if info else None,
            "sample": state == "sample",
            "approved_by": info["step_by"] if state == "approved" else None,
            "reason": info["reason"] if state == "returned" else None,
        })
    return for_area(_summary(rows, set_id, period, due.isoformat(), by_province=bool(col)), area)


def _summary(rows: list[dict], set_id: str, period: str, due: str, *, by_province: bool) -> dict:
    per: dict[str, dict] = {}
    if by_province and len({r["province"] for r in rows}) > 1:
        for p in dict.fromkeys(r["province"] for r in rows):
            per[p] = _counts([r for r in rows if r["province"] == p])
    return {**_counts(rows), "boundary_set": set_id, "period": period, "deadline": due, "units": rows,
            "by_province": per}


def map_area(set_id: str, area: str | None) -> tuple:
    """The map's area for the status page's province ``area``: ``((province column, area),)`` as the sidebar's
    area is written (geo.units.boundaries.area_mask), ``()`` for the whole set or a set without provinces."""
    from geo.units.boundaries import province_column

    col = province_column(set_id)
    return ((col, area),) if area and col else ()


def for_area(out: dict, area: str | None) -> dict:
    """The completeness ``out`` of a whole set narrowed to the province ``area`` (matched as in
    :func:`completeness`), without reading the store again: the status page needs both (the map and the
    per-province table of the whole set, the counts and the list of the area)."""
    if not area:
        return out
    rows = [r for r in out["units"] if name_key(r["province"]) == name_key(area)]
    return _summary(rows, out["boundary_set"], out["period"], out["deadline"], by_province=True)
