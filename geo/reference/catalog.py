"""Indicator definitions, read from ``data/catalog.toml``.

The ids are a public contract (template, CLI, store). Derived indicators (shares, ratios, rates) are computed
here from *summed* numerators and denominators, never by averaging percentages.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from geo import DATA_DIR

CATALOG_PATH = DATA_DIR / "catalog.toml"

BASE_KINDS = {"count", "amount", "flag"}
DERIVED_KINDS = {"share", "ratio", "rate_population"}
KINDS = BASE_KINDS | DERIVED_KINDS
DIRECTIONS = {"up", "down", "neutral"}
TEMPORALS = {"stock", "flow"}


class CatalogError(ValueError):
    """The catalog file is malformed."""


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
    aliases: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    per: int | None = None

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
            raise CatalogError(f"{self.id} is not a derived indicator")
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
            raise CatalogError(f"indicator without id: {raw!r}")
        if iid in seen:
            raise CatalogError(f"duplicate indicator id: {iid}")
        seen.add(iid)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise CatalogError(f"{iid}: unknown kind {kind!r}")
        if raw.get("direction") not in DIRECTIONS:
            raise CatalogError(f"{iid}: unknown direction {raw.get('direction')!r}")
        if raw.get("temporal") not in TEMPORALS:
            raise CatalogError(f"{iid}: unknown temporal {raw.get('temporal')!r}")
        raw["aliases"] = tuple(raw.get("aliases", ()))
        raw.setdefault("short_vi", raw.get("vi", iid))
        try:
            ind = Indicator(**raw)
        except TypeError as exc:
            raise CatalogError(f"{iid}: {exc}") from None
        out.append(ind)
    by_id = {i.id: i for i in out}
    for ind in out:
        if ind.derived:
            for ref in (ind.numerator, ind.denominator):
                if ref not in by_id or by_id[ref].derived:
                    raise CatalogError(f"{ind.id}: numerator/denominator {ref!r} is not a base indicator")
            if ind.kind == "rate_population" and not ind.per:
                raise CatalogError(f"{ind.id}: rate_population needs 'per'")
    return Catalog(tuple(out))


def load_catalog(path: Path | str | None = None) -> Catalog:
    if path is None:
        return _default_catalog()
    with open(path, "rb") as fh:
        return _parse(tomllib.load(fh).get("indicator", []))


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    with open(CATALOG_PATH, "rb") as fh:
        return _parse(tomllib.load(fh).get("indicator", []))


def compute_derived(values: Mapping[str, float | None], catalog: Catalog | None = None) -> dict[str, float | None]:
    """All indicator values for one unit (or one sum of units): base values copied, derived computed."""
    catalog = catalog or load_catalog()
    out: dict[str, float | None] = {}
    for ind in catalog:
        if ind.derived:
            out[ind.id] = ind.compute(values.get(ind.numerator), values.get(ind.denominator))
        else:
            v = values.get(ind.id)
            out[ind.id] = None if v is None or _isnan(v) else v
    return out
