import pytest

from geo.analysis.view import View, ViewMeta, load_view
from geo.store.database import Store


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'antt.db'}")
    s.ensure_ready()  # the built-in samples: 2017 on the old units, the illustrative 2025 on the new communes
    return s


def test_view_of_the_sample_district_carries_typed_meta(store):
    view = load_view("dien-bien-dong-pre2025", None, (), "whole", store)
    assert isinstance(view, View)
    assert len(view.units) == len(view.frame) == 14
    assert list(view.frame.index) == list(view.units["code"])
    assert view.join_report.complete
    assert view.meta == ViewMeta("dien-bien-dong-pre2025", "2017", view.meta.version, True, None, "whole", (),
                                 (), False)
    assert view.meta.version is not None and view.frame.attrs["version"] == view.meta.version


def test_view_on_the_2025_set_opens_its_own_2025_data(store):
    view = load_view("dien-bien-dong-2025", None, (), "whole", store)  # no period: the newest with data
    assert len(view.frame) == 6
    assert view.meta.period == "2025" and view.meta.converted_from is None
    assert view.meta.sample and view.meta.version == store.latest_version("dien-bien-dong-2025", "2025")


def test_view_on_the_2025_set_of_2017_says_it_was_converted(store):
    view = load_view("dien-bien-dong-2025", "2017", (), "whole", store)
    assert len(view.frame) == 6
    assert view.meta.converted_from == "dien-bien-dong-pre2025"
    assert view.meta.sample and view.meta.version == store.latest_version("dien-bien-dong-pre2025", "2017")


def test_area_restricts_units_and_frame_but_not_the_join_report(store):
    whole = load_view("dien-bien-dong-pre2025", None, (), "whole", store)
    area = (("parent_0", whole.units["parent_0"].iloc[0]),)
    view = load_view("dien-bien-dong-pre2025", None, area, "whole", store)
    assert view.meta.area == area
    assert len(view.frame) == len(view.units) == 14  # the whole district is one parent
    assert len(view.join_report.matched) == len(whole.join_report.matched)


def test_aggregates_sum_counts_and_recompute_shares_from_the_summed_parts():
    import math

    import pandas as pd

    from geo.analysis.view import aggregate_frame
    from geo.reference.frames import indicator_values

    frame = pd.DataFrame({"unit_name": ["a", "b", "c"], "villages_total": [10.0, 30.0, float("nan")],
                          "villages_signed": [10.0, 15.0, float("nan")], "teams_security": [1.0, 2.0, 3.0]},
                         index=["1", "2", "3"])
    out = aggregate_frame(frame, ["P", "P", "Q"])
    assert list(out.index) == ["P", "Q"] and list(out["unit_name"]) == ["P", "Q"]
    assert out.at["P", "teams_security"] == 3.0 and out.at["Q", "teams_security"] == 3.0
    assert math.isnan(out.at["Q", "villages_total"])  # no data stays no data, never 0
    share = indicator_values(out, "village_coverage")
    assert share["P"] == pytest.approx(100 * 25 / 40)  # not the mean of 100 % and 50 %


@pytest.mark.parametrize("mode", ["marked", "approved"])
def test_a_number_not_yet_approved_is_the_same_everywhere(store, monkeypatch, mode):
    """Map tooltip, profile's frame and the exports/API's feature table show one number for a unit not yet
    approved: marked beside it (the default), or left out in all of them."""
    from geo.carto.legend import tooltip_texts
    from geo.outputs.features import feature_table
    from geo.reference.catalog import load_catalog

    from geo.access.auth import Actor, authorized_store

    monkeypatch.setenv("ANTT_UNAPPROVED", mode)
    authorized_store(store.url).import_rows([{"unit_code": "03208", "unit_name": "Xã", "values": {"teams_security": 77}}],
                      boundary_set="vn-2025", period="2025", user=Actor.cli("tinh"))
    catalog = load_catalog()
    for set_id in ("dien-bien-dong-2025", "vn-2025"):
        frame = load_view(set_id, "2025", (), "whole", store).frame
        tip = tooltip_texts(frame, frame["teams_security"], catalog["teams_security"], catalog)["03208"][1]
        props = feature_table(frame, set_id, internal=True).loc["03208"]
        if mode == "marked":
            assert frame.at["03208", "teams_security"] == 77 and "77" in tip and "chưa duyệt" in tip
            assert props["teams_security"] == 77 and props["approved"] is not None and not props["approved"]
        else:
            assert frame["teams_security"].isna()["03208"] and "chưa duyệt" not in tip
            assert props["approved"] is None and props["teams_security"] != props["teams_security"]  # NaN
        sample_unit = feature_table(frame, set_id, internal=True).loc["03203"]
        assert sample_unit["approved"] is None  # the sample: nobody approves it
