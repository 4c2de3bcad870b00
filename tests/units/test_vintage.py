import pytest

from geo.access.auth import authorized_store
from geo.analysis.table import district_totals
from geo.units.vintage import (
    drawn_codes,
    is_official_code,
    period_vintage,
    periods_on_set,
    sets_of_vintage,
    sources_for,
    table_on_set,
)

OLD, NEW = "dien-bien-dong-pre2025", "dien-bien-dong-2025"


@pytest.fixture
def store(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path}/v.sqlite")
    s.ensure_ready()
    yield s
    s.dispose()


def test_sources_and_periods(store):
    assert sources_for(NEW) == [OLD]
    assert sources_for(OLD) == []
    assert periods_on_set(store, NEW) == ["2017", "2025"]  # 2017 through the crosswalk, 2025 its own sample


@pytest.mark.parametrize("method", ["whole", "area"])
def test_2017_on_the_2025_communes(store, method):
    t = table_on_set(store, NEW, "2017", method)
    assert len(t) == 6 and t.attrs["converted_from"] == OLD and t.attrs["method"] == method
    assert t.attrs["sample"] is True and t.attrs["version"] == store.latest_version(OLD, "2017") is not None
    totals = district_totals(t)
    assert totals["teams_security"] == 233 and totals["villages_total"] == 243 and totals["tips_valuable"] == 115
    assert totals["valuable_tip_rate"] == pytest.approx(100 * 115 / 153)


def test_own_data_wins_over_conversion(store):
    t = table_on_set(store, OLD, "2017")
    assert "converted_from" not in t.attrs and len(t) == 14


def test_no_data_gives_an_empty_table(store):
    t = table_on_set(store, NEW, "2019")
    assert len(t) == 0 and t.attrs["period"] == "2019"


def test_cli_table_answers_on_the_2025_vintage(store, monkeypatch, capsys):
    import json

    from geo.cli import main

    monkeypatch.setenv("ANTT_DATABASE_URL", store.url)
    assert main(["table", "--boundaries", NEW, "--period", "2017", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["converted_from"] == OLD and out["method"] == "whole" and len(out["rows"]) == 6
    assert all(r["approximate"] is False for r in out["rows"])
    assert sum(r["values"]["teams_security"] for r in out["rows"]) == 233
    tia_dinh = next(r for r in out["rows"] if r["unit_code"] == "03385")
    assert tia_dinh["values"]["teams_security"] == 23  # old Tìa Dình 13 + Háng Lìa 10


@pytest.mark.parametrize("period, vintage", [
    ("2024", "pre2025"), ("2025-Q2", "pre2025"), ("2025-06", "pre2025"), ("2025-07", "2025"),
    ("2025-Q3", "2025"), ("2025", "2025"), ("2017", "pre2025"), ("2026-01", "2025"),
])
def test_the_period_decides_the_vintage(period, vintage):
    assert period_vintage(period) == vintage


@pytest.mark.parametrize("code, official", [("03203", True), ("1234567", False), ("3203", False), ("0320a", False)])
def test_official_codes(code, official):
    assert is_official_code(code) is official


def test_sets_of_a_vintage_and_the_codes_they_draw():
    assert sets_of_vintage(NEW) == (NEW, "vn-2025") and sets_of_vintage(OLD) == (OLD, "vn-pre2025")
    assert drawn_codes(NEW) == {"03203", "03208", "03214", "03370", "03382", "03385"} <= drawn_codes("vn-2025")
