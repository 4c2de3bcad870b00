"""The one-commune entry form's fields and checks (issue 20): which indicators a commune enters for a period,
grouped as in the catalog, and the checks that run as the officer types — the very checks of the upload
(:func:`geo.intake.values.parse_value`, :func:`geo.reference.catalog.parts_problems` for grades against their
recognized count, :func:`geo.intake.values.pair_problems` for registered ≥ recognized), worded for a form
(no sheet, row or column) and naming the unit and the period.

The data-quality checks (validation rules, outliers: ``geo/intake/quality.py``) run through
:func:`quality_checks`, the same ``check_values`` the upload calls."""

from __future__ import annotations

from dataclasses import dataclass

from geo.intake.values import fmt, pair_problems, parse_value
from geo.reference.catalog import Catalog, Indicator, not_reported_in, parts_problems, period_type_params
from geo.text.i18n import t


@dataclass(frozen=True)
class FieldProblem:
    """One message of the form: ``level`` "error" (blocks sending) or "warning"; ``indicator`` the field it
    belongs to (None: the whole form)."""

    level: str
    indicator: str | None
    message: str
    flag: dict | None = None  # a quality flag (geo.intake.quality): stored with the value once a person accepts it


def form_groups(catalog: Catalog, period: str) -> list[tuple[str, list[Indicator]]]:
    """(catalog group, its entered indicators valid in ``period`` and reported in its type) in catalog order: an
    evaluation year ending 31/10 offers the residential areas' recognition, a quarter the counts and flows;
    derived indicators (shares, rates) are computed, never typed."""
    groups: dict[str, list[Indicator]] = {}
    for ind in catalog.valid_in(period).reported_in(period).base():
        if not ind.retired:
            groups.setdefault(ind.group or "other", []).append(ind)
    return list(groups.items())


def group_label(group: str, lang: str = "vi") -> str:
    key = f"entry_group_{group}"
    text = t(key, lang)
    return t("entry_group_other", lang) if text == key else text


def quality_checks(values: dict, catalog: Catalog, *, unit: str, period: str, lang: str = "vi", code: str | None = None,
                   history=None, has_error=frozenset(), ranges=None) -> list[FieldProblem]:
    """The data-quality checks of ``geo/intake/quality.py`` — the same function the upload calls: the rules of
    data/rules.toml (an error blocks sending, a warning is a flag) and the outliers against the unit's own
    earlier periods (``history``: ``quality.History(*store.value_history(..., units=[code]))``) and the unit's
    min–max ranges (``ranges``: ``geo.store.ranges.ranges_for(store, set, [code])``). A flag carries
    its dict, stored with the value when the person sends it anyway. As on the upload, a rule's error on a field
    that already has one (``has_error``: the form's own structural checks) is not said twice."""
    from geo.intake.quality import check_values

    if not values:
        return []
    flags = check_values([{"unit_code": code or unit, "unit_name": unit, "values": dict(values)}], period, history,
                         catalog=catalog, lang=lang, ranges=ranges)
    return [FieldProblem("error" if f.severity == "error" else "warning", f.indicator, f.message,
                         None if f.severity == "error" else f.to_dict())
            for f in flags if not (f.severity == "error" and f.indicator in has_error)]


def check_entry(raw: dict, catalog: Catalog, *, unit: str, period: str, lang: str = "vi", code: str | None = None,
                history=None, ranges=None) -> tuple[dict, list[FieldProblem]]:
    """Read the typed texts ``raw`` ({indicator id: text}) the Vietnamese way; (values, problems). Empty fields
    are no data (never 0) and are left out of the values."""
    values: dict = {}
    problems: list[FieldProblem] = []
    for iid, text in raw.items():
        if iid not in catalog:
            continue
        ind = catalog[iid]
        value, prob = parse_value(text, ind)
        if prob == "missing_mark":
            continue
        if prob:
            key = {"not_number": "ingest_not_number", "negative": "ingest_negative",
                   "not_whole": "ingest_not_whole", "not_flag": "ingest_not_flag"}.get(prob, "ingest_not_number")
            expected = t({"count": "ingest_expected_count", "amount": "ingest_expected_amount",
                          "flag": "ingest_expected_flag"}.get(ind.kind, "ingest_expected_count"), lang)
            problems.append(FieldProblem("error", iid, t(key, lang, value=str(text).strip(), expected=expected,
                                                         indicator=ind.name(lang))))
            continue
        if value is not None:
            values[iid] = value
    for ind in not_reported_in(values, catalog, period):  # a field the form does not offer (an old draft)
        problems.append(FieldProblem("error", ind.id, t("entry_period_type", lang, unit=unit,
                                                        **period_type_params([ind], period, lang))))
    for p in parts_problems(values, catalog):
        parts = " + ".join(f"{catalog[i].short(lang)} {fmt(v)}" for i, v in p["parts"].items())
        problems.append(FieldProblem("error", p["whole"], t(
            "entry_parts_mismatch" if p["complete"] and catalog[p["whole"]].parts_rule == "equal"
            else "entry_parts_exceed", lang, unit=unit, period=period, whole_name=catalog[p["whole"]].name(lang),
            total=fmt(p["total"]), parts=parts, sum=fmt(p["sum"]))))
    for num_id, den_id, a, b in pair_problems(values, catalog):
        problems.append(FieldProblem("error", num_id, t(
            "entry_numerator_exceeds", lang, unit=unit, period=period, num_name=catalog[num_id].name(lang),
            num=fmt(a), den_name=catalog[den_id].name(lang), den=fmt(b))))
    problems += quality_checks(values, catalog, unit=unit, period=period, lang=lang, code=code, history=history,
                               has_error=frozenset(p.indicator for p in problems if p.level == "error"), ranges=ranges)
    return values, problems


__all__ = ["FieldProblem", "check_entry", "form_groups", "group_label", "quality_checks"]
