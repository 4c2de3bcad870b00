"""The PDF brief (one A4 page for the district, one per commune) and the forum pack (a ZIP of commune briefs).

Vietnamese text is set in DejaVu Sans, the TrueType font matplotlib ships (found through
``matplotlib.get_data_path()``, so no system font is needed) and embedded in the PDF.

By default a brief is the *public* edition — the forum pack is handed out in commune halls — with the rules of
:mod:`geo.outputs.present`: public indicators only, small counts of tips and people shown as "< N". ``public=False``
gives the internal edition with every indicator and exact values, for reports up the chain.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from dataclasses import dataclass

import pandas as pd

from geo.analysis.table import ranking
from geo.outputs.outview import OutputView, default_classification
from geo.outputs.provenance import slug, write_out as _write
from geo.outputs.staticmap import map_png
from geo.outputs.present import (
    Shown,
    change_text,
    public_ranking,
    show_value,
    shown_series,
    small_count_threshold,
    unit_base_values,
    value_text,
)
from geo.reference.catalog import Catalog, Indicator
from geo.text.i18n import t
from geo.text.names import vi_sort_key

DEFAULT_MAP_INDICATOR = "teams_per_1000"


def font_paths() -> tuple[str, str]:
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    return os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")


@dataclass
class _Row:
    name: str
    value: str
    rank: str
    change: str


class _Ranks:
    """Rank of every unit for every indicator, computed once per brief."""

    def __init__(self, frame, catalog, public, threshold):
        self.frame, self.catalog, self.public, self.threshold = frame, catalog, public, threshold
        self._cache: dict[str, dict] = {}

    def get(self, iid: str, code: str) -> tuple[int | None, int]:
        if iid not in self._cache:
            if self.public:
                rows = public_ranking(self.frame, iid, self.threshold, "vi", self.catalog)
                ranked = {r.unit_code: r.rank for r in rows if r.rank is not None}
            else:
                r = ranking(self.frame, iid, self.catalog)
                ranked = {c: int(v) for c, v in r["rank"].items() if not pd.isna(v)}
            self._cache[iid] = ranked
        ranked = self._cache[iid]
        return ranked.get(code), len(ranked)


def _value(ind: Indicator, values: dict, public: bool, threshold: int, lang: str, catalog) -> Shown:
    if public:
        return show_value(ind, values, threshold, lang, catalog)
    if ind.derived:
        v = ind.compute(values.get(ind.numerator), values.get(ind.denominator))
    else:
        v = values.get(ind.id)
    v = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
    unit = "" if ind.kind == "share" else ind.unit(lang)
    if v is None:
        return Shown(ind.id, None, t("present_no_data", lang), unit)
    return Shown(ind.id, v, value_text(v, ind, lang), unit)


def _rows(frame, code: str | None, previous, catalog: Catalog, public: bool, threshold: int, lang: str,
          ranks: _Ranks) -> list[_Row]:
    inds = [i for i in catalog if i.public or not public]
    now = unit_base_values(frame, code, catalog)
    before = None
    if previous is not None:
        if code is None:
            before = unit_base_values(previous, None, catalog)
        elif code in previous.index:
            before = unit_base_values(previous, code, catalog)
    rows = []
    for ind in inds:
        shown = _value(ind, now, public, threshold, lang, catalog)
        rank_text = ""
        if code is not None and ind.direction != "neutral":
            rank, of = ranks.get(ind.id, code)
            rank_text = t("export_brief_rank", lang, rank=rank, of=of) if rank is not None else "—"
        change = ""
        if before is not None:
            prev = _value(ind, before, public, threshold, lang, catalog)
            if not shown.suppressed and not prev.suppressed:
                change = change_text(shown.value, prev.value, ind.kind, lang) or "—"
            else:
                change = "—"
        rows.append(_Row(ind.name(lang), shown.with_unit, rank_text, change))
    return rows


class _Doc:
    def __init__(self):
        from fpdf import FPDF

        regular, bold = font_paths()
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(10, 10, 10)
        pdf.add_font("DejaVu", "", regular)
        pdf.add_font("DejaVu", "B", bold)
        pdf.set_creator("ANTT map")
        self.pdf = pdf

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _page(doc: _Doc, *, title: str, subtitle: str, rows: list[_Row], map_bytes: bytes, map_caption: str,
          prov, lang: str, public: bool, threshold: int, show_rank: bool, has_previous: bool,
          previous_label: str | None):
    pdf = doc.pdf
    pdf.add_page()
    pdf.set_title(title)
    if prov.sample:
        pdf.set_xy(140, 9)
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_text_color(179, 0, 0)
        pdf.set_draw_color(179, 0, 0)
        pdf.cell(60, 8, t("export_sample_stamp", lang), border=1, align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(10, 10)
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(128, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(60, 60, 60)
    pdf.multi_cell(190, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    y = pdf.get_y() + 1
    map_w = 168
    pdf.image(io.BytesIO(map_bytes), x=(210 - map_w) / 2, y=y, w=map_w)
    y += map_w * 5.8 / 10 + 1
    pdf.set_xy(10, y)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(190, 6, t("export_brief_key_numbers", lang), new_x="LMARGIN", new_y="NEXT")
    widths = [100, 38, 22 if show_rank else 0, 30 if has_previous else 0]
    widths[0] += 190 - sum(widths)
    heads = [t("export_brief_col_indicator", lang), t("export_brief_col_value", lang),
             t("export_brief_col_rank", lang), t("export_brief_col_change", lang)]
    pdf.set_font("DejaVu", "B", 8.5)
    pdf.set_fill_color(225, 232, 240)
    for w, h in zip(widths, heads):
        if w:
            pdf.cell(w, 5.2, h, border=1, fill=True, align="L" if h == heads[0] else "R")
    pdf.ln(5.2)
    pdf.set_font("DejaVu", "", 8.5)
    row_h = min(4.9, (297 - 24 - pdf.get_y()) / max(1, len(rows)))
    for i, r in enumerate(rows):
        fill = i % 2 == 1
        pdf.set_fill_color(246, 246, 246)
        for w, text, align in zip(widths, (r.name, r.value, r.rank, r.change), "LRRR"):
            if w:
                pdf.cell(w, row_h, text, border="B", fill=fill, align=align)
        pdf.ln(row_h)
    # sources
    pdf.set_xy(10, 297 - 23)
    pdf.set_font("DejaVu", "B", 8)
    pdf.cell(190, 4, t("export_brief_sources", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    notes = [prov.line(lang), f"{prov.attribution}. {t('export_licence', lang, licence=prov.licence)}",
             f"{map_caption}. " + (t("export_brief_public_note", lang, n=threshold) if public
                                   else t("export_brief_internal_note", lang))]
    if has_previous and previous_label:
        notes[-1] += " " + t("export_brief_previous", lang, period=previous_label)
    elif not has_previous:
        notes[-1] += " " + t("export_brief_no_previous", lang)
    for n in notes:
        pdf.multi_cell(190, 3.4, n, new_x="LMARGIN", new_y="NEXT")


def _map_classes(view: OutputView, public: bool, threshold: int):
    """(classes, hidden codes) of the brief's map: the view's own classes in the internal edition; in the public
    one the classes of the values shown (small counts hidden, so that no class bound gives them away)."""
    if public and not view.indicator.public:
        raise ValueError(f"{view.indicator_id} is internal and cannot be on a public brief")
    if not public:
        return view.classification, set()
    values, hidden = shown_series(view.frame, view.indicator_id, threshold, view.catalog)
    return default_classification(view.frame, view.indicator_id, view.catalog, values), hidden


def _map_for_brief(view: OutputView, classes, highlight):
    cls, hidden = classes
    return map_png(view, classification=cls, highlight=highlight, suppressed=hidden, size=(10, 5.8), dpi=110,
                   labels=True)


def _period_label(table, lang):
    from geo.text.periods import parse_period

    p = table.attrs.get("period") if table is not None else None
    try:
        return parse_period(p).label(lang) if p else None
    except ValueError:
        return str(p)


def brief_pdf(view: OutputView, *, unit_codes=None, include_district: bool = True,
              previous_table: pd.DataFrame | None = None, public: bool = True, threshold: int | None = None,
              district_name: str | None = None, out=None) -> bytes:
    """One page for the district (when ``include_district``), then one per commune; the map shows the view's
    indicator (:data:`DEFAULT_MAP_INDICATOR` when the view shows none).

    ``unit_codes``: the communes to include (default: all, in Vietnamese name order). ``previous_table``: the
    wide table of the previous period, for the change column (absent: the brief says there is none).
    """
    view = view if view.indicator_id is not None else view.showing(DEFAULT_MAP_INDICATOR)
    frame, catalog, lang, prov, indicator_id = view.frame, view.catalog, view.lang, view.provenance, view.indicator_id
    threshold = small_count_threshold() if threshold is None else threshold
    classes = _map_classes(view, public, threshold)  # once for every page
    ranks = _Ranks(frame, catalog, public, threshold)
    codes = list(unit_codes) if unit_codes is not None else sorted(
        frame.index, key=lambda c: vi_sort_key(str(frame.at[c, "unit_name"])))
    has_prev = previous_table is not None
    prev_label = _period_label(previous_table, lang)
    subtitle = t("export_brief_subtitle", lang, period=prov.period_label)
    caption = t("export_brief_map_caption", lang, indicator=catalog[indicator_id].name(lang))
    doc = _Doc()
    if include_district:
        name = district_name or t("export_brief_district_name", lang, units=len(frame))
        rows = _rows(frame, None, previous_table, catalog, public, threshold, lang, ranks)
        img = _map_for_brief(view, classes, None)
        _page(doc, title=t("export_brief_district_title", lang, name=name), subtitle=subtitle + "\n" + prov.set_title,
              rows=rows, map_bytes=img, map_caption=caption, prov=prov, lang=lang, public=public,
              threshold=threshold, show_rank=False, has_previous=has_prev, previous_label=prev_label)
    for code in codes:
        rows = _rows(frame, code, previous_table, catalog, public, threshold, lang, ranks)
        img = _map_for_brief(view, classes, code)
        _page(doc, title=t("export_brief_commune_title", lang, name=str(frame.at[code, "unit_name"])),
              subtitle=subtitle + "\n" + prov.set_title, rows=rows, map_bytes=img, map_caption=caption, prov=prov,
              lang=lang, public=public, threshold=threshold, show_rank=True, has_previous=has_prev,
              previous_label=prev_label)
    return _write(doc.output(), out)


def commune_brief_pdf(view: OutputView, unit_code: str, **kwargs) -> bytes:
    """One commune's page alone (what the forum pack holds)."""
    return brief_pdf(view, unit_codes=[unit_code], include_district=False, **kwargs)


def forum_pack_zip(view: OutputView, *, out=None, **kwargs) -> bytes:
    """A ZIP with one PDF brief per commune, named ``NN_<code>_<commune>.pdf`` in Vietnamese name order."""
    frame, lang, prov = view.frame, view.lang, view.provenance
    codes = sorted(frame.index, key=lambda c: vi_sort_key(str(frame.at[c, "unit_name"])))
    view = view if view.indicator_id is not None else view.showing(DEFAULT_MAP_INDICATOR)  # once for the pack
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, code in enumerate(codes, start=1):
            pdf = commune_brief_pdf(view, code, **kwargs)
            zf.writestr(f"{i:02d}_{code}_{slug(frame.at[code, 'unit_name'])}.pdf", pdf)
        zf.writestr("README.txt", (t("export_pack_readme", lang) + "\n" + prov.line(lang) + "\n").encode("utf-8"))
    return _write(buf.getvalue(), out)
