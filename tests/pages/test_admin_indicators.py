"""An admin adds an indicator on the administration page: it is in the next template and on the map's picker."""

from __future__ import annotations

import pytest

from geo.access import auth
from geo.access.auth import Actor
from tests.pages.apptest import run_page, signed_in

CLI = Actor("ops", "admin", "cli")


@pytest.fixture
def admin_store(app_env):
    from geo.access.auth import authorized_store

    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    yield s
    s.dispose()


def test_admin_adds_an_indicator_then_template_and_map_offer_it(admin_store):
    from geo.intake.template import template_bytes

    at = run_page("admin.py", session=signed_in("quan", "admin"))
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="admin_ind_id").input("drug_free_villages")
    at.text_input(key="admin_ind_vi").input("Số bản không có ma túy")
    at.text_input(key="admin_ind_en").input("Drug-free villages")
    at.text_input(key="admin_ind_unit_vi").input("bản")
    at.text_input(key="admin_ind_unit_en").input("villages")
    at.text_input(key="admin_ind_group").input("models")
    at.text_input(key="admin_ind_aliases").input("ban khong ma tuy; bkmt")
    at.text_input(key="admin_ind_basis").input("Kế hoạch của UBND tỉnh")
    next(b for b in at.button if b.label == "Thêm chỉ số").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("drug_free_villages" == r for r in at.dataframe[-1].value["Mã"])
    entry = admin_store.audit_log(action="indicator_add")[0]
    assert entry["user"] == "quan" and entry["detail"]["definition"]["aliases"] == ["ban khong ma tuy", "bkmt"]

    header = template_bytes("dien-bien-dong-pre2025", period="2017", fmt="csv").decode("utf-8-sig").splitlines()[1]
    assert "Số bản không có ma túy (bản)" in header

    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "drug_free_villages" in at.selectbox(key="map_indicator").options or \
        any("Số bản không có ma túy" in o for o in at.selectbox(key="map_indicator").options)
    at.selectbox(key="map_indicator").set_value("drug_free_villages").run()
    assert not at.exception, [e.value for e in at.exception]


def test_map_picker_follows_the_period(admin_store):
    at = run_page("map.py")
    assert not at.exception, [e.value for e in at.exception]
    options = " ".join(at.selectbox(key="map_indicator").options)
    assert "Tổ bảo vệ dân phố" in options and "Tổ bảo vệ an ninh, trật tự" not in options  # the 2017 sample


@pytest.mark.parametrize("page", ["overview.py", "map.py", "charts.py", "profile.py", "present.py"])
def test_the_2025_sample_on_every_view_page(admin_store, page):
    # loaded on first start; no period chosen: the 2025 set opens on its newest, 2025
    at = run_page(page, session={"boundary_set": "dien-bien-dong-2025"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["period"] == "2025"
    text = " ".join(str(w.value) for w in list(at.warning) + list(at.markdown) + list(at.caption))
    assert "MINH HỌA 2025" in text  # labelled as the 2025 sample, not the 2017 one
    if page == "map.py":
        options = " ".join(at.selectbox(key="map_indicator").options)
        assert "Tổ bảo vệ an ninh, trật tự" in options and "Tổ bảo vệ dân phố" not in options
    if page == "overview.py":
        assert any("MINH HỌA 2025" in w.value for w in at.warning)
        assert any(m.label == "Tổ bảo vệ an ninh, trật tự" for m in at.metric)
        assert not any(m.label == "Tổ bảo vệ dân phố" for m in at.metric)
