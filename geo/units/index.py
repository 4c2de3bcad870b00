"""The unit index every match uses (the intake, official code assignment and the join): official codes first,
then normalized names within the set; a name that fits more than one unit is ambiguous, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.text.names import clean_text, name_keys, normalize_code


@dataclass
class UnitIndex:
    set_id: str
    code_width: int
    names: dict[str, str]  # code → official name
    by_key: dict[str, set[str]]  # name key → codes
    exact: dict[str, set[str]] = field(default_factory=dict)  # official name as written → codes (fast path)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code → parent names, registry order

    def match_code(self, raw) -> str | None:
        code = normalize_code(raw, self.code_width)
        return code if code in self.names else None

    def match_name(self, text: str) -> set[str]:
        if text in self.exact:
            return self.exact[text]
        hits: set[str] = set()
        for k in name_keys(text):
            hits |= self.by_key.get(k, set())
        return hits


def make_unit_index(set_id: str, width: int, pairs, parents=None) -> UnitIndex:
    """Codes and names of a set, indexed for matching (first code wins; names by every key of name_keys).
    ``parents``, when given, runs beside ``pairs``: each unit's parent names (district, province) as the
    registry orders them."""
    names: dict[str, str] = {}
    by_key: dict[str, set[str]] = {}
    exact: dict[str, set[str]] = {}
    up: dict[str, tuple[str, ...]] = {}
    parent_iter = iter(parents) if parents is not None else None
    for code, name in pairs:
        above = tuple(next(parent_iter)) if parent_iter is not None else ()
        code = normalize_code(code, width)
        if code is None or code in names:
            continue
        name = clean_text(name)
        names[code] = name
        if above:
            up[code] = above
        exact.setdefault(name, set()).add(code)
        for k in name_keys(name):
            by_key.setdefault(k, set()).add(code)
    # A name whose keys also belong to another unit is not an exact hit (homonyms stay ambiguous).
    for name, codes in list(exact.items()):
        keyed = set().union(*(by_key.get(k, set()) for k in name_keys(name)))
        if keyed != codes:
            del exact[name]
    return UnitIndex(set_id, width, names, by_key, exact, up)


@dataclass
class JoinReport:
    matched: list[tuple[str, str, str]] = field(default_factory=list)  # (data code/name, set code, how)
    data_only: list[tuple[str, str]] = field(default_factory=list)  # (data code, data name)
    set_only: list[tuple[str, str]] = field(default_factory=list)  # (set code, set name)
    ambiguous: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.data_only and not self.set_only and not self.ambiguous


def match_units(data_units: list[tuple[object, object]], set_units: list[tuple[str, str]],
                code_width: int = 5) -> tuple[dict[int, str], JoinReport]:
    """Match (code, name) pairs of the data to (code, name) pairs of the set.

    Returns ({index in data_units: set code}, report). A name matches the units whose keys
    (:func:`geo.text.names.name_keys`) meet any of its keys; more than one such unit is ambiguous, never guessed.
    """
    # The name keys are built only when some unit is not matched by its code: a national join (every code
    # official) spent a second of a restarted server's first map folding 11,000 names it never looked up.
    index = None
    codes = {c for c in (normalize_code(c, code_width) for c, _n in set_units) if c is not None}
    report = JoinReport()
    result: dict[int, str] = {}
    used: set[str] = set()
    for i, (code, name) in enumerate(data_units):
        c = normalize_code(code, code_width) if code not in (None, "") else None
        c = c if c in codes else None
        if c is not None:
            result[i] = c
            used.add(c)
            report.matched.append((c, c, "code"))
            continue
        if name and index is None:
            index = make_unit_index("", code_width, set_units)
        hits = index.match_name(clean_text(name or "")) if name else set()
        if len(hits) == 1:
            (hit,) = hits
            result[i] = hit
            used.add(hit)
            report.matched.append((str(name), hit, "name"))
        elif len(hits) > 1:
            report.ambiguous.append((str(name), sorted(hits)))
        else:
            c = normalize_code(code, code_width) if code not in (None, "") else None
            report.data_only.append((c or str(code or ""), str(name or "")))
    report.set_only = [(c, n) for c, n in set_units if c not in used]
    return result, report
