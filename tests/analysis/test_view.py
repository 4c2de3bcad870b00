import pytest

from geo.analysis.view import View, ViewMeta, load_view
from geo.store.database import Store


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'antt.db'}")
    s.ensure_ready()  # the built-in 2017 sample as version 1
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


def test_view_on_the_2025_set_says_it_was_converted(store):
    view = load_view("dien-bien-dong-2025", None, (), "whole", store)
    assert len(view.frame) == 6
    assert view.meta.converted_from == "dien-bien-dong-pre2025"
    assert view.meta.sample


def test_area_restricts_units_and_frame_but_not_the_join_report(store):
    whole = load_view("dien-bien-dong-pre2025", None, (), "whole", store)
    area = (("parent_0", whole.units["parent_0"].iloc[0]),)
    view = load_view("dien-bien-dong-pre2025", None, area, "whole", store)
    assert view.meta.area == area
    assert len(view.frame) == len(view.units) == 14  # the whole district is one parent
    assert len(view.join_report.matched) == len(whole.join_report.matched)
