"""Tổng quan: district totals for the period as KPI cards (sums over units; shares from summed parts)."""

import streamlit as st

from geo.analysis.table import district_totals, units_with_value
from geo.reference.catalog import load_catalog
from geo.text.i18n import format_value
from pages.shared.data import load_joined
from pages.shared.links import view_link
from pages.shared.notices import stop_page
from pages.shared.state import current_set_id, lang, tr
from pages.shared.widgets import sample_banner, source_caption

catalog = load_catalog()
units, frame, report, fallback = load_joined()
table = frame

st.title(tr("overview_title"))
sample_banner(frame)
if frame.attrs.get("version") is None and frame.attrs.get("period") is None:
    st.info(tr("no_data_for_set"))
    stop_page()

totals = district_totals(frame, catalog)
n_units = len(frame)
st.caption(tr("overview_subtitle", units=n_units))
view_link()

GROUPS = [
    ("group_teams", ["teams_security", "teams_street_protection", "teams_mediation", "teams_civil_defence"]),
    ("group_commitment", ["villages_signed", "village_coverage", "agencies_signed", "schools_signed", "commune_signed"]),
    ("group_tips_forums", ["tips_received", "tips_valuable", "valuable_tip_rate", "forums_held",
                           "opinions_force_building", "opinions_crime_fighting"]),
    ("group_people", ["prestigious_people", "households_reminded", "weapons_recovered", "explosives_recovered_kg"]),
    ("group_protection", ["teams_security_order", "members_security_order", "members_per_team",
                          "protection_teams_per_village"]),
    ("group_recognition", ["villages_registered", "villages_recognized", "village_recognition_rate",
                           "villages_recognized_excellent", "villages_recognized_good", "villages_recognized_average"]),
    ("group_recognition_units", ["commune_recognized", "agencies_registered", "agencies_recognized",
                                 "schools_registered", "schools_recognized"]),
    ("group_models", ["self_management_model_sites", "festival_sites", "support_tools_recovered"]),
]
# Only the indicators valid in the period (issue 13); admins' own indicators in a last group.
valid = catalog.valid_in(frame.attrs["period"]) if frame.attrs.get("period") else catalog
listed = {i for _, ids in GROUPS for i in ids}
GROUPS.append(("group_other", [i.id for i in valid if i.origin == "store" and i.id not in listed]))
for group_key, ids in GROUPS:
    ids = [i for i in ids if i in valid]
    if not ids:
        continue
    st.subheader(tr(group_key))
    # cards in a wrapping row: as many per line as fit (one or two on a phone), never a cut number or label
    row = st.container(horizontal=True, gap="medium", key=f"kpi_row_{group_key}")
    for iid in ids:
        col = row.container(key=f"kpi_{iid}", width="stretch")
        ind = catalog[iid]
        value = totals.get(iid)
        text = format_value(value, ind.kind, lang(), missing=tr("kpi_no_data"))
        if value is not None and ind.kind not in ("share",):
            text = f"{text} {ind.unit(lang())}"
        have = units_with_value(frame, iid, catalog)
        help_text = ind.description(lang())
        if ind.derived:
            num, den = totals.get(ind.numerator), totals.get(ind.denominator)
            help_text += " " + tr("kpi_from_sums", num=format_value(num, "count", lang()),
                                  den=format_value(den, "count", lang()))
        col.metric(ind.name(lang()), text, help=help_text)
        if have < n_units:
            col.caption(tr("kpi_partial", have=have, total=n_units))

source_caption(current_set_id(), frame)
