"""The follow-up list: every flagged value not yet checked, by province and commune, with who accepted it
(geo.store.flags keeps them; geo.intake.quality made them). The editors' page and ``python -m geo quality`` show
it; the map's tooltip and the profile put a small mark on the values in it (:func:`marked_cells`), and beside
it the mark of numbers a province has not yet approved (:func:`value_marks`; ``ANTT_UNAPPROVED=marked``)."""

from __future__ import annotations

from geo.reference.catalog import load_catalog
from geo.store.flags import flagged_cells, open_flags
from geo.text.i18n import t
from geo.text.names import vi_sort_key


def followup_rows(store, boundary_set: str, period: str | None = None, area: tuple = (),
                  lang: str = "vi") -> list[dict]:
    """One row per open flag: id, province, unit_code, unit, indicator (its name), value, rule, expected,
    message, accepted_by, accepted_at, note, period; sorted by province, commune (Vietnamese order), period."""
    from geo.intake.parents import area_codes
    from geo.units.resolver import load_units

    units = load_units(boundary_set)
    codes = area_codes(units, area) if area else None
    catalog = load_catalog()
    out = []
    for f in open_flags(store, boundary_set, period, units=codes):
        code = f["unit_code"]
        parents = units.parents.get(code, ()) if code else ()
        iid = f["indicator"]
        out.append({"id": f["id"], "period": f["period"], "province": parents[-1] if parents else "",
                    "unit_code": code, "unit": units.names.get(code, code or "") if code else "",
                    "indicator": catalog[iid].name(lang) if iid and iid in catalog else (iid or ""),
                    "indicator_id": iid, "value": f["value"], "rule": f["rule"], "expected": f["expected"],
                    "message": f["message"], "accepted_by": f["accepted_by"], "accepted_at": f["accepted_at"],
                    "note": f["note"] or ""})
    return sorted(out, key=lambda r: (vi_sort_key(r["province"]), vi_sort_key(r["unit"]), r["period"], r["id"]))


def marked_codes(frame, ind) -> set[str]:
    """Codes whose value of ``ind`` (or of its numerator or denominator) is under follow-up, from the view's
    ``frame.attrs["followup"]`` (set by geo.analysis.view.load_view)."""
    ids = {ind.id, *(i for i in (ind.numerator, ind.denominator) if i)}
    return {str(code) for code, iid in frame.attrs.get("followup") or () if iid in ids}


def marked_cells(store, boundary_set: str, period: str | None) -> set[tuple[str, str]]:
    """(unit code, indicator id) of the values of (set, period) still under follow-up."""
    if not period:
        return set()
    return flagged_cells(store, boundary_set, period)


def range_rows(store, boundary_set: str, area: tuple = (), lang: str = "vi") -> list[dict]:
    """The per-unit min–max ranges (geo.store.ranges) of the units of the area, with the unit's and the
    indicator's names, by unit (Vietnamese order) then indicator."""
    from geo.intake.parents import area_codes
    from geo.store.ranges import list_ranges
    from geo.units.resolver import load_units

    units = load_units(boundary_set)
    catalog = load_catalog()
    codes = area_codes(units, area) if area else set(units.names)
    out = [{**r, "unit": units.names.get(r["unit_code"], r["unit_code"]),
            "indicator_name": catalog[r["indicator"]].name(lang) if r["indicator"] in catalog else r["indicator"]}
           for r in list_ranges(store, boundary_set, codes)]
    return sorted(out, key=lambda r: (vi_sort_key(r["unit"]), r["unit_code"], r["indicator"]))


def range_choices(boundary_set: str, area: tuple = (), lang: str = "vi") -> tuple[dict, dict]:
    """({unit code: name} of the area, {indicator id: name} of the base counts and amounts) a range may be
    set for."""
    from geo.intake.parents import area_codes
    from geo.units.resolver import load_units

    units = load_units(boundary_set)
    codes = area_codes(units, area) if area else set(units.names)
    names = sorted(((c, units.names[c]) for c in codes), key=lambda x: (vi_sort_key(x[1]), x[0]))
    indicators = {i.id: i.name(lang) for i in load_catalog().base() if i.kind in ("count", "amount")}
    return dict(names), indicators


def pending_codes(frame) -> set[str]:
    """Codes whose numbers are not yet approved, shown with a mark (``frame.attrs["unapproved"]``, set by the
    store's current table under ``ANTT_UNAPPROVED=marked``)."""
    return {str(c) for c in frame.attrs.get("unapproved") or ()}


def value_marks(frame, ind, lang: str = "vi") -> dict[str, str]:
    """unit code -> the marks its value of ``ind`` carries, as shown beside it (never hidden): under
    follow-up, and not yet approved. Units with neither are left out."""
    flagged, pending = set(marked_codes(frame, ind)), pending_codes(frame)
    if not flagged and not pending:
        return {}
    quality, unapproved = t("quality_mark", lang), t("status_unapproved_mark", lang)  # once: a national import
    both = f"{quality} {unapproved}"  # not yet approved marks all 3,321 units
    return {**dict.fromkeys(pending, unapproved), **dict.fromkeys(flagged, quality),
            **dict.fromkeys(flagged & pending, both)}
