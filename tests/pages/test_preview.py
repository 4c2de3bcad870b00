"""The dry run's map of what an import would change (pages/preview.py), on the real store and boundary file."""

from streamlit.testing.v1 import AppTest


def _preview_script():
    import streamlit as st

    from geo.reference.sample import sample_rows
    from pages.preview import render_change_preview

    rows = sample_rows()
    rows[0]["values"]["tips_received"] += 1  # one unit, one value changed
    render_change_preview("dien-bien-dong-pre2025", st.session_state["preview_period"], rows)


def test_the_preview_counts_new_changed_and_same_units(app_env):
    at = AppTest.from_function(_preview_script, default_timeout=60)
    at.session_state["lang"] = "vi"
    at.session_state["preview_period"] = "2017"  # the sample's period: 13 units same, 1 changed
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "0 đơn vị mới, 1 đơn vị thay đổi, 13 đơn vị giữ nguyên" in at.caption[0].value
    at.session_state["preview_period"] = "2030"  # no data yet: all 14 new
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "14 đơn vị mới, 0 đơn vị thay đổi, 0 đơn vị giữ nguyên" in at.caption[0].value
