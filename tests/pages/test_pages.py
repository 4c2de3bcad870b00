"""Every page runs without exception in both languages (Streamlit AppTest, no browser)."""

import re

import pytest

from tests.pages.apptest import run_page

PAGES = ["overview.py", "map.py", "charts.py", "profile.py", "change.py", "reform.py"]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_in_both_languages(app_env, page, lang):
    at = run_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) >= 1


def test_overview_totals_equal_the_2017_report(app_env):
    at = run_page("overview.py", "vi")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tổ an ninh nhân dân"] == "233 tổ"
    assert metrics["Tin báo có giá trị"] == "115 tin"
    assert metrics["Tỷ lệ tin báo có giá trị"] == "75,2 %"
    assert metrics["Vũ khí thu hồi"] == "Chưa có số liệu"
    assert any("DỮ LIỆU MẪU" in w.value for w in at.warning)


def test_overview_in_english(app_env):
    at = run_page("overview.py", "en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["People's security teams"] == "233 teams"
    assert metrics["Valuable-tip rate"] == "75.2 %"


def test_map_page_shows_the_join_report_and_legend(app_env):
    at = run_page("map.py", "vi")
    texts = " ".join(m.value for m in at.markdown)
    assert "antt-legend" in texts and "Chưa có số liệu" in texts
    assert any("14/14" in e.label for e in at.expander)


def test_profile_lists_every_indicator(app_env):
    """Every indicator valid in the sample's period (2017), none of the later law's."""
    from geo.reference.catalog import load_catalog

    at = run_page("profile.py", "vi")
    df = at.dataframe[0].value
    assert len(df) == len(load_catalog().valid_in("2017")) == 32
    assert not any("Tổ bảo vệ an ninh, trật tự" in str(n) for n in df.iloc[:, 0])


def test_no_polygons_falls_back_to_centroids(app_env, monkeypatch, tmp_path):
    empty = tmp_path / "no-boundaries"
    empty.mkdir()
    monkeypatch.setenv("ANTT_BOUNDARY_DIR", str(empty))
    at = run_page("map.py", "vi")
    assert not at.exception
    assert any("vietnamadminunits" in i.value for i in at.info)


def test_2025_communes_open_on_their_own_2025_sample(app_env):
    """No period chosen: the newest with data for the set, its own illustrative 2025 sample, with its banner;
    the period picker still offers 2017 (through the crosswalk)."""
    at = run_page("map.py", "vi", session={"boundary_set": "dien-bien-dong-2025"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="period").value == "2025"
    assert at.selectbox(key="period").options == ["Năm 2017", "Năm 2025"]
    assert any("MINH HỌA 2025" in w.value for w in at.warning)
    assert not any("bảng chuyển đổi 2025" in i.value for i in at.info)  # its own data, not converted
    options = " ".join(at.selectbox(key="map_indicator").options)
    assert "Tổ bảo vệ an ninh, trật tự" in options and "Tổ bảo vệ dân phố" not in options


def test_2025_communes_show_the_2017_data_through_the_crosswalk(app_env):
    at = run_page("overview.py", "vi", session={"boundary_set": "dien-bien-dong-2025", "period": "2017"})
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tổ an ninh nhân dân"] == "233 tổ"  # the 6 new communes keep the 14 old units' total
    assert metrics["Tin báo có giá trị"] == "115 tin"
    assert any("bảng chuyển đổi 2025" in i.value for i in at.info)
    assert any("DỮ LIỆU MẪU" in w.value for w in at.warning)  # still sample
    assert not any("MINH HỌA 2025" in w.value for w in at.warning)  # the 2017 sample's banner, not 2025's
    at = run_page("profile.py", "vi", session={"boundary_set": "dien-bien-dong-2025", "period": "2017"})
    assert not at.exception and len(at.selectbox(key="profile_unit").options) == 6


def test_change_page_with_two_periods(app_env):
    from geo.access.auth import Actor, authorized_store
    from geo.reference.sample import sample_rows

    store = authorized_store()
    store.ensure_ready()
    rows = sample_rows()
    for r in rows:
        r["values"]["tips_received"] += 2
    rows[1]["values"]["tips_received"] = None  # Na Son missing in 2018: no change shown, not a drop to zero
    store.import_rows(rows, boundary_set="dien-bien-dong-pre2025", period="2018", user=Actor.cli("test"))
    store.dispose()
    at = run_page("change.py", "vi", session={"change_indicator": "tips_received"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Năm 2017"] == "153" and metrics["Năm 2018"] == "169"  # 153 - 10 (Na Son) + 13 × 2
    assert at.checkbox(key="change_cumulative").value is False  # offered: tips are a flow
    assert at.select_slider(key="change_slider").value == "2018"  # the period-by-period map


@pytest.mark.parametrize("kind, before, after", [(None, "Năm 2017", "Năm 2018"), ("quarter", "Quý 1/2018", "Quý 2/2018")])
def test_change_page_compares_periods_of_one_type(app_env, kind, before, after):
    """Years and quarters of one set: the page offers the type, and its two pickers and its trend hold only
    periods of that type (a quarter beside its year counts the same tips twice)."""
    from geo.access.auth import Actor, authorized_store
    from geo.reference.sample import sample_rows

    store = authorized_store()
    store.ensure_ready()
    for period in ("2018", "2018-Q1", "2018-Q2"):
        store.import_rows(sample_rows(), boundary_set="dien-bien-dong-pre2025", period=period, user=Actor.cli("test"))
    store.dispose()
    session = {"change_indicator": "tips_received", **({"change_kind": kind} if kind else {})}
    at = run_page("change.py", "vi", session=session)
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="change_kind")
    assert picker.value == (kind or "year") and set(picker.options) == {"Năm", "Quý"}
    pickers = [at.selectbox(key="change_before"), at.selectbox(key="change_after")]
    assert [p.value for p in pickers] == (["2018-Q1", "2018-Q2"] if kind else ["2017", "2018"])
    assert set(pickers[0].options) == {before, after}
    assert set(at.select_slider(key="change_slider").options) == {before, after}


def test_change_page_switching_the_type_keeps_both_pickers_on_that_type(app_env):
    from geo.access.auth import Actor, authorized_store
    from geo.reference.sample import sample_rows

    store = authorized_store()
    store.ensure_ready()
    for period in ("2018", "2018-Q1", "2018-Q2"):
        store.import_rows(sample_rows(), boundary_set="dien-bien-dong-pre2025", period=period, user=Actor.cli("test"))
    store.dispose()
    at = run_page("change.py", "vi", session={"change_indicator": "tips_received"})
    at.selectbox(key="change_before").select("2017").run()
    at.selectbox(key="change_kind").select("quarter").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [at.selectbox(key=k).value for k in ("change_before", "change_after")] == ["2018-Q1", "2018-Q2"]


def test_reform_page_shows_both_vintages_with_equal_totals(app_env):
    at = run_page("reform.py", "vi", session={"reform_indicator": "teams_security"})
    assert not at.exception, [e.value for e in at.exception]
    totals = [m.value for m in at.metric]
    assert totals == ["233", "233"]
    table = at.dataframe[0].value
    assert len(table) == 6


@pytest.mark.parametrize("area", [
    {"dien-bien-dong-pre2025": {"parent_1": "Điện Biên", "parent_0": "Huyện Điện Biên Đông"}},
    {"dien-bien-dong-2025": {"parent_0": "Lai Châu"}},  # a sidebar area none of the set's communes is in
])
def test_reform_page_draws_the_whole_sets_whatever_the_sidebars_area(app_env, area):
    """The page compares whole vintages: its maps draw every unit of both sets, as its numbers count them,
    not the area chosen in the sidebar (it drew that area's units only, or failed on an empty one)."""
    from geo.units.boundaries import unit_list

    at = run_page("reform.py", "vi", session={"reform_indicator": "teams_security", "area": area})
    assert not at.exception, [e.value for e in at.exception]
    maps = [e.proto.json_args for e in at.get("component_instance")]
    assert len(maps) == 2
    for drawn, set_id in zip(maps, ["dien-bien-dong-pre2025", "dien-bien-dong-2025"]):
        assert all(code in drawn for code in unit_list(set_id)["code"]), set_id


def test_national_set_with_province_and_district_breadcrumb(app_env):
    area = {"vn-pre2025": {"parent_1": "Điện Biên", "parent_0": "Huyện Điện Biên Đông"}}
    at = run_page("map.py", "vi", session={"boundary_set": "vn-pre2025", "area": area})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Toàn quốc › Điện Biên › Huyện Điện Biên Đông" in c.value for c in at.sidebar.caption)
    at = run_page("profile.py", "vi", session={"boundary_set": "vn-pre2025", "area": area})
    assert not at.exception
    options = at.selectbox(key="profile_unit").options
    assert len(options) == 14  # the district's units only


def test_anonymous_viewer_gets_public_downloads_only(app_env):
    at = run_page("map.py", "vi", session={"map_indicator": "households_reminded"})
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "chỉ các chỉ số công khai" in captions
    assert "cần quyền biên tập để tải bản đồ" in captions


def test_national_map_aggregated_by_province(app_env):
    at = run_page("map.py", "vi", timeout=600, session={"boundary_set": "vn-2025", "map_by_province": True})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Bấm vào một tỉnh" in c.value for c in at.caption)
    legend = next(m.value for m in at.markdown if "antt-legend" in m.value)
    counts = [int(n) for n in re.findall(r"\((\d+) tỉnh/thành phố\)", legend)]
    assert sum(counts) == 34 and " xã)" not in legend  # the legend counts the 34 provinces it shows, not communes


def test_the_map_page_offers_its_view_as_a_geopackage_public_for_viewers(app_env):
    """The GeoPackage button's file is the view's layer: public indicators only for a viewer (as the API)."""
    import pyogrio

    from geo.reference.catalog import load_catalog
    from pages.shared.data import frame_key as _key
    from pages.shared.data import gpkg_file as _gpkg
    from pages.shared.data import load_view

    at = run_page("map.py", "vi")
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Lớp bản đồ GIS (GeoPackage)" in labels
    view = load_view("dien-bien-dong-pre2025", None, ())
    cat = load_catalog()
    for public_only in (True, False):
        path = app_env / f"view-{public_only}.gpkg"
        path.write_bytes(_gpkg(_key(view.frame, "dien-bien-dong-pre2025"), public_only, view.units, view.frame))
        back = pyogrio.read_dataframe(path, layer="dien-bien-dong-pre2025")
        internal = [c for c in back.columns if c in cat and not cat[c].public]
        assert len(back) == 14 and bool(internal) == (not public_only)
