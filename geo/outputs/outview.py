"""The view an output takes: what the page already holds — the units, the frame, its typed metadata, the
indicator with its values and classification, and the provenance — made once by :func:`output_view` and
passed down. Maps, charts, data files and briefs read it; none of them computes the provenance, the default
classification or the indicator's values again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from geo.analysis.classify import Classification, classify
from geo.analysis.view import ViewMeta
from geo.outputs.provenance import Provenance, provenance_of
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.units import boundaries as gb


def default_classification(frame: pd.DataFrame, indicator_id: str, catalog: Catalog | None = None,
                           values: pd.Series | None = None) -> Classification:
    """The map's default classes (quantiles, 5; reversed when lower is better), for an output given none."""
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    values = indicator_values(frame, indicator_id, catalog) if values is None else values
    return classify(values, "quantiles", 5, reverse=ind.direction == "down")


@dataclass(frozen=True)
class OutputView:
    """The page's view as outputs take it. ``indicator_id`` (with its ``values`` and ``classification``) is the
    indicator the page shows, None when it shows none (the data files). Treat as read-only."""

    units: object
    frame: pd.DataFrame
    meta: ViewMeta
    provenance: Provenance
    catalog: Catalog
    lang: str = "vi"
    indicator_id: str | None = None
    values: pd.Series | None = None
    classification: Classification | None = None

    @property
    def set_id(self) -> str:
        return self.meta.boundary_set

    @property
    def indicator(self):
        return self.catalog[self.indicator_id]

    def showing(self, indicator_id: str, classification: Classification | None = None,
                values: pd.Series | None = None) -> "OutputView":
        """The same view showing ``indicator_id`` (itself when it already does and nothing else is given)."""
        if indicator_id == self.indicator_id and classification is None and values is None:
            return self
        values = indicator_values(self.frame, indicator_id, self.catalog) if values is None else values
        classification = classification or default_classification(self.frame, indicator_id, self.catalog, values)
        return replace(self, indicator_id=indicator_id, values=values, classification=classification)


def output_view(units, frame: pd.DataFrame, *, meta: ViewMeta | None = None, set_id: str | None = None,
                lang: str = "vi", catalog: Catalog | None = None, indicator_id: str | None = None,
                classification: Classification | None = None, values: pd.Series | None = None) -> OutputView:
    """The output view of what a page holds: ``meta`` is the view's (else read once from ``frame.attrs``);
    what the page has computed (``values``, ``classification``) is taken as is, what it has not is computed
    here, once."""
    catalog = catalog or load_catalog()
    if meta is None:
        meta = ViewMeta.from_attrs(set_id or frame.attrs.get("boundary_set") or gb.default_set_id(), frame.attrs)
    view = OutputView(units, frame, meta, provenance_of(meta, lang), catalog, lang)
    return view.showing(indicator_id, classification, values) if indicator_id is not None else view
