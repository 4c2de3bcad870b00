"""Units matched within their parents: the province and district written beside a name in the file, and the
area chosen in the sidebar (or ``--area`` on the command line), narrow which units a name may be.

A unit's parents come from its boundary set (``UnitIndex.parents``: district then province, as the registry
orders them). A name is ambiguous only if it is ambiguous within its parents.
"""

from __future__ import annotations

from functools import lru_cache

from geo.text.errors import AnttError
from geo.text.legacy import detect_and_decode
from geo.text.names import name_keys
from geo.units.index import UnitIndex

LEVELS = ("province", "district")


class AreaUnknown(AnttError, ValueError):
    """An area (``--area``) naming no province/district of the set: ``ingest_area_unknown`` with the part."""


@lru_cache(maxsize=4096)
def _keys(text: str) -> frozenset[str]:
    dec, _enc = detect_and_decode(text)
    keys = set(name_keys(text)) | set(name_keys(dec))
    return frozenset(k for k in keys if k)


def parent_of(units: UnitIndex, code: str, level: str) -> str | None:
    """A unit's province or district name (None when the set does not say)."""
    above = units.parents.get(code, ())
    if level == "province":
        return above[-1] if above else None
    return above[0] if len(above) >= 2 else None


def within(units: UnitIndex, code: str, level: str, written: str) -> bool:
    """Whether a unit lies in the province/district written (True when the set does not know its parents)."""
    official = parent_of(units, code, level)
    if official is None or not written:
        return True
    return bool(_keys(official) & _keys(written))


def narrow(units: UnitIndex, hits: set[str], written: dict[str, str], allowed: set[str] | None) -> set[str]:
    """The hits inside the chosen area and the parents written on the row. A district the set does not have in
    that province (merged or renamed between the file's list and the set's) is not used when the name is then
    unique in the province (a warning says so: ``district_ignored``); a district the set has is always used."""
    if allowed is not None:
        hits = {h for h in hits if h in allowed}
    text = written.get("province")
    if text:
        hits = {h for h in hits if within(units, h, "province", text)}
    text = written.get("district")
    if text:
        inside = {h for h in hits if within(units, h, "district", text)}
        if inside or len(hits) != 1 or _district_exists(units, next(iter(hits)), text):
            hits = inside
    return hits


def _district_exists(units: UnitIndex, code: str, text: str) -> bool:
    """Whether the unit's province has, in the set, a district of the name written."""
    province = parent_of(units, code, "province")
    return bool(_keys(text) & _districts(units, province))


def _districts(units: UnitIndex, province: str | None) -> frozenset[str]:
    cache = units.__dict__.setdefault("_district_keys", {})
    if province not in cache:
        keys: set[str] = set()
        for above in units.parents.values():
            if len(above) >= 2 and above[-1] == province:
                keys |= _keys(above[0])
        cache[province] = frozenset(keys)
    return cache[province]


def by_official_list(units: UnitIndex, name: str, written: dict[str, str], allowed: set[str] | None) -> str | None:
    """A unit found through the official list (vietnamadminunits, legacy): the code the list gives the name in
    the district and province written, when the set has that code (a district reorganized since the set's
    vintage keeps its communes' codes). None otherwise."""
    if not (written.get("district") and written.get("province")):
        return None
    from geo.units.codes import official_code

    code = official_code(name, written["district"], written["province"])
    if code is None or code not in units.names or (allowed is not None and code not in allowed):
        return None
    return code if _keys(units.names[code]) & _keys(name) else None


def district_ignored(units: UnitIndex, code: str, written: dict[str, str]) -> str | None:
    """The set's district for a unit matched although the row names another district (for a warning)."""
    text = written.get("district")
    if text and not within(units, code, "district", text):
        return parent_of(units, code, "district")
    return None


def area_codes(units: UnitIndex, area: tuple) -> set[str] | None:
    """Codes inside an area ((parent column, value), ...) as pages.shared.state.current_area gives it; None = all."""
    if not area:
        return None
    out = set(units.names)
    for col, value in area:
        i = int(str(col).rsplit("_", 1)[-1])
        want = _keys(str(value))
        out = {c for c in out if len(units.parents.get(c, ())) > i and _keys(units.parents[c][i]) & want}
    return out


def parse_area(units: UnitIndex, text: str) -> tuple:
    """'Điện Biên' or 'Điện Biên/Điện Biên Đông' (province, then district) → an area tuple; () for ''.
    Raises :class:`AreaUnknown` (a ValueError) naming the part that is not a province/district of the set."""
    parts = [p.strip() for p in (text or "").split("/") if p.strip()]
    if not parts:
        return ()
    depth = max((len(v) for v in units.parents.values()), default=0)
    if depth == 0 or len(parts) > depth:
        raise AreaUnknown("ingest_area_unknown", value=text, set=units.set_id)
    area = []
    for j, part in enumerate(parts):
        i = depth - 1 - j  # the province is the last parent column
        values = {p[i] for p in units.parents.values() if len(p) > i}
        hit = [v for v in values if _keys(v) & _keys(part)]
        if len(hit) != 1:
            raise AreaUnknown("ingest_area_unknown", value=part, set=units.set_id)
        area.append((f"parent_{i}", hit[0]))
    return tuple(area)


def describe(area: tuple) -> str:
    return " › ".join(str(v) for _c, v in area)
