"""Numbers that look wrong, caught before leaders see them: the one place both the spreadsheet intake and the
one-commune entry form call (:func:`check_values`).

Given rows (unit → indicator → value), their period and the units' earlier periods (:class:`History`, read from
the store by :meth:`geo.store.reads.StoreReads.value_history`), it returns :class:`Flag` objects:

- **rules** (data/rules.toml, :mod:`geo.reference.rules`): a rule of severity ``error`` refuses the value, a
  ``warning`` flags it; the message names both cells;
- **outlier_history**: the modified z-score 0.6745·(x − median)/MAD of the value against the unit's own earlier
  values of that indicator, when it has at least ``ANTT_QUALITY_MIN_HISTORY`` (3) of them; flagged above
  ``ANTT_QUALITY_MODZ`` (3.5, Iglewicz & Hoaglin 1993). When the MAD is 0 the mean absolute deviation ×1.2533 is
  the scale (as IBM SPSS does); when that is 0 too (a constant history) any change counts as far;
- **jump** (1 or 2 earlier values): ×``ANTT_QUALITY_JUMP_FACTOR`` (5) or ÷5 against the last period;
- **peer**: the log of the rate per village (teams, villages, agencies, models) or per 1,000 people (the rest)
  against the other communes of the same province, modified z-score above ``ANTT_QUALITY_PEER_Z`` (5), only
  with at least ``ANTT_QUALITY_PEER_MIN`` (10) peers, only above (a digit too many: a commune that suddenly
  leads its province; a value too low is left to the history checks), grades left out: extreme cases only;
- every outlier also needs a difference from what was expected of at least ``ANTT_QUALITY_MIN_DIFF`` (10), so
  that 1 → 5 is not flagged; the modified z-score also needs that difference from the last period (a level
  already reported last time, and accepted then, is no news);
- **same_file**: when more than ``ANTT_QUALITY_SAME_FILE_SHARE`` (half) of the units compared give exactly an
  earlier period's values (every value, at least two non-zero flows), one flag for the whole file.

A flag does not refuse a file; it needs a person's word (the upload page's checkbox, ``--accept-flags``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from geo.config import setting
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.rules import Rule, load_rules
from geo.text.i18n import t

METHODS = ("outlier_history", "jump", "peer", "same_file")
PER_VILLAGE_GROUPS = {"teams", "commitment", "recognition", "models"}
RATE_BASES = ("villages_total", "population")


@dataclass
class Flag:
    unit_code: str | None  # None: the whole file (same_file)
    indicator: str | None
    value: Any
    rule: str  # a rule id of data/rules.toml, or one of METHODS
    expected: str
    message: str
    severity: str = "warning"
    row: int | None = None
    column: str | None = None
    key: str | None = field(default=None, repr=False)
    params: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        value = self.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return {"row": self.row, "column": self.column, "unit_code": self.unit_code, "indicator": self.indicator,
                "value": value, "rule": self.rule, "expected": self.expected, "message": self.message}


@dataclass
class History:
    """Earlier periods of the units, oldest first: ``tables[period]`` is a frame (index unit code, columns
    indicator ids, NaN = missing): ``History(*store.value_history(set_id, period))``."""

    periods: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def stack(self, codes: list[str], cols: list[str]) -> np.ndarray:
        if not self.periods:
            return np.empty((0, len(codes), len(cols)))
        return np.stack([self.tables[p].reindex(index=codes, columns=cols).to_numpy(dtype=float)
                         for p in self.periods])


@dataclass(frozen=True)
class Thresholds:
    modz: float
    min_history: int
    jump: float
    min_diff: float
    peer_z: float
    peer_min: int
    same_share: float

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(float(setting("ANTT_QUALITY_MODZ")), int(setting("ANTT_QUALITY_MIN_HISTORY")),
                   float(setting("ANTT_QUALITY_JUMP_FACTOR")), float(setting("ANTT_QUALITY_MIN_DIFF")),
                   float(setting("ANTT_QUALITY_PEER_Z")), int(setting("ANTT_QUALITY_PEER_MIN")),
                   float(setting("ANTT_QUALITY_SAME_FILE_SHARE")))


def _num(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:.1f}".replace(".", ",")


def _num2(v: float, lang: str) -> str:
    text = f"{v:.2f}"
    return text if lang == "en" else text.replace(".", ",")


class _Ctx:
    def __init__(self, rows, catalog, lang, cells):
        self.catalog, self.lang = catalog, lang
        cells = cells or {}
        self.row_of: Mapping[str, int] = cells.get("rows", {})
        self.col_of: Mapping[str, str] = cells.get("columns", {})
        self.sheet = cells.get("sheet")
        self.at: Mapping[tuple, tuple] = cells.get("at") or {}  # (unit, indicator) → (sheet, row, letter)
        self.names = {r["unit_code"]: r.get("unit_name") or r["unit_code"] for r in rows}
        self.flags: list[Flag] = []

    def cell(self, code: str, iid: str) -> str:
        if (code, iid) in self.at:  # values read from several sheets: the sheet is part of the cell
            sheet, row, col = self.at[(code, iid)]
            return f"'{sheet}'!{col}{row}"
        col, row = self.col_of.get(iid), self.row_of.get(code)
        return f"{col}{row}" if col and row else self.catalog[iid].short(self.lang)

    def add(self, code, iid, cell_value, rule, expect, key, severity="warning", **params) -> None:
        row = self.row_of.get(code) if code else None
        col = self.col_of.get(iid) if iid else None
        sheet = self.sheet
        if (code, iid) in self.at:
            sheet, row, col = self.at[(code, iid)]
        body = t(key, self.lang, **params) if key else params.pop("_text")
        where = ""
        if sheet is not None and row is not None:
            where = t("ingest_at_cell", self.lang, sheet=sheet, row=row, column=col) if col else \
                t("ingest_at_row", self.lang, sheet=sheet, row=row)
        self.flags.append(Flag(code, iid, cell_value, rule, expect, where + body, severity, row, col, key, params))


def check_values(rows: list[Mapping], period: str | None, history: History | None = None, *,
                 catalog: Catalog | None = None, rules: list[Rule] | None = None,
                 provinces: Mapping[str, str] | None = None, cells: Mapping | None = None, lang: str = "vi",
                 thresholds: Thresholds | None = None) -> list[Flag]:
    """Flags for ``rows`` ([{unit_code, unit_name, values: {indicator: value}}]) of ``period``.

    ``history``: the units' earlier periods (None or empty: rules and peers only). ``provinces``: unit code →
    province (peers are compared within one; None: all rows are one group). ``cells``: where the values sit in a
    file ({"sheet", "rows": {code: excel row}, "columns": {indicator: letter}}), so messages name the cells."""
    catalog = catalog or load_catalog()
    rules = load_rules(catalog=catalog) if rules is None else rules
    th = thresholds or Thresholds.from_settings()
    ctx = _Ctx(rows, catalog, lang, cells)
    if not rows:
        return ctx.flags
    codes = [r["unit_code"] for r in rows]
    all_cols = [i.id for i in catalog.base()]
    x_all = pd.DataFrame.from_records([r["values"] for r in rows], columns=all_cols).to_numpy(dtype=float)
    _check_rules(ctx, codes, all_cols, x_all, rules)
    keep = [j for j, c in enumerate(all_cols) if catalog[c].kind in ("count", "amount")]
    cols, x = [all_cols[j] for j in keep], x_all[:, keep]
    h = (history or History()).stack(codes, cols)
    if len(h):
        _check_history(ctx, codes, cols, x, h, th)
        _check_same_file(ctx, codes, cols, x, h, history.periods, th, catalog)
    _check_peers(ctx, codes, cols, x, provinces, th)
    return ctx.flags


def _side(side, idx, x) -> tuple[np.ndarray, np.ndarray, int]:
    """(sum with missing as 0, number missing, number of values) per row."""
    if isinstance(side, float):
        return np.full(len(x), side), np.zeros(len(x), dtype=int), 0
    cols = x[:, [idx[i] for i in side]]
    return np.nansum(cols, axis=1), np.isnan(cols).sum(axis=1), len(side)


def _check_rules(ctx: _Ctx, codes, all_cols, x, rules: list[Rule]) -> None:
    """Every rule over every row at once (Rule.evaluate's semantics, on columns)."""
    from geo.reference.rules import OPERATORS

    lang, catalog = ctx.lang, ctx.catalog
    idx = {c: j for j, c in enumerate(all_cols)}
    for rule in rules:
        if not all(i in idx for i in rule.indicators):
            continue
        a, miss_a, n_a = _side(rule.left, idx, x)
        b, miss_b, n_b = _side(rule.right, idx, x)
        missing = miss_a + miss_b
        skip = missing > 0 if rule.missing == "skip_if_any_missing" else (
            missing == n_a + n_b if rule.missing == "skip_if_all_missing" else np.zeros(len(x), dtype=bool))
        with np.errstate(invalid="ignore"):
            bad = ~skip & ~np.asarray(OPERATORS[rule.operator](a, b), dtype=bool)
        if not bad.any():
            continue
        first = rule.left[0] if isinstance(rule.left, tuple) else rule.right[0]
        expected = f"{_side_text(rule.left)} {rule.operator} {_side_text(rule.right)}"
        for i in np.nonzero(bad)[0]:
            code = codes[i]
            sides = {}
            for name, side in (("left", rule.left), ("right", rule.right)):
                if isinstance(side, float):
                    sides[f"{name}_name"], sides[f"{name}_cell"] = _num(side), _num(side)
                else:
                    sides[f"{name}_name"] = " + ".join(catalog[c].name(lang) for c in side)
                    sides[f"{name}_cell"] = "+".join(ctx.cell(code, c) for c in side)
            text = rule.message(lang).format(left=_num(a[i]), right=_num(b[i]), **sides)
            ctx.add(code, first, float(a[i]), rule.id, expected, None, rule.severity,
                    _text=f"{ctx.names[code]}: {text}")


def _side_text(side) -> str:
    return " + ".join(side) if isinstance(side, tuple) else _num(side)


def _nan_median(h: np.ndarray, axis: int = 0) -> np.ndarray:
    """Median over axis 0 ignoring NaN, for a short first axis (periods): sort (NaN last), pick the middle."""
    s = np.sort(h, axis=0)
    k = (~np.isnan(h)).sum(axis=0)
    lo = np.clip((k - 1) // 2, 0, None)[None]
    hi = np.clip(k // 2, 0, None)[None]
    med = (np.take_along_axis(s, lo, 0)[0] + np.take_along_axis(s, hi, 0)[0]) / 2.0
    return np.where(k > 0, med, np.nan)


def _quiet(fn, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*a, **kw)


def _check_history(ctx: _Ctx, codes, cols, x, h, th: Thresholds) -> None:
    have = ~np.isnan(h)
    k = have.sum(axis=0)
    med = _nan_median(h)
    absdev = np.abs(h - med)
    mad = _nan_median(absdev)
    meanad = _quiet(np.nanmean, absdev, axis=0)
    scale = np.where(mad > 0, mad / 0.6745, np.where(meanad > 0, 1.253314 * meanad, 0.0))
    dev = x - med
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, dev / scale, np.where(dev != 0, np.inf, 0.0))
    last = np.full(x.shape, np.nan)
    for p in range(len(h)):
        last = np.where(have[p], h[p], last)
    # far from the median, and from the last period (a level already reported and accepted last time is no news)
    far = (np.abs(dev) >= th.min_diff) & ~(np.abs(x - last) < th.min_diff)
    flag_z = (k >= max(th.min_history, 1)) & ~np.isnan(x) & (np.abs(z) > th.modz) & far
    with np.errstate(invalid="ignore"):
        jump = (x >= th.jump * last) | (x <= last / th.jump)
    flag_j = (k >= 1) & (k < th.min_history) & ~np.isnan(x) & jump & (np.abs(x - last) >= th.min_diff)
    for i, j in zip(*np.nonzero(flag_z)):
        code, iid = codes[i], cols[j]
        half = max(th.modz * scale[i, j], th.min_diff)
        hist = ", ".join(_num(v) for v in h[:, i, j] if not np.isnan(v))
        expected = f"{_num(max(0.0, med[i, j] - half))}–{_num(med[i, j] + half)}"
        ctx.add(code, iid, float(x[i, j]), "outlier_history", expected, "quality_flag_history",
                unit=ctx.names[code], indicator=ctx.catalog[iid].name(ctx.lang), value=_num(x[i, j]),
                history=hist, median=_num(med[i, j]), z=_num(abs(z[i, j])) if np.isfinite(z[i, j]) else "∞",
                threshold=_num(th.modz), expected=expected)
    for i, j in zip(*np.nonzero(flag_j)):
        code, iid = codes[i], cols[j]
        expected = f"{_num(last[i, j] / th.jump)}–{_num(last[i, j] * th.jump)}"
        ctx.add(code, iid, float(x[i, j]), "jump", expected, "quality_flag_jump", unit=ctx.names[code],
                indicator=ctx.catalog[iid].name(ctx.lang), value=_num(x[i, j]), last=_num(last[i, j]),
                factor=_num(th.jump), expected=expected)


def _check_same_file(ctx: _Ctx, codes, cols, x, h, periods, th: Thresholds, catalog: Catalog) -> None:
    flow = np.array([catalog[c].temporal == "flow" for c in cols])
    for p in range(len(h) - 1, -1, -1):
        both = ~np.isnan(x) & ~np.isnan(h[p])
        eq = both & (x == h[p])
        n_both = both.sum(axis=1)
        nonzero_flows = (eq & flow & (x != 0)).sum(axis=1)
        compared = (n_both >= 3) & ((both & flow).sum(axis=1) >= 2)
        same = compared & (eq.sum(axis=1) == n_both) & (nonzero_flows >= 2)
        if compared.sum() and same.sum() / compared.sum() > th.same_share:
            ctx.add(None, None, None, "same_file", t("quality_expected_differs", ctx.lang, period=periods[p]),
                    "quality_flag_same_file", period=periods[p], n=int(same.sum()), total=int(compared.sum()))
            return


def _check_peers(ctx: _Ctx, codes, cols, x, provinces, th: Thresholds) -> None:
    catalog = ctx.catalog
    idx = {c: j for j, c in enumerate(cols)}
    if any(b not in idx for b in RATE_BASES):
        return
    villages, people = x[:, idx["villages_total"]], x[:, idx["population"]] / 1000.0
    grades = {p for i in catalog for p in i.parts}
    checked = [j for j, c in enumerate(cols) if c not in RATE_BASES and c not in grades
               and catalog[c].kind == "count"]
    if not checked:
        return
    per_village = np.array([catalog[cols[j]].group in PER_VILLAGE_GROUPS for j in checked])
    den = np.where(per_village[None, :], villages[:, None], people[:, None])
    vals = x[:, checked]
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.where((vals > 0) & (den > 0), np.log(vals / den), np.nan)
    groups = pd.Series([(provinces or {}).get(c, "") for c in codes])
    frame = pd.DataFrame(lr)
    by = frame.groupby(groups.values)
    n = by.transform("count").to_numpy()
    med = by.transform("median").to_numpy()
    mad = pd.DataFrame(np.abs(lr - med)).groupby(groups.values).transform("median").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = 0.6745 * (lr - med) / mad
        typical = np.exp(med) * den
        hit = (n >= th.peer_min) & (mad > 0) & (z > th.peer_z) & (vals - typical >= th.min_diff)
    for i, jj in zip(*np.nonzero(hit)):
        code, iid = codes[i], cols[checked[jj]]
        spread = math.exp(th.peer_z * mad[i, jj] / 0.6745)
        expected = f"{_num(round(typical[i, jj] / spread))}–{_num(round(typical[i, jj] * spread))}"
        ctx.add(code, iid, float(vals[i, jj]), "peer", expected, "quality_flag_peer", unit=ctx.names[code],
                indicator=catalog[iid].name(ctx.lang), value=_num(vals[i, jj]), rate=_num2(math.exp(lr[i, jj]), ctx.lang),
                median=_num2(math.exp(med[i, jj]), ctx.lang),
                per=t("quality_per_village" if per_village[jj] else "quality_per_1000", ctx.lang),
                n=int(n[i, jj]), expected=expected)


def flag_cells(flags: Iterable[Flag]) -> set[tuple[str, str]]:
    """(unit code, indicator) of the flags that sit on one value."""
    return {(f.unit_code, f.indicator) for f in flags if f.unit_code and f.indicator}
