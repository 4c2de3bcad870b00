"""A view in a link: what a URL's query string (``?boundaries=…&period=…&indicator=…``) may carry, parsed and
checked against what exists — plain Python, no streamlit (the pages read ``st.query_params`` and apply it).

``parse_view(params, choices)`` returns the ``ViewState`` a link asks for and the ``Problem`` found in it. A
parameter the link does not name stays None (the page keeps its default); a value that is malformed, unknown
here or not allowed to this reader is dropped with a Problem naming the parameter, so the page shows its default
and a notice — never an error. ``to_params(state)`` is the canonical form the pages write back into the URL;
``parse_view(to_params(s), c).state == s`` for every valid state.

The parameter names are a public contract (links are shared and bookmarked): they follow the command line's
option names where one exists (``--boundaries``, ``--period``, ``--indicator``, ``--unit``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

# In the order they are written into a URL.
PARAMS = ("boundaries", "period", "province", "district", "indicator", "method", "k", "scheme", "breaks", "unit",
          "slide", "lang")
AREA_PARAMS = ("province", "district")  # widest first
MAX_VALUE_LEN = 200  # longer values are refused unread (no boundary name, code or id is this long)
MAX_BREAKS = 12
_INT = re.compile(r"^[0-9]{1,3}$")
_NUMBER = re.compile(r"^[+-]?[0-9]{1,15}(?:[.,][0-9]{1,15})?$")


@dataclass(frozen=True)
class ViewState:
    """A view; None (or ``()`` for the area) means "not named: the page's default"."""
    boundaries: str | None = None
    period: str | None = None
    area: tuple[str, ...] = ()  # (province,) or (province, district)
    indicator: str | None = None
    method: str | None = None
    k: int | None = None
    scheme: str | None = None
    breaks: tuple[float, ...] | None = None  # upper bounds of the classes when method == "manual"
    unit: str | None = None
    slide: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Problem:
    """One parameter of a link that was not used. ``reason``: ``invalid`` (malformed: too long, control
    characters, not a number), ``unknown`` (well-formed but not here: no such set, period, unit…) or
    ``internal`` (an internal indicator, for signed-in editors only)."""
    param: str
    reason: str


@dataclass(frozen=True)
class Choices:
    """What a link may choose from, for this reader. Callables are asked only for the set the link ends up on.

    ``current_set``: the set used when the link names none (or a wrong one). ``units(set)``: unit code →
    names of its parent areas, widest first (province, district). ``area_levels(set)``: how many of those
    levels a link may choose (0: the set has no area picker). ``indicators``: the ids a link may open, or
    ``indicators(set, period)`` when they depend on the period (indicators follow the law over time; period
    None: the link names none, the page's own). ``internal``: indicator ids shown only to signed-in editors;
    ``allow_internal``: whether this reader is one.
    """
    sets: Sequence[str]
    current_set: str
    periods: Callable[[str], Sequence[str]]
    units: Callable[[str], Mapping[str, Sequence[str]]]
    area_levels: Callable[[str], int]
    indicators: Sequence[str] | Callable[[str, str | None], Sequence[str]]
    internal: Collection[str] = ()
    allow_internal: bool = False
    methods: Sequence[str] = ()
    k_range: tuple[int, int] = (3, 7)
    schemes: Sequence[str] = ()
    slides: Sequence[str] = ()
    langs: Sequence[str] = ("vi", "en")


@dataclass(frozen=True)
class ParsedView:
    state: ViewState
    problems: list[Problem] = field(default_factory=list)
    withheld: str | None = None  # an internal indicator the link asked for, refused to this reader

    @property
    def problem_params(self) -> list[str]:
        return [p.param for p in self.problems]


class _Bad(ValueError):
    pass


def _text(raw) -> str | None:
    """One value: the last when a parameter is repeated; NFC; stripped. None when empty; _Bad when it cannot
    be a name, code or id at all."""
    if isinstance(raw, (list, tuple)):
        if not raw:
            return None
        raw = raw[-1]
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _Bad("not text")
    if len(raw) > MAX_VALUE_LEN * 4:
        raise _Bad("too long")
    value = unicodedata.normalize("NFC", raw).strip()
    if not value:
        return None
    if len(value) > MAX_VALUE_LEN:
        raise _Bad("too long")
    if any(unicodedata.category(ch)[0] == "C" for ch in value):  # control, format, surrogate, private, unassigned
        raise _Bad("control character")
    return value


def _pick(value: str, options) -> str | None:
    """The option equal to ``value``, else the one equal ignoring case; None when there is none."""
    options = list(options)
    if value in options:
        return value
    folded = value.casefold()
    hits = [o for o in options if isinstance(o, str) and o.casefold() == folded]
    return hits[0] if len(hits) == 1 else None


def parse_breaks(text: str, max_count: int = MAX_BREAKS) -> tuple[float, ...]:
    """``"10;20;50"`` (decimal point or comma) → (10.0, 20.0, 50.0): finite, strictly increasing, at most
    ``max_count`` numbers; _Bad otherwise."""
    parts = [p.strip() for p in text.split(";")]
    if not parts or len(parts) > max_count or any(not _NUMBER.match(p) for p in parts):
        raise _Bad("not numbers")
    values = tuple(float(p.replace(",", ".")) for p in parts)
    if any(not math.isfinite(v) for v in values) or any(b <= a for a, b in zip(values, values[1:])):
        raise _Bad("not increasing")
    return values


def format_breaks(values: Sequence[float]) -> str:
    """(0.5, 10.0) → ``"0.5;10"``: no exponent, so parse_breaks reads it back."""
    return ";".join((f"{float(v):.15f}".rstrip("0").rstrip(".") or "0") for v in values)


def _parse_area(values: dict, choices: Choices, set_id: str, problems: list) -> tuple[tuple[str, ...], dict | None]:
    """The area a link names (province, then district within it) on ``set_id``, and the set's units when they
    were needed to check it."""
    area: tuple[str, ...] = ()
    if not any(values[n] is not None for n in AREA_PARAMS):
        return area, None
    levels = choices.area_levels(set_id)
    units = choices.units(set_id)
    for depth, name in enumerate(AREA_PARAMS):
        raw = values[name]
        if raw is None:
            continue
        if depth >= levels or len(area) < depth:  # no such level here, or a district without its province
            problems.append(Problem(name, "unknown"))
            continue
        options = sorted({tuple(p)[depth] for p in units.values() if len(p) > depth and tuple(p)[:depth] == area})
        hit = _pick(raw, options)
        if hit is None:
            problems.append(Problem(name, "unknown"))
            continue
        area = (*area, hit)
    return area, units


def _parse_classes(values: dict, method: str | None, k_range: tuple[int, int], problems: list):
    """(method, k, breaks) of a link: k within ``k_range``; manual classes need usable bounds, else the page's
    default method. Bounds without method=manual are ignored: they would not be used."""
    k = None
    if values["k"] is not None:
        lo, hi = k_range
        if not _INT.match(values["k"]):
            problems.append(Problem("k", "invalid"))
        elif not lo <= int(values["k"]) <= hi:
            problems.append(Problem("k", "unknown"))
        else:
            k = int(values["k"])
    breaks = None
    if method == "manual":
        try:
            if values["breaks"] is None:
                raise _Bad("missing")
            breaks = parse_breaks(values["breaks"])
        except _Bad:
            problems.append(Problem("breaks", "invalid"))
            method = None
    return method, k, breaks


def parse_view(params: Mapping[str, object], choices: Choices) -> ParsedView:
    """The view a link asks for (see the module docstring). ``params``: name → value, or a list of values
    (the last counts, as in Streamlit's ``st.query_params``). Unknown parameter names are ignored."""
    problems: list[Problem] = []
    values: dict[str, str | None] = {}
    for name in PARAMS:
        try:
            values[name] = _text(params.get(name))
        except _Bad:
            values[name] = None
            problems.append(Problem(name, "invalid"))

    def choose(name: str, options) -> str | None:
        raw = values[name]
        if raw is None:
            return None
        hit = _pick(raw, options)
        if hit is None:
            problems.append(Problem(name, "unknown"))
        return hit

    boundaries = choose("boundaries", choices.sets)
    set_id = boundaries or choices.current_set
    period = choose("period", choices.periods(set_id)) if values["period"] is not None else None

    area, units = _parse_area(values, choices, set_id, problems)

    withheld = None
    options = choices.indicators(set_id, period) if callable(choices.indicators) else choices.indicators
    indicator = choose("indicator", options)
    if indicator is not None and indicator in choices.internal and not choices.allow_internal:
        problems.append(Problem("indicator", "internal"))
        withheld, indicator = indicator, None

    method, k, breaks = _parse_classes(values, choose("method", choices.methods), choices.k_range, problems)
    scheme = choose("scheme", choices.schemes)

    unit = None
    if values["unit"] is not None:
        units = units if units is not None else choices.units(set_id)
        hit = values["unit"] if values["unit"] in units else None
        if hit is None or tuple(units[hit])[:len(area)] != area:  # not in the set, or outside the chosen area
            problems.append(Problem("unit", "unknown"))
        else:
            unit = hit

    state = ViewState(boundaries=boundaries, period=period, area=area, indicator=indicator, method=method, k=k,
                      scheme=scheme, breaks=breaks, unit=unit, slide=choose("slide", choices.slides),
                      lang=choose("lang", choices.langs))
    order = {n: i for i, n in enumerate(PARAMS)}
    problems.sort(key=lambda p: order[p.param])
    return ParsedView(state, problems, withheld)


def to_params(state: ViewState) -> dict[str, str]:
    """The canonical query parameters of a view, in PARAMS order; fields that are None are left out."""
    out: dict[str, str] = {}
    for name in PARAMS:
        if name in AREA_PARAMS:
            depth = AREA_PARAMS.index(name)
            if len(state.area) > depth:
                out[name] = state.area[depth]
            continue
        value = getattr(state, name)
        if value is None:
            continue
        if name == "breaks":
            if state.method != "manual":
                continue
            value = format_breaks(value)
        out[name] = str(value)
    return out
