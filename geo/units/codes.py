"""Official GSO commune codes for boundary files that carry their own ids (the pre-2025 national set).

Units are matched by province, district and commune names against the official legacy list shipped by the
``vietnamadminunits`` package (63 provinces, GSO codes), using the product's own name matching
(:class:`geo.units.index.UnitIndex`, the rule of the map's join and the intake). A unit that does not match exactly
one official commune keeps its own id and is listed in the report — never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from geo.text.names import clean_text, name_key
from geo.units.index import UnitIndex, make_unit_index

SCHEME_LEGACY = "gso-legacy"


@dataclass
class CodeReport:
    matched: int = 0
    by_district: int = 0  # matched within (province, district)
    by_province: int = 0  # district name differed; unique commune name within the province
    unmatched: list[tuple[str, str, str, str]] = field(default_factory=list)  # (own id, name, district, province)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (own id, official code already taken)

    @property
    def total(self) -> int:
        return self.matched + len(self.unmatched) + len(self.duplicates)

    def summary(self) -> dict:
        return {"matched": self.matched, "by_district": self.by_district, "by_province": self.by_province,
                "unmatched": len(self.unmatched), "duplicates": len(self.duplicates), "total": self.total}


@lru_cache(maxsize=1)
def _legacy_index():
    """Official communes indexed for name matching, per (province, district) and per province."""
    from vietnamadminunits.database import query

    rows = query("SELECT DISTINCT province, district, ward, wardCode FROM admin_units_legacy")
    by_district: dict[tuple[str, str], list[tuple[str, str]]] = {}
    by_province: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        if not r["wardCode"]:
            continue
        p, d = name_key(r["province"]), name_key(r["district"])
        by_district.setdefault((p, d), []).append((r["wardCode"], r["ward"]))
        by_province.setdefault(p, []).append((r["wardCode"], r["ward"]))
    return ({k: make_unit_index("", 5, v) for k, v in by_district.items()},
            {k: make_unit_index("", 5, v) for k, v in by_province.items()})


def _lookup(index: UnitIndex | None, name: str) -> str | None:
    """The one official code whose name matches (the product's rule, geo.units.index.UnitIndex), else None."""
    if index is None:
        return None
    hits = index.match_name(clean_text(name))
    return next(iter(hits)) if len(hits) == 1 else None


def assign_official_codes(own_ids, names, districts, provinces, scheme: str = SCHEME_LEGACY):
    """(codes, report): the official 5-digit code for each unit where one is found, else its own id."""
    if scheme != SCHEME_LEGACY:
        raise ValueError(f"unknown code scheme {scheme!r}")
    by_district, by_province = _legacy_index()
    units = list(zip(own_ids, names, districts, provinces))
    report = CodeReport()
    codes: list[str | None] = [None] * len(units)
    taken: dict[str, int] = {}
    # pass 1: within the same province and district; pass 2: a commune name unique in the province, for
    # units whose district was renamed or split (only codes nobody claimed in pass 1)
    for pass_no in (1, 2):
        for i, (own, name, dist, prov) in enumerate(units):
            if codes[i] is not None:
                continue
            p = name_key(prov)
            index = by_district.get((p, name_key(dist))) if pass_no == 1 else by_province.get(p)
            code = _lookup(index, name)
            if code is None:
                continue
            if code in taken:
                if pass_no == 2:
                    report.duplicates.append((str(own), code))
                    codes[i] = str(own)
                continue
            taken[code] = i
            codes[i] = code
            report.matched += 1
            if pass_no == 1:
                report.by_district += 1
            else:
                report.by_province += 1
    for i, (own, name, dist, prov) in enumerate(units):
        if codes[i] is None:
            report.unmatched.append((str(own), str(name), str(dist), str(prov)))
            codes[i] = str(own)
    return codes, report


def official_code(name: str, district: str, province: str, scheme: str = SCHEME_LEGACY) -> str | None:
    """The official code of a commune written with its district and province in the official list, or None
    (unknown, or the name is not unique in that district)."""
    if scheme != SCHEME_LEGACY:
        raise ValueError(f"unknown code scheme {scheme!r}")
    by_district, _by_province = _legacy_index()
    return _lookup(by_district.get((name_key(province), name_key(district))), name)
