"""Units matched within their parents: the province and district written beside a name in the file, and the
area chosen in the sidebar (or ``--area`` on the command line), narrow which units a name may be.

A unit's parents come from its boundary set (``UnitIndex.parents``: district then province, as the registry
orders them). A name is ambiguous only if it is ambiguous within its parents.
"""

from __future__ import annotations

from functools import lru_cache

from geo.text.legacy import detect_and_decode
from geo.text.names import name_keys
from geo.units.index import UnitIndex

LEVELS = ("province", "district")


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
    """The hits inside the chosen area and the parents written on the row."""
    if allowed is not None:
        hits = {h for h in hits if h in allowed}
    for level in LEVELS:
        text = written.get(level)
        if text:
            hits = {h for h in hits if within(units, h, level, text)}
    return hits


def area_codes(units: UnitIndex, area: tuple) -> set[str] | None:
    """Codes inside an area ((parent column, value), ...) as pages/common.current_area gives it; None = all."""
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
    Raises ValueError naming the part that is not a province/district of the set."""
    parts = [p.strip() for p in (text or "").split("/") if p.strip()]
    if not parts:
        return ()
    depth = max((len(v) for v in units.parents.values()), default=0)
    if depth == 0 or len(parts) > depth:
        raise ValueError(text)
    area = []
    for j, part in enumerate(parts):
        i = depth - 1 - j  # the province is the last parent column
        values = {p[i] for p in units.parents.values() if len(p) > i}
        hit = [v for v in values if _keys(v) & _keys(part)]
        if len(hit) != 1:
            raise ValueError(part)
        area.append((f"parent_{i}", hit[0]))
    return tuple(area)


def describe(area: tuple) -> str:
    return " › ".join(str(v) for _c, v in area)
