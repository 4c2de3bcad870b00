"""The one Leaflet layer of the maps (``layer.js``, shipped beside this module) and its one data shape.

The live map (:mod:`geo.carto.live`) gives the layer a geometry URL and sends :func:`live_data` per change;
the standalone map (:mod:`geo.carto.choropleth`: the HTML export, the before/after page) gives it the geometry
and the same data inline, so the file opens anywhere. Every text from data is HTML-escaped here.
"""

from __future__ import annotations

import html
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.analysis.followup import value_marks
from geo.carto.assets import raw_script_element, script_json, write_once
from geo.carto.geometry import DisplayLayer
from geo.reference.catalog import Indicator
from geo.text.i18n import t

SCRIPT = Path(__file__).with_name("layer.js")

_TEMPLATE = """{% macro script(this, kwargs) %}
(function() {
{{ this.code }}
var S = {{ this.setup }};
var G = {{ this.geometry }};
var D = {{ this.data }};
anttMount({{ this._parent.get_name() }}, S, G, D);
})();
{% endmacro %}"""


@lru_cache(maxsize=1)
def layer_script() -> str:
    """``layer.js`` as the page carries it (read once per process): without the file's header comment, which
    documents it for a reader of the file but would cross the wire with every rerun of a live map."""
    lines = SCRIPT.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "".join(lines)


def layer_script_name() -> str:
    """The name the live map loads ``layer.js`` under: named by its content, so a browser (or nginx's cache
    headers) never keeps an older script for a newer app."""
    import hashlib

    return f"layer-{hashlib.sha256(layer_script().encode('utf-8')).hexdigest()[:12]}.js"


def install_layer_script(static_dir: Path) -> str:
    """Write ``layer.js`` into ``static_dir/vendor/antt/`` under :func:`layer_script_name` (atomically, once;
    served by Streamlit's static serving or by nginx) and return that name. The live map loads it like Leaflet,
    once per page, instead of carrying its 8 KB in every rerun's map message (issue 22)."""
    return write_once(Path(static_dir) / "vendor" / "antt", layer_script_name(), layer_script()).name


@lru_cache(maxsize=1)
def _compiled():
    from jinja2 import Template

    return Template(_TEMPLATE)  # compiling costs more than rendering: once


def layer_element(*, url: str | None, full_zoom: int, outline_url: str | None = None,
                  geometry_json: str | None = None, data: dict | None = None, script_loaded: bool = False):
    """The map's layer element: geometry fetched from ``url``, or inline (``geometry_json``); per-unit
    ``data`` inline, or (None) given later through ``window.anttApply``. ``full_zoom``: the zoom from which
    unit outlines are drawn in full (0: always). ``script_loaded``: the page loads ``layer.js`` itself (the
    live map: :func:`install_layer_script`), so the element only calls it; otherwise it carries the script."""
    el = raw_script_element()
    el._name = "AnttLayer"
    el._template = _compiled()
    el.code = "" if script_loaded else layer_script()
    el.setup = script_json({"url": url, "nodata": NO_DATA_COLOR, "fullZoom": full_zoom, "outline": outline_url})
    el.geometry = geometry_json if geometry_json is not None else "null"
    el.data = script_json(data) if data is not None else "null"
    return el


_DECIMALS = {"share": 1, "ratio": 2, "rate_population": 2, "amount": 1}


def live_data(layer: DisplayLayer, values: pd.Series, frame: pd.DataFrame, ind: Indicator, catalog,
              classification: Classification, lang: str = "vi", highlight: str | None = None) -> dict:
    """Per unit (in the layer's order): class as one digit of a string ('-' = no data), the value rounded as it
    is shown, numerator and denominator for rates; texts once. About 10–15 bytes per unit."""
    codes = list(layer.codes)
    assign = pd.to_numeric(classification.assignment, errors="coerce")
    assign = assign[~assign.index.duplicated()].reindex(codes).fillna(-1).astype(int).tolist()
    cls = "".join(str(k) if 0 <= k <= 9 else "-" for k in assign)

    def col(series: pd.Series, kind: str):  # vectorized: 11,163 units in a few milliseconds
        d = _DECIMALS.get(kind, 0)
        series = pd.to_numeric(series, errors="coerce")
        arr = series[~series.index.duplicated()].reindex(codes).astype(float).round(d).tolist()
        return [None if v != v else (int(v) if d == 0 or v == int(v) else v) for v in arr], d

    vals, dec = col(values, ind.kind)
    sep = [".", ","] if lang == "vi" else [",", "."]
    data = {"cls": cls, "v": vals, "d": dec, "sep": sep, "palette": list(classification.colors),
            "suffix": " %" if ind.kind == "share" else " " + html.escape(ind.unit(lang)),
            "label": html.escape(ind.name(lang)), "missing": html.escape(t("map_no_data", lang)),
            "highlight": highlight, "num": None, "den": None}
    if ind.derived and ind.numerator in frame.columns and ind.denominator in frame.columns:
        for part, iid in (("num", ind.numerator), ("den", ind.denominator)):
            v, d = col(frame[iid], catalog[iid].kind)
            data[part] = {"name": html.escape(catalog[iid].name(lang)), "v": v, "d": d}
    # under follow-up, not yet approved: a small mark, never hidden. A national import not yet approved marks
    # every unit, so the texts go once (``marks``) and each unit one character, as ``cls`` ('-': none).
    marks = value_marks(frame, ind, lang)
    texts = sorted(set(marks.values()))
    index = {m: chr(48 + i) for i, m in enumerate(texts)}
    data["flag"], data["flagx"] = _compact("".join(index.get(marks.get(c), "-") for c in layer.codes) if marks else "")
    data["marks"] = [html.escape(m) for m in texts]
    approx = set(str(c) for c in frame.attrs.get("approximate") or [])
    data["approx"] = [1 if c in approx else 0 for c in layer.codes] if approx else {}
    return data


def _compact(flag: str) -> tuple[str, dict]:
    """A per-unit mark string as sent: whole, or — when at most a tenth of the units differ from the most common
    mark (a national import awaiting approval marks nearly every unit) — that one character and the units that
    differ, by position. layer.js reads both."""
    if len(flag) < 2:
        return flag, {}
    common, n = Counter(flag).most_common(1)[0]
    if len(flag) - n > len(flag) // 10:
        return flag, {}
    return common, {str(i): ch for i, ch in enumerate(flag) if ch != common}


def category_data(layer: DisplayLayer, classes: pd.Series, names: list[str], colors: list[str], label: str,
                  missing: str) -> dict:
    """:func:`live_data` for categories (the reporting states): ``classes`` maps a unit code to the index of
    its category in ``names``/``colors`` (at most 10); the tooltip shows the category's name."""
    idx = classes[~classes.index.duplicated()].reindex(list(layer.codes))
    cls = "".join("-" if k != k else str(int(k)) for k in idx.tolist())
    return {"cls": cls, "v": [None if k != k else int(k) for k in idx.tolist()], "d": 0, "sep": [".", ","],
            "palette": list(colors), "suffix": "", "label": html.escape(label), "missing": html.escape(missing),
            "highlight": None, "num": None, "den": None, "approx": {}, "texts": [html.escape(n) for n in names]}
