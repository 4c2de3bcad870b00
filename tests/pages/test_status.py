"""pages/status.py (issue 20, Streamlit AppTest): a province editor sees a commune's submission on the status
page, approves it there; the step is in the audit log and the commune's next submission is refused."""

from __future__ import annotations

import pytest

from geo.access import auth, scopes
from geo.access.auth import Actor, authorized_store
from geo.store.database import StoreError
from tests.pages.apptest import run_page, signed_in

CLI = Actor("ops", "admin", "cli")
SET, P = "dien-bien-dong-2025", "2030-Q1"  # ends after today: submitted on time


@pytest.fixture
def chain(app_env):
    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "tinh", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    scopes.set_scope(s, "tinh", ["Điện Biên"], by=CLI)
    scopes.set_scope(s, "xa", ["03203"], by=CLI)
    s.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 4}}],
                  boundary_set=SET, period=P, user=Actor("xa", "editor", "local"))
    yield s
    s.dispose()


def test_province_editor_approves_on_the_status_page(chain):
    at = run_page("status.py", session={**signed_in("tinh", "editor"), "boundary_set": SET, "period": P})
    assert not at.exception, [e.value for e in at.exception]
    assert "1/6 đơn vị đã báo cáo, 1 đúng hạn" in at.info[0].value
    table = at.dataframe[-1].value
    assert table.loc[table["Đơn vị"].str.contains("03203"), "Trạng thái"].tolist() == ["Gửi đúng hạn"]
    assert at.selectbox(key="status_unit").value["unit_code"] == "03203"
    at.button(key="status_approve").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "0/6" not in at.info[0].value and "1 đã duyệt" in at.info[0].value
    entry = chain.audit_log(action="unit_approve")[0]
    assert (entry["user"], entry["detail"]["unit_code"], entry["detail"]["period"]) == ("tinh", "03203", P)
    with pytest.raises(StoreError, match="tinh duyệt"):
        chain.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 5}}],
                          boundary_set=SET, period=P, user=Actor("xa", "editor", "local"))


def test_a_commune_editor_cannot_approve_there(chain):
    at = run_page("status.py", session={**signed_in("xa", "editor"), "boundary_set": SET, "period": P})
    at.button(key="status_approve").click().run()
    assert any("cấp tỉnh" in e.value for e in at.error), [e.value for e in at.error]
    assert chain.audit_log(action="unit_approve") == []
