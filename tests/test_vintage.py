import pytest

from geo.store import Store
from geo.table import district_totals
from geo.vintage import periods_on_set, sources_for, table_on_set

OLD, NEW = "dien-bien-dong-pre2025", "dien-bien-dong-2025"


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/v.sqlite")
    s.ensure_ready()
    yield s
    s.dispose()


def test_sources_and_periods(store):
    assert sources_for(NEW) == [OLD]
    assert sources_for(OLD) == []
    assert periods_on_set(store, NEW) == ["2017"]


@pytest.mark.parametrize("method", ["whole", "area"])
def test_2017_on_the_2025_communes(store, method):
    t = table_on_set(store, NEW, "2017", method)
    assert len(t) == 6 and t.attrs["converted_from"] == OLD and t.attrs["method"] == method
    assert t.attrs["sample"] is True and t.attrs["version"] == 1
    totals = district_totals(t)
    assert totals["teams_security"] == 233 and totals["villages_total"] == 243 and totals["tips_valuable"] == 115
    assert totals["valuable_tip_rate"] == pytest.approx(100 * 115 / 153)


def test_own_data_wins_over_conversion(store):
    t = table_on_set(store, OLD, "2017")
    assert "converted_from" not in t.attrs and len(t) == 14


def test_no_data_gives_an_empty_table(store):
    t = table_on_set(store, NEW, "2019")
    assert len(t) == 0 and t.attrs["period"] == "2019"
