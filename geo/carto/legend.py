"""Legend and tooltip texts of a classified indicator (every text from data HTML-escaped)."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.reference.catalog import Indicator
from geo.text.i18n import format_value, t


@dataclass
class LegendItem:
    color: str
    label: str
    count: int
    no_data: bool = False


def legend_items(classification: Classification, ind: Indicator, lang: str = "vi") -> list[LegendItem]:
    """Class bounds and counts, then the no-data class (always listed, even when empty)."""
    items = []
    for i, (lo, hi, color, n) in enumerate(zip(classification.lower, classification.upper, classification.colors,
                                               classification.counts)):
        lo_s, hi_s = format_value(lo, ind.kind, lang), format_value(hi, ind.kind, lang)
        # classes after the first exclude their lower bound (it belongs to the class below)
        label = lo_s if lo_s == hi_s else (f"{lo_s} – {hi_s}" if i == 0 else f"> {lo_s} – {hi_s}")
        items.append(LegendItem(color, label, n))
    items.append(LegendItem(NO_DATA_COLOR, t("map_no_data", lang), classification.no_data_count, True))
    return items


def legend_html(items: list[LegendItem], title: str, lang: str = "vi", *, provinces: bool = False) -> str:
    """The legend as a small HTML block (drawn by the page beside the map; every text escaped). Counts are of
    communes, or of provinces when the map shows them aggregated (``provinces``)."""
    counted = html.escape(t("map_provinces_short" if provinces else "map_units_short", lang))
    rows = []
    for it in items:
        # one line when it fits; else the count (never broken: "(145" / "xã)") moves under the label, to the
        # right, and the label breaks between words only if it cannot fit beside its swatch
        rows.append(
            '<div style="display:flex;flex-wrap:wrap;align-items:center;column-gap:.5em;margin:.15em 0">'
            f'<span style="flex:0 0 1.6em;height:1em;background:{html.escape(it.color)};'
            'border:1px solid #555;box-sizing:border-box"></span>'
            '<span style="flex:1 1 auto;max-width:calc(100% - 2.1em);overflow-wrap:break-word;line-height:1.25">'
            f'{html.escape(it.label)}</span>'
            '<span style="flex:0 0 auto;margin-left:auto;white-space:nowrap;color:#666;font-size:.85em;'
            f'font-variant-numeric:tabular-nums">({it.count} {counted})</span>'
            "</div>"
        )
    return f'<div class="antt-legend"><div style="font-weight:600">{html.escape(title)}</div>{"".join(rows)}</div>'


def tooltip_texts(frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog, lang: str = "vi") -> dict:
    """Per unit: (escaped name, escaped value text, escaped detail) for the tooltip."""
    from geo.analysis.followup import value_marks

    out = {}
    marks = value_marks(frame, ind, lang)
    for code in values.index:
        name = str(frame.at[code, "unit_name"]) if code in frame.index else str(code)
        v = values.get(code)
        vtext = format_value(v, ind.kind, lang, missing=t("map_no_data", lang))
        if not (v is None or (isinstance(v, float) and math.isnan(v))):
            unit = ind.unit(lang)
            vtext = vtext if ind.kind == "share" else f"{vtext} {unit}"
            if str(code) in marks:  # under follow-up or not yet approved: shown, never hidden, with a mark
                vtext += " " + marks[str(code)]
        detail = ""
        if ind.derived and code in frame.index:
            num_ind, den_ind = catalog[ind.numerator], catalog[ind.denominator]
            num = frame.at[code, ind.numerator] if ind.numerator in frame.columns else float("nan")
            den = frame.at[code, ind.denominator] if ind.denominator in frame.columns else float("nan")
            detail = (f"{num_ind.name(lang)}: {format_value(num, num_ind.kind, lang)} / "
                      f"{den_ind.name(lang)}: {format_value(den, den_ind.kind, lang)}")
        out[code] = (html.escape(name), html.escape(vtext), html.escape(detail))
    return out
