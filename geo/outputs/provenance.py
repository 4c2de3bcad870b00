"""What every file that leaves the app says about itself: boundary set, period, data version, sample; and
its file name. Shared by the exports, the static maps, the chart files and the briefs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.text.i18n import t
from geo.text.periods import parse_period
from geo.units import boundaries as gb


@dataclass(frozen=True)
class Provenance:
    set_id: str
    set_title: str
    vintage: str
    attribution: str
    licence: str
    source: str
    period: str | None
    period_label: str
    version: str
    sample: bool

    def line(self, lang: str = "vi") -> str:
        """One line naming boundary set, period and version (and 'Dữ liệu mẫu' when sample)."""
        text = t("export_provenance", lang, title=self.set_title, vintage=self.vintage, period=self.period_label,
                 version=self.version)
        return (t("export_sample_short", lang) + " — " + text) if self.sample else text


def provenance(frame: pd.DataFrame, set_id: str | None = None, lang: str = "vi") -> Provenance:
    """The provenance of a bare table (its ``attrs``); an output given a view takes the view's instead."""
    from geo.analysis.view import ViewMeta

    return provenance_of(ViewMeta.from_attrs(set_id or frame.attrs.get("boundary_set") or gb.default_set_id(),
                                             frame.attrs), lang)


def provenance_of(meta, lang: str = "vi") -> Provenance:
    """What a file says about itself, from the view's typed metadata (:class:`geo.analysis.view.ViewMeta`)."""
    info = gb.get_boundary_set_info(meta.boundary_set)
    try:
        period_label = parse_period(meta.period).label(lang) if meta.period else "—"
    except ValueError:
        period_label = str(meta.period)
    return Provenance(meta.boundary_set, info.title(lang), info.vintage_text(lang), info.attribution, info.licence,
                      info.source, meta.period, period_label, "—" if meta.version is None else str(meta.version),
                      bool(meta.sample))


def write_out(data: bytes, out) -> bytes:
    """The bytes, also written to ``out`` (a path or a file object) when one is given."""
    if out is None:
        return data
    if hasattr(out, "write"):
        out.write(data)
    else:
        Path(out).write_bytes(data)
    return data


def slug(text: str) -> str:
    """ASCII file-name part: 'Xã Tìa Dình' -> 'xa-tia-dinh'."""
    s = str(text).replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def file_name(what: str, frame: pd.DataFrame, ext: str, extra: str | None = None) -> str:
    parts = ["antt", what, frame.attrs.get("boundary_set") or "", frame.attrs.get("period") or ""]
    if extra:
        parts.append(extra)
    if frame.attrs.get("sample"):
        parts.append("mau")
    return "_".join(slug(p) for p in parts if p) + "." + ext
