"""Indicator definitions: ``data/catalog.toml`` (the seed) merged with the definitions admins keep in the store.

The ids are a public contract (template, CLI, store). Derived indicators (shares, ratios, rates) are computed
here from *summed* numerators and denominators, never by averaging percentages.

Indicators follow the law over time: each has a validity (``valid_from``/``valid_to``, dates, open when absent),
a ``legal_basis`` and a lineage (``continues``: the ids it carries on from, with a note; ``replaced_by`` is
filled in from the successors). ``Catalog.valid_in(period)`` keeps the indicators whose validity overlaps the
period. A derived indicator is valid only where its numerator and denominator both are.

A count may name its ``parts`` (the grades xuất sắc, khá, trung bình of a recognized count): when every part is
given they must add up to it, and the parts given must never exceed it (:func:`parts_problems`, checked by the
intake: the upload's dry run, ``validate`` and ``import``).

Each indicator says in which period types it is reported (``period_types``: year, half, quarter, month, or an
evaluation year ``dgDDMM`` ending on DD/MM, see geo.text.periods); without the key, the calendar types
(:data:`DEFAULT_PERIOD_TYPES`), so older catalogs and admin definitions load as before. A submission of an
indicator in a period type it does not use is refused (:func:`not_reported_in`, checked by the intake and the
store); what is stored stays readable in any type.

Admin-defined indicators live in the store, which this layer may not import: the layer that owns the store
installs a *definitions source* (:func:`set_definitions_source`), a callable returning the stored definitions
as JSON texts; :func:`load_catalog` merges them over the seed (a stored definition with a seed id overrides
it) and caches the merge on those texts.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping

from geo import DATA_DIR
from geo.text.errors import AnttError
from geo.text.periods import CALENDAR_KINDS, PeriodError, check_kind, kind_label, parse_period

CATALOG_PATH = DATA_DIR / "catalog.toml"

BASE_KINDS = {"count", "amount", "flag"}
DERIVED_KINDS = {"share", "ratio", "rate_population"}
KINDS = BASE_KINDS | DERIVED_KINDS
DIRECTIONS = {"up", "down", "neutral"}
TEMPORALS = {"stock", "flow"}
PARTS_RULES = ("equal", "at_most")
DEFAULT_PERIOD_TYPES = CALENDAR_KINDS  # an indicator that does not say: year, half-year, quarter, month


class CatalogError(AnttError, ValueError):
    """The catalog file is malformed: ``CatalogError("catalog_...", iid=...)`` (data/strings/errors.toml)."""


@dataclass(frozen=True)
class Indicator:
    id: str
    vi: str
    en: str
    kind: str
    unit_vi: str
    unit_en: str
    direction: str
    temporal: str
    group: str
    public: bool
    description_vi: str = ""
    description_en: str = ""
    short_vi: str = ""
    short_en: str = ""
    aliases: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    per: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    legal_basis: str = ""
    continues: tuple[str, ...] = ()
    lineage_vi: str = ""
    lineage_en: str = ""
    replaced_by: tuple[str, ...] = ()  # filled in by the catalog from the successors' ``continues``
    parts: tuple[str, ...] = ()  # base indicators that add up to this one (its grades); see parts_problems
    parts_rule: str = "equal"  # "equal": all parts given add up to it; "at_most": they never exceed it
    retired: bool = False
    period_types: tuple[str, ...] = DEFAULT_PERIOD_TYPES  # the period types it is reported in
    origin: str = "catalog"  # "catalog" (data/catalog.toml) or "store" (defined or changed by an admin)

    def valid_on(self, period) -> bool:
        """Whether the validity overlaps ``period`` (a Period or its text)."""
        p = period if hasattr(period, "start") else parse_period(period)
        return (self.valid_from is None or self.valid_from <= p.end) and \
            (self.valid_to is None or self.valid_to >= p.start)

    def reported_in(self, period) -> bool:
        """Whether the indicator is reported in the type of ``period`` (a Period or its text)."""
        p = period if hasattr(period, "kind") else parse_period(period)
        return p.kind in self.period_types

    def period_types_text(self, lang: str = "vi") -> str:
        """'năm đánh giá kết thúc ngày 31/10; năm' — the types it is reported in, as people say them."""
        return "; ".join(kind_label(k, lang) for k in self.period_types)

    def short(self, lang: str = "vi") -> str:
        return (self.short_en or self.en) if lang == "en" else (self.short_vi or self.vi)

    def lineage(self, lang: str = "vi") -> str:
        return self.lineage_en if lang == "en" else self.lineage_vi

    def validity_text(self, lang: str = "vi") -> str:
        """'từ 01/07/2024', 'đến 30/06/2024', 'từ … đến …' or 'mọi kỳ' (Vietnamese day/month/year)."""
        from geo.text.i18n import t

        def d(x: date) -> str:
            return f"{x.day:02d}/{x.month:02d}/{x.year}" if lang != "en" else x.isoformat()

        if self.valid_from and self.valid_to:
            return t("validity_between", lang, start=d(self.valid_from), end=d(self.valid_to))
        if self.valid_from:
            return t("validity_from", lang, start=d(self.valid_from))
        if self.valid_to:
            return t("validity_to", lang, end=d(self.valid_to))
        return t("validity_always", lang)

    def validity_json(self) -> dict:
        return {"valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}

    @property
    def derived(self) -> bool:
        return self.kind in DERIVED_KINDS

    @property
    def whole_number(self) -> bool:
        """Values must be whole numbers ≥ 0 (counts and flags)."""
        return self.kind in {"count", "flag"}

    @property
    def is_percentage(self) -> bool:
        return self.kind == "share"

    def name(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def unit(self, lang: str = "vi") -> str:
        return self.unit_en if lang == "en" else self.unit_vi

    def description(self, lang: str = "vi") -> str:
        return self.description_en if lang == "en" else self.description_vi

    def compute(self, num: float | None, den: float | None) -> float | None:
        """Value of a derived indicator from its numerator and denominator (None when undefined)."""
        if not self.derived:
            raise CatalogError("catalog_not_derived", iid=self.id)
        if num is None or den is None or _isnan(num) or _isnan(den) or den == 0:
            return None
        if self.kind == "share":
            return 100.0 * num / den
        if self.kind == "rate_population":
            return (self.per or 1) * num / den
        return num / den


def _isnan(x) -> bool:
    try:
        return math.isnan(x)
    except TypeError:
        return False


@dataclass(frozen=True)
class Catalog:
    indicators: tuple[Indicator, ...]
    _by_id: Mapping[str, Indicator] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "_by_id", {i.id: i for i in self.indicators})

    def __getitem__(self, indicator_id: str) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(f"unknown indicator id: {indicator_id!r}") from None

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    def base(self) -> list[Indicator]:
        """Indicators that are entered (template columns, store rows)."""
        return [i for i in self.indicators if not i.derived]

    def derived(self) -> list[Indicator]:
        return [i for i in self.indicators if i.derived]

    def public(self) -> list[Indicator]:
        return [i for i in self.indicators if i.public]

    def rates_for(self, indicator_id: str) -> list[Indicator]:
        """Derived indicators whose numerator is ``indicator_id`` (offered before the raw count)."""
        return [i for i in self.derived() if i.numerator == indicator_id]

    def map_choices(self, public_only: bool = False) -> list[str]:
        """Indicator ids in the order the map picker offers them: for each count, its rates first."""
        out: list[str] = []
        for ind in self.base():
            for rate in self.rates_for(ind.id):
                if rate.id not in out and (rate.public or not public_only):
                    out.append(rate.id)
            if ind.id not in out and (ind.public or not public_only):
                out.append(ind.id)
        for ind in self.derived():
            if ind.id not in out and (ind.public or not public_only):
                out.append(ind.id)
        return out

    def valid_in(self, period) -> "Catalog":
        """The indicators whose validity overlaps ``period`` (a year, quarter or month), in catalog order."""
        return Catalog(tuple(i for i in self.indicators if i.valid_on(period)))

    def reported_in(self, period) -> "Catalog":
        """The indicators reported in the type of ``period``: base indicators whose ``period_types`` have it,
        derived ones whose numerator and denominator both are."""
        keep = {i.id for i in self.indicators if not i.derived and i.reported_in(period)}
        return Catalog(tuple(i for i in self.indicators if i.id in keep or (
            i.derived and i.numerator in keep and i.denominator in keep)))

    def predecessors(self, indicator_id: str) -> list[Indicator]:
        return [self[c] for c in self[indicator_id].continues if c in self]

    def successors(self, indicator_id: str) -> list[Indicator]:
        return [self[c] for c in self[indicator_id].replaced_by if c in self]

    def part_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """(whole, parts) for every indicator with parts, where the whole and all its parts are in this catalog."""
        return list(self._part_groups)

    @cached_property
    def _part_groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        # once per catalog: the intake asks for every row of a file (10,000 rows on a national sheet)
        return tuple((i.id, i.parts) for i in self.indicators if i.parts and all(p in self._by_id for p in i.parts))

    def numerator_denominator_pairs(self) -> list[tuple[str, str]]:
        """Pairs (numerator, denominator) where numerator ≤ denominator must hold (shares only)."""
        return [(i.numerator, i.denominator) for i in self.derived() if i.kind == "share"]


def _parse(entries: Iterable[dict]) -> Catalog:
    seen: set[str] = set()
    out: list[Indicator] = []
    for raw in entries:
        raw = dict(raw)
        iid = raw.get("id")
        if not iid or not isinstance(iid, str):
            raise CatalogError("catalog_no_id", raw=repr(raw)[:200])
        if iid in seen:
            raise CatalogError("catalog_duplicate_id", iid=iid)
        seen.add(iid)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise CatalogError("catalog_unknown_kind", iid=iid, kind=kind, known=", ".join(sorted(KINDS)))
        if raw.get("direction") not in DIRECTIONS:
            raise CatalogError("catalog_unknown_direction", iid=iid, direction=raw.get("direction"),
                               known=", ".join(sorted(DIRECTIONS)))
        if raw.get("temporal") not in TEMPORALS:
            raise CatalogError("catalog_unknown_temporal", iid=iid, temporal=raw.get("temporal"),
                               known=", ".join(sorted(TEMPORALS)))
        raw["aliases"] = tuple(str(a) for a in raw.get("aliases", ()) or ())
        raw["continues"] = tuple(str(a) for a in raw.get("continues", ()) or ())
        raw["parts"] = tuple(str(a) for a in raw.get("parts", ()) or ())
        raw.pop("replaced_by", None)
        raw["period_types"] = _period_types(iid, raw.get("period_types"))
        raw.setdefault("short_vi", raw.get("vi", iid))
        for key in ("valid_from", "valid_to"):
            raw[key] = _date(iid, key, raw.get(key))
        if raw["valid_from"] and raw["valid_to"] and raw["valid_from"] > raw["valid_to"]:
            raise CatalogError("catalog_valid_order", iid=iid, valid_from=raw["valid_from"], valid_to=raw["valid_to"])
        try:
            ind = Indicator(**raw)
        except TypeError as exc:
            raise CatalogError("catalog_bad_field", iid=iid, exc=exc) from None
        out.append(ind)
    by_id = {i.id: i for i in out}
    for k, ind in enumerate(out):
        if ind.derived:
            for ref in (ind.numerator, ind.denominator):
                if ref not in by_id or by_id[ref].derived:
                    raise CatalogError("catalog_part_not_base", iid=ind.id, ref=ref)
            if ind.kind == "rate_population" and not ind.per:
                raise CatalogError("catalog_rate_needs_per", iid=ind.id)
            # Valid only where both parts are: the intersection of the three validities.
            parts = (ind, by_id[ind.numerator], by_id[ind.denominator])
            starts = [p.valid_from for p in parts if p.valid_from]
            ends = [p.valid_to for p in parts if p.valid_to]
            out[k] = ind = replace(ind, valid_from=max(starts) if starts else None,
                                   valid_to=min(ends) if ends else None)
        for ref in ind.continues:
            if ref not in by_id or ref == ind.id:
                raise CatalogError("catalog_continues_unknown", iid=ind.id, ref=ref)
        if ind.parts_rule not in PARTS_RULES:
            raise CatalogError("catalog_bad_parts_rule", iid=ind.id, rule=ind.parts_rule, rules=", ".join(PARTS_RULES))
        for ref in ind.parts:
            if ind.derived or ref not in by_id or ref == ind.id or by_id[ref].derived or by_id[ref].parts:
                raise CatalogError("catalog_bad_part", iid=ind.id, part=ref)
    successors: dict[str, list[str]] = {}
    for ind in out:
        for ref in ind.continues:
            successors.setdefault(ref, []).append(ind.id)
    out = [replace(i, replaced_by=tuple(successors.get(i.id, ()))) if i.id in successors else i for i in out]
    return Catalog(tuple(out))


def _period_types(iid: str, value) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_PERIOD_TYPES
    kinds = [value] if isinstance(value, str) else list(value)
    if not kinds:
        raise CatalogError("catalog_bad_period_type", iid=iid, kind="[]")
    out: list[str] = []
    for k in kinds:
        try:
            k = check_kind(k)
        except PeriodError:
            raise CatalogError("catalog_bad_period_type", iid=iid, kind=k) from None
        if k not in out:
            out.append(k)
    return tuple(out)


def not_reported_in(ids, catalog: Catalog, period) -> list[Indicator]:
    """The base indicators among ``ids`` (those with a value) that are not reported in the type of ``period``,
    in catalog order; unknown ids and derived indicators are left to the other checks."""
    p = period if hasattr(period, "kind") else parse_period(period)
    ids = set(ids)
    return [i for i in catalog if i.id in ids and not i.derived and not i.reported_in(p)]


def period_type_params(bad: list[Indicator], period, lang: str = "vi") -> dict:
    """The parameters of the refusal messages (``store_period_type``, ``ingest_period_type``…): the period as
    written and as read, its type, and each indicator with the types it is reported in."""
    p = period if hasattr(period, "kind") else parse_period(period)
    return {"period": str(p), "label": p.label(lang), "kind": kind_label(p.kind, lang),
            "indicators": "; ".join(f"'{i.name(lang)}' ({i.id}): {i.period_types_text(lang)}" for i in bad),
            "example": _example(bad[0], p) if bad else ""}


def _example(ind: Indicator, p) -> str:
    """A period of a type the indicator uses, near ``p`` (the same last year): what to choose instead."""
    kind = ind.period_types[0]
    if kind.startswith("dg"):
        return f"{p.end.year}-DG{kind[2:]}"
    return {"year": str(p.end.year), "half": f"{p.end.year}-H{1 if p.end.month <= 6 else 2}",
            "quarter": f"{p.end.year}-Q{(p.end.month - 1) // 3 + 1}", "month": f"{p.end.year}-{p.end.month:02d}"}[kind]


def build_catalog(entries: Iterable[Mapping]) -> Catalog:
    """A catalog from raw entries (the keys of data/catalog.toml); raises CatalogError when malformed."""
    return _parse(entries)


def _date(iid: str, key: str, value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CatalogError("catalog_bad_date", iid=iid, key=key, value=value) from None


def load_catalog(path: Path | str | None = None) -> Catalog:
    """The catalog: a given file alone, else the seed merged with the installed definitions source."""
    if path is not None:
        with open(path, "rb") as fh:
            return _parse(tomllib.load(fh).get("indicator", []))
    source = _SOURCE["fn"]
    stored = tuple(source()) if source is not None else ()
    if not stored:
        return _default_catalog()
    return _merged_catalog(stored)


# The definitions source (see the module docstring): a callable returning a sequence of JSON texts, one
# indicator definition each (the keys of data/catalog.toml; dates as YYYY-MM-DD).
_SOURCE: dict[str, Callable[[], Iterable[str]] | None] = {"fn": None}


def set_definitions_source(fn: Callable[[], Iterable[str]] | None) -> None:
    """Install (or remove, with None) the callable that gives the stored definitions to :func:`load_catalog`."""
    _SOURCE["fn"] = fn


def definitions_source() -> Callable[[], Iterable[str]] | None:
    return _SOURCE["fn"]


def seed_entries() -> list[dict]:
    """The raw entries of data/catalog.toml (copies: callers may change them)."""
    return [dict(e) for e in _seed_entries()]


@lru_cache(maxsize=1)
def _seed_entries() -> tuple[dict, ...]:
    with open(CATALOG_PATH, "rb") as fh:
        return tuple(tomllib.load(fh).get("indicator", []))


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return _parse(seed_entries())


def merge_entries(stored: Iterable[Mapping]) -> list[dict]:
    """Seed entries with stored definitions applied: a stored id that is in the seed replaces that entry in
    place, a new id is appended; every stored entry is marked ``origin = "store"``."""
    entries = seed_entries()
    position = {e.get("id"): k for k, e in enumerate(entries)}
    for raw in stored:
        raw = {**dict(raw), "origin": "store"}
        if raw.get("id") in position:
            entries[position[raw["id"]]] = raw
        else:
            position[raw.get("id")] = len(entries)
            entries.append(raw)
    return entries


@lru_cache(maxsize=8)
def _merged_catalog(stored: tuple[str, ...]) -> Catalog:
    return _parse(merge_entries(json.loads(text) for text in stored))


def parts_problems(values: Mapping[str, float | None], catalog: Catalog) -> list[dict]:
    """The wholes whose parts (grades) disagree with them in one unit's values.

    Each problem is ``{"whole": id, "total": value, "parts": {id: value} (the parts given), "sum": their sum,
    "complete": every part given}``: when every part is given their sum must equal the whole (``parts_rule``
    "equal"); when only some are, or the rule is "at_most", their sum must not exceed it (the missing grades are
    not guessed). A missing whole is not checked."""
    out = []
    for whole, parts in catalog._part_groups:
        total = values.get(whole)
        if total is None or _isnan(total):
            continue
        given = {p: values[p] for p in parts if values.get(p) is not None and not _isnan(values[p])}
        if not given:
            continue
        s = sum(given.values())
        complete = len(given) == len(parts)
        exact = complete and catalog[whole].parts_rule == "equal"
        if (exact and abs(s - total) > 1e-9) or s > total + 1e-9:
            out.append({"whole": whole, "total": total, "parts": given, "sum": s, "complete": complete})
    return out
