"""Classification of indicator values into map classes (mapclassify) and ColorBrewer colours.

Missing values are their own class (grey), never coloured as zero.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.text.errors import AnttError

METHODS = ("quantiles", "equal_interval", "natural_breaks", "manual")
# ColorBrewer schemes marked colour-blind safe (colorbrewer2.org): sequential, and diverging for changes.
SEQUENTIAL_SCHEMES = ("YlGnBu", "Blues", "Greens", "Purples", "Oranges", "YlOrBr", "PuBu", "BuPu")
DIVERGING_SCHEMES = ("RdBu", "PuOr", "BrBG", "PRGn")
NO_DATA_COLOR = "#c8c8c8"
MIN_K, MAX_K = 3, 7


class ClassifyError(AnttError, ValueError):
    pass


@dataclass
class Classification:
    method: str
    k: int
    lower: list[float]  # lower bound of each class
    upper: list[float]  # upper bound of each class (inclusive)
    colors: list[str]
    counts: list[int]
    no_data_count: int
    assignment: pd.Series = field(repr=False)  # class index per unit, -1 = no data

    def color_of(self, code) -> str:
        idx = int(self.assignment.get(code, -1))
        return NO_DATA_COLOR if idx < 0 else self.colors[idx]

    def colors_by_unit(self) -> dict:
        return {code: (NO_DATA_COLOR if i < 0 else self.colors[i]) for code, i in self.assignment.items()}


def scheme_colors(scheme: str, n: int) -> list[str]:
    """``n`` colours of a ColorBrewer scheme, light to dark (or low to high for diverging)."""
    from branca.utilities import color_brewer

    if n <= 0:
        return []
    if n < 3:
        full = color_brewer(scheme, 3)
        return [full[0], full[-1]][:n] if n == 2 else [full[1]]
    return list(color_brewer(scheme, n))[:n]


def classify(values: pd.Series, method: str = "quantiles", k: int = 5, breaks: list[float] | None = None,
             scheme: str = "YlGnBu", reverse: bool = False) -> Classification:
    """Classify a Series of values (index = unit codes; NaN = no data)."""
    if method not in METHODS:
        raise ClassifyError("classify_unknown_method", method=repr(method))
    if not MIN_K <= k <= MAX_K and method != "manual":
        raise ClassifyError("classify_bad_k", MIN_K=MIN_K, MAX_K=MAX_K)
    values = values.astype(float)
    have = values.dropna()
    y = have.to_numpy()
    if method == "manual":
        if not breaks:
            raise ClassifyError("classify_breaks_needed")
        upper = sorted(float(b) for b in breaks)
        if len(y) and upper[-1] < y.max():
            upper.append(float(y.max()))
    elif len(y) == 0:
        upper = []
    else:
        distinct = np.unique(y)
        kk = min(k, len(distinct))
        if kk <= 1:
            upper = [float(distinct[0])]
        else:
            upper = _bins(y, method, kk)
    upper = _dedupe(upper)
    n = len(upper)
    lower: list[float] = []
    for i in range(n):
        if i == 0:
            # never above its own upper bound: manual breaks may all lie below the smallest value
            lower.append(min(float(y.min()), upper[0]) if len(y) else (upper[0] if upper else 0.0))
        else:
            lower.append(upper[i - 1])
    assign = pd.Series(-1, index=values.index, dtype=int)
    if n:
        idx = np.searchsorted(np.array(upper), y, side="left")
        idx = np.clip(idx, 0, n - 1)
        assign.loc[have.index] = idx
    colors = scheme_colors(scheme, n)
    if reverse:
        colors = colors[::-1]
    counts = [int((assign == i).sum()) for i in range(n)]
    return Classification(method, n, lower, upper, colors, counts, int((assign < 0).sum()), assign)


def _bins(y: np.ndarray, method: str, k: int) -> list[float]:
    """Upper bounds of the classes, as mapclassify's classifier of ``method`` gives them. Quantiles and equal
    intervals are computed here with mapclassify's own arithmetic (tests/analysis/test_classify.py compares
    them): importing mapclassify brings scipy, scikit-learn and matplotlib, about a second of a restarted
    server's first map, and only natural breaks need it."""
    if method == "quantiles":
        return _quantile_bins(y, k)
    if method == "equal_interval":
        return _equal_interval_bins(y, k)
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = mapclassify.FisherJenks(y, k=k)
    return [float(b) for b in c.bins]


def _quantile_bins(y: np.ndarray, k: int) -> list[float]:
    """mapclassify.Quantiles: scipy's scoreatpercentile (linear, weights summed) at 100/k, 200/k, … 100."""
    ordered = np.sort(np.asarray(y, dtype=float).ravel())
    w = 100.0 / k
    pcts = np.arange(w, 100 + w, w)
    if pcts[-1] > 100.0:
        pcts[-1] = 100.0
    out = []
    for per in pcts:
        idx = per / 100.0 * (len(ordered) - 1)
        i = int(idx)
        if i == idx:
            out.append(np.add.reduce(ordered[i:i + 1] * np.array(1)) / 1.0)
        else:
            weights = np.array([(i + 1 - idx), (idx - i)], float)
            out.append(np.add.reduce(ordered[i:i + 2] * weights) / weights.sum())
    return [float(b) for b in np.unique(np.array(out))]


def _equal_interval_bins(y: np.ndarray, k: int) -> list[float]:
    """mapclassify.EqualInterval: k classes of width (max - min) / k, the last ending at the maximum."""
    max_y, min_y = y.max(), y.min()
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return [float(b) for b in cuts]


def _dedupe(upper: list[float]) -> list[float]:
    out: list[float] = []
    for b in upper:
        if math.isnan(b):
            continue
        if not out or b > out[-1] + 1e-12:
            out.append(b)
    return out


def diverging_classify(values: pd.Series, k: int = 5, scheme: str = "RdBu") -> Classification:
    """Classes symmetric around zero for change maps; zero sits in the middle class when k is odd."""
    have = values.dropna().astype(float)
    m = float(have.abs().max()) if len(have) else 0.0
    if m == 0:
        m = 1.0
    step = 2 * m / k
    breaks = [-m + step * (i + 1) for i in range(k)]
    c = classify(values, "manual", k, breaks=breaks, scheme=scheme)
    c.lower[0] = -m
    return c
