"""pages/upload.py (issue 20, Streamlit AppTest): the upload page opens on the period being reported and the
units of its vintage, not on the sidebar's set (pre-2025 on a fresh start); a typed period decides instead."""

from __future__ import annotations

import pytest

from geo.access import auth
from geo.access.auth import Actor, authorized_store
from geo.analysis.entry import reporting_period
from geo.units.boundaries import get_boundary_set_info
from tests.pages.apptest import run_page, signed_in


@pytest.mark.parametrize("typed, set_id", [
    ("", "dien-bien-dong-2025"),          # the period being reported (2025 or later): the new communes
    ("2024", "dien-bien-dong-pre2025"),  # a typed period before the reform: the old units
    ("2026-Q1", "dien-bien-dong-2025"),
])
def test_the_upload_page_opens_on_the_reporting_periods_units(app_env, typed, set_id):
    store = authorized_store()
    store.ensure_ready()
    auth.add_user(store, "tinh", "editor", "nhap-so-lieu-1", by=Actor("ops", "admin", "cli"))
    at = run_page("upload.py", session={**signed_in("tinh", "editor"), "boundary_set": "dien-bien-dong-pre2025",
                                        "period": "2017"})
    if typed:
        at.text_input(key="upload_period").input(typed).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(c.value for c in at.caption)
    assert f"Kỳ đang nhập: {typed or reporting_period(store)}" in shown
    assert get_boundary_set_info(set_id).title("vi") in shown
    store.dispose()
