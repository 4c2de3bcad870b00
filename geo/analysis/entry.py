"""The one-commune entry form's model (issue 20, page "Nhập số liệu"): the units an account may enter, one
unit's numbers for a period and the period before, its reporting state, and the submission — one row through
``Store.import_rows``, exactly as an upload of one row, so the store's authorize hook checks the scope and
the approval lock, and the per-unit version read when the form opened guards against a second editor.
The fields and their checks are geo.intake.entry's."""

from __future__ import annotations

from datetime import date, datetime

from geo.analysis.status import VIETNAM, deadline, unit_state
from geo.store import state
from geo.store.reporting import FORM_FILE
from geo.text.periods import Period, parse_period

REFUSALS = ("store_unit_locked", "scope_write_outside", "store_unit_conflict")  # audited when the form is refused


def previous_period(period: str) -> str:
    """The period of the same type just before ``period`` (2025 → 2024, 2025-Q1 → 2024-Q4, 2025-01 → 2024-12,
    the evaluation year 2025-DG3110 → 2024-DG3110)."""
    return str(parse_period(period).previous())


def reporting_period(store=None, today: date | None = None) -> str:
    """The period a form or an upload opens on: the newest period that has *ended* — its report is due (as
    DHIS2's data entry, which opens no period that has not ended) — of the type reported most recently in the
    store (years on a fresh store: the samples are years). On 7/12/2026: 2025, or 2026-Q3 once quarters are
    reported. Types other than year, quarter and month (evaluation years) count as years here."""
    today = today or datetime.now(VIETNAM).date()
    periods = store.periods() if store is not None else []
    length = parse_period(periods[-1]).length if periods else 12
    if length not in (12, 3, 1):
        length = 12
    current = Period(today.year, (today.month - 1) // length * length + 1, length)
    return previous_period(str(current))


def vintage_set(set_id: str, period: str) -> str:
    """The set the form enters on: ``set_id`` when it draws the units of the period's vintage, else the first
    set that does (the period decides the vintage: a 2025 report never lands on the old units)."""
    from geo.units.boundaries import list_boundary_sets
    from geo.units.vintage import period_vintage, set_vintage

    want = period_vintage(period)
    if set_vintage(set_id) == want:
        return set_id
    return next(s.id for s in list_boundary_sets() if s.units_vintage == want)


def units_for(store, actor, set_id: str) -> list[tuple[str, str]]:
    """(code, name) of the units of ``set_id`` that ``actor`` may enter, in the set's order: an admin or an
    account without scope rows every unit, otherwise the units of its provinces and its own units. The store
    checks the scope again when the form is sent; this list only keeps the picker short."""
    from geo.access.scopes import codes_in, provinces_of, scopes_of
    from geo.text.names import name_key
    from geo.units.boundaries import unit_list

    units = unit_list(set_id)
    pairs = [(str(c), str(n)) for c, n in zip(units["code"], units["name"])]
    if getattr(actor, "role", None) == "admin":
        return pairs
    scope = store.execute_read_fn(lambda conn: scopes_of(conn, actor.name))
    if not scope:
        return pairs
    codes = codes_in(scope, set_id)  # a code holds for the vintage it was given for
    provinces = {name_key(v) for k, v, _ in scope if k == "province"}
    province = provinces_of(set_id) if provinces else {}
    return [(c, n) for c, n in pairs if c in codes or name_key(province.get(c, "")) in provinces]


def unit_values(store, set_id: str, period: str, code: str) -> tuple[dict, int | None]:
    """(the unit's current values for ``period`` as seen from ``set_id``, the version they come from)."""
    def read(conn):
        chosen = state.unit_versions(conn, set_id, period, codes=[code])
        rows = state.rows_of(conn, chosen, period)
        return (rows[0]["values"] if rows else {}), chosen.get(code)

    values, version = store.execute_read_fn(read)
    return {k: v for k, v in values.items() if v is not None}, version


def unit_history(store, set_id: str, period: str, code: str):
    """The unit's earlier periods for the quality checks (``geo.intake.quality.History``): its newest submission
    in each, read as the upload reads them (``Store.value_history``)."""
    from geo.intake.quality import History

    return History(*store.value_history(set_id, period, units=[code]))


def unit_ranges(store, set_id: str, code: str) -> dict:
    """The unit's min–max ranges for the quality checks (geo.store.ranges), as the upload reads them."""
    from geo.store.ranges import ranges_for

    return ranges_for(store, set_id, [code])


def vietnam_time(iso: str | None) -> str | None:
    """'2026-12-07T03:32:49+00:00' -> '10:32 07/12/2026' (Vietnam's time, as an officer reads it)."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def open_form(store, set_id: str, period: str, code: str) -> dict:
    """What the form shows for one unit and period: ``values`` (the unit's draft if it has one newer than its
    submission — with ``draft_by``, ``draft_at`` —, else its current numbers), ``version`` (its newest submission,
    for the per-unit check), ``last`` (the previous period's values, shown beside each field), ``last_period``,
    and the reporting ``state`` with who approved or returned it, when, and why."""
    period = str(parse_period(period))
    values, version = unit_values(store, set_id, period, code)
    last_period = previous_period(period)
    last, _ = unit_values(store, set_id, last_period, code)
    info = store.report_states(set_id, period).get(code)
    draft = store.draft(set_id, period, code)
    state_ = unit_state(info, deadline(period))
    if draft is not None and state_ == "no_data":
        state_ = "draft"
    return {"values": draft["values"] if draft else values, "version": version, "last": last,
            "last_period": last_period, "draft_by": draft and draft["user"],
            "draft_at": draft and vietnam_time(draft["saved_at"]),
            "state": state_, "step_by": (info or {}).get("step_by"),
            "step_at": vietnam_time((info or {}).get("step_at")), "reason": (info or {}).get("reason")}


def save_draft(store, actor, set_id: str, period: str, code: str, name: str, values: dict) -> None:
    """'Lưu nháp': keep the typed values (even with problems still open) until they are sent; scope and lock are
    the store's, as for a submission."""
    store.save_draft(boundary_set=set_id, period=period, unit=code, unit_name=name, values=values, user=actor)


def submit(store, actor, set_id: str, period: str, code: str, name: str, values: dict,
           version: int | None, flags=None) -> int:
    """Send the form: one row through ``Store.import_rows`` (scope, lock, vintage checked there), refused if
    someone else submitted the unit since ``version`` was read; ``flags``: the quality flags the person accepted,
    stored with the values for follow-up. Returns the new version. A refusal (lock,
    scope, a newer submission) is itself written to the audit log as ``entry_refused`` with its reason, so the
    chain submit → approve → refused shows there step by step; nothing else is stored."""
    from geo.store.errors import StoreError

    try:
        return store.import_rows([{"unit_code": code, "unit_name": name, "values": dict(values)}],
                                 boundary_set=set_id, period=period, user=actor, file_name=FORM_FILE,
                                 expected_units={code: version}, flags=flags or None)
    except StoreError as exc:
        if exc.key in REFUSALS:
            store.audit("entry_refused", actor, {"boundary_set": set_id, "period": period, "unit_code": code,
                                                 "reason": exc.key, "message": exc.message("vi")})
        raise


__all__ = ["FORM_FILE", "open_form", "previous_period", "reporting_period", "save_draft", "submit", "unit_history",
           "unit_ranges", "unit_values", "units_for", "vietnam_time", "vintage_set"]
