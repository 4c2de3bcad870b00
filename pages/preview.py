"""A small map of what an import would change (dry run), shared by the upload page.

Not a view (geo.analysis.view.load_view): it compares the upload with the set's stored table as stored (a unit
absent from it is "new", which a joined view, holding every unit of the set, could not tell), and maps that
comparison, not an indicator. It shares the view's cached unit shapes (load_unit_shapes)."""

import streamlit as st

from geo.analysis.classify import classify
from geo.analysis.table import compare_rows
from geo.reference.catalog import Indicator, load_catalog
from geo.text.i18n import t
from geo.units.vintage import table_on_set
from pages.shared.data import get_store, load_unit_shapes
from pages.shared.mapview import map_and_legend
from pages.shared.state import lang, tr


def render_change_preview(set_id: str, period: str, rows: list[dict]) -> None:
    catalog = load_catalog()
    current = table_on_set(get_store(), set_id, period)
    if current.attrs.get("converted_from"):
        current = current.iloc[0:0]  # converted numbers are not this set's own: everything is new here
    diff = compare_rows(rows, current, catalog)
    counts = diff["status"].value_counts().to_dict()
    st.caption(tr("upload_preview_counts", new=counts.get("new", 0), changed=counts.get("changed", 0),
                  same=counts.get("same", 0), period=period))
    units, fallback = load_unit_shapes(set_id)
    if fallback:
        return
    frame = diff.reindex(units["code"])
    frame["unit_name"] = units.set_index("code")["name"]
    values = frame["changed"].astype(float)
    ind = Indicator(
        id="changed_values", vi=t("upload_preview_changed", "vi"), en=t("upload_preview_changed", "en"),
        kind="count", unit_vi=t("upload_preview_changed_unit", "vi"), unit_en=t("upload_preview_changed_unit", "en"),
        direction="neutral", temporal="stock", group="preview", public=False)
    cls = classify(values, "manual", breaks=[0, 5, 15], scheme="Oranges")
    map_and_legend(set_id, frame, values, ind, cls, key="upload_preview_map", height=320,
                   legend_title=ind.name(lang()), ratio=(2, 1))
