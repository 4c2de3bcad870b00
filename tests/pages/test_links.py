"""Links that carry a view (Streamlit AppTest): a link's query string opens that view; the page writes what is
on screen back into the URL; unknown or hostile values fall back to the defaults with a Vietnamese notice,
never an exception; internal indicators open only for a signed-in editor."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.access import auth
from geo.access.auth import Actor
from pages.shared.signin import SESSION_ACTOR
from tests.pages.apptest import APP, signed_in

SET = "dien-bien-dong-pre2025"
FALLBACK = "Liên kết có phần không dùng được"
INTERNAL = "chỉ số nội bộ"
DEFAULT_INDICATOR = "teams_per_village"  # the map picker's first choice


@pytest.fixture
def accounts(app_env):
    from geo.access.auth import authorized_store

    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "bien", "editor", "nhap-so-lieu-1", by=Actor("ops", "admin", "cli"))
    yield s
    s.dispose()


def open_link(page: str, params: dict, session: dict | None = None) -> AppTest:
    """A session that opens ``page`` with the query string ``params`` (AppTest needs one run before it can
    switch pages; the link is then new to the session, as a link opened in a fresh tab is)."""
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (session or {}).items():
        at.session_state[k] = v
    at.run()
    at.query_params.clear()
    at.query_params.update(params)
    if page != "overview.py":
        at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notices(at) -> str:
    return " ".join([w.value for w in at.warning] + [i.value for i in at.info])


def test_a_map_link_opens_its_view_and_the_url_stays_canonical(app_env):
    link = {"boundaries": SET, "period": "2017", "indicator": "village_coverage", "method": "equal_interval",
            "k": "4", "scheme": "Greens", "lang": "en"}
    at = open_link("map.py", link)
    assert at.title[0].value == "Indicator map"  # the link's language
    assert at.selectbox(key="map_indicator").value == "village_coverage"
    assert at.selectbox(key="map_method").value == "equal_interval"
    assert at.slider(key="map_k").value == 4
    assert at.selectbox(key="map_scheme").value == "Greens"
    assert FALLBACK not in notices(at) and "could not be used" not in notices(at)
    assert at.query_params == link  # what is on screen is what the URL says


def test_the_url_follows_the_reader(app_env):
    at = open_link("map.py", {"boundaries": SET, "period": "2017", "lang": "vi"})
    at.selectbox(key="map_indicator").set_value("tips_received").run()
    at.slider(key="map_k").set_value(3).run()
    assert at.query_params["indicator"] == "tips_received" and at.query_params["k"] == "3"
    at.selectbox(key="map_method").set_value("manual").run()
    at.text_input(key="map_breaks").input("10; 20,5").run()
    assert at.query_params["method"] == "manual" and at.query_params["breaks"] == "10;20.5"
    assert "k" not in at.query_params  # manual classes are given by their bounds


def test_a_profile_link_opens_its_commune(app_env):
    at = open_link("profile.py", {"boundaries": SET, "period": "2017", "unit": "03384",
                                  "indicator": "tips_per_1000"})
    assert at.selectbox(key="profile_unit").value == "03384"
    assert at.subheader[0].value == "Xã Tìa Dình"
    assert at.query_params["unit"] == "03384" and at.query_params["indicator"] == "tips_per_1000"


def test_a_presentation_link_opens_its_slide(app_env):
    at = open_link("present.py", {"boundaries": SET, "slide": "ranking", "indicator": "village_coverage",
                                  "unit": "03205"})
    body = " ".join(m.value for m in at.markdown)
    assert 'data-slide="ranking"' in body
    assert at.query_params["slide"] == "ranking" and at.query_params["unit"] == "03205"


def test_a_bad_presentation_link_says_so_in_a_toast_not_above_the_slide(app_env):
    at = open_link("present.py", {"boundaries": SET, "slide": "slide-99"})
    assert any(FALLBACK in t.value for t in at.toast) and FALLBACK not in notices(at)
    assert 'data-slide="headline"' in " ".join(m.value for m in at.markdown)


def test_a_charts_link_opens_its_indicator(app_env):
    at = open_link("charts.py", {"boundaries": SET, "indicator": "valuable_tip_rate"})
    assert at.selectbox(key="charts_indicator").value == "valuable_tip_rate"
    assert at.query_params["indicator"] == "valuable_tip_rate"


def test_a_2025_link_opens_the_new_communes(app_env):
    at = open_link("overview.py", {"boundaries": "dien-bien-dong-2025", "period": "2017"})
    assert at.selectbox(key="boundary_set").value == "dien-bien-dong-2025"
    assert "6 đơn vị" in " ".join(c.value for c in at.caption)


def test_a_national_link_opens_its_province(app_env):
    at = open_link("overview.py", {"boundaries": "vn-2025", "province": "điện biên"})  # case as typed by hand
    assert at.session_state["area"]["vn-2025"] == {"parent_0": "Điện Biên"}
    assert "Toàn quốc › Điện Biên" in [c.value for c in at.caption]  # the sidebar's breadcrumb
    # vn-2025 has periods of its own now (the 2025 sample's communes, issue 20), so the link names the period too
    assert at.query_params == {"boundaries": "vn-2025", "province": "Điện Biên", "lang": "vi",
                               "period": at.session_state["period"]}


HOSTILE = [
    # (query string, the page's value that must stay at its default)
    ({"indicator": "<script>alert(1)</script>"}, ("map_indicator", DEFAULT_INDICATOR)),
    ({"indicator": "x" * 5000}, ("map_indicator", DEFAULT_INDICATOR)),
    ({"indicator": "teams_security\x00"}, ("map_indicator", DEFAULT_INDICATOR)),
    ({"period": "2099"}, ("period", "2017")),
    ({"period": "2017'; DROP TABLE import_versions; --"}, ("period", "2017")),
    ({"boundaries": "../../etc/passwd"}, ("boundary_set", SET)),
    ({"k": "99"}, ("map_k", 5)),
    ({"k": "-1"}, ("map_k", 5)),
    ({"method": "manual", "breaks": "nan;inf"}, ("map_method", "quantiles")),
    ({"scheme": "javascript:alert(1)"}, ("map_scheme", "YlGnBu")),
    ({"lang": "fr"}, ("lang", "vi")),
    ({"unit": "99999"}, ("profile_unit", None)),
    ({"province": "Hà Nội"}, ("area", {})),  # the 14-unit set has no province picker
]


@pytest.mark.parametrize("params, default", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_and_unknown_values_fall_back_with_a_notice(app_env, params, default):
    at = open_link("map.py", {"boundaries": SET, **params} if "boundaries" not in params else params)
    assert FALLBACK in notices(at)
    key, value = default
    if key == "area":
        assert not at.session_state["area"].get(SET)
    elif value is not None:
        assert at.session_state[key] == value
    for name, raw in params.items():  # the refused value is not written back into the URL
        assert at.query_params.get(name) != raw
    assert "<script>" not in " ".join(m.value for m in at.markdown if "antt-share" not in m.value)


def test_the_notice_goes_once_the_reader_changes_the_view(app_env):
    at = open_link("map.py", {"boundaries": SET, "period": "2099"})
    assert FALLBACK in notices(at)
    at.run()  # a rerun of the same view (e.g. the map reporting its size) keeps it
    assert FALLBACK in notices(at)
    at.selectbox(key="map_indicator").set_value("tips_received").run()
    assert FALLBACK not in notices(at)


def test_an_internal_indicator_in_a_link_is_for_signed_in_editors_only(accounts):
    link = {"boundaries": SET, "indicator": "weapons_recovered"}
    viewer = open_link("map.py", link)
    assert viewer.selectbox(key="map_indicator").value == DEFAULT_INDICATOR
    assert INTERNAL in notices(viewer)
    assert viewer.query_params.get("indicator") == DEFAULT_INDICATOR

    editor = open_link("map.py", link, session=signed_in("bien", "editor"))
    assert editor.selectbox(key="map_indicator").value == "weapons_recovered"
    assert INTERNAL not in notices(editor)
    assert editor.query_params["indicator"] == "weapons_recovered"


def test_the_withheld_indicator_opens_once_an_editor_signs_in(accounts):
    at = open_link("map.py", {"boundaries": SET, "indicator": "weapons_recovered"})
    assert at.selectbox(key="map_indicator").value == DEFAULT_INDICATOR
    at.session_state[SESSION_ACTOR] = signed_in("bien", "editor")[SESSION_ACTOR]  # as pages/login.py leaves it
    at.session_state["auth_last_seen"] = signed_in("bien", "editor")["auth_last_seen"]
    at.run()
    assert at.selectbox(key="map_indicator").value == "weapons_recovered"


def test_a_viewer_who_picks_an_internal_indicator_gets_a_link_without_it(app_env):
    at = open_link("map.py", {"boundaries": SET})
    at.selectbox(key="map_indicator").set_value("weapons_recovered").run()
    assert "indicator" not in at.query_params
    assert any("không được đưa vào liên kết" in c.value for c in at.caption)
