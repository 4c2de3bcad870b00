"""The built-in samples: the 2017 report (district totals exact) and the illustrative 2025 period."""

from __future__ import annotations

import pytest

from geo.reference.catalog import load_catalog
from geo.reference.sample import SAMPLES, sample_banner_key, sample_rows

S2017, S2025 = SAMPLES


def _totals(info):
    out: dict[str, float] = {}
    for r in sample_rows(info):
        for k, v in r["values"].items():
            if v is not None:
                out[k] = out.get(k, 0) + v
    return out


@pytest.mark.parametrize("iid, total", [
    ("teams_security", 233), ("villages_total", 243), ("tips_received", 153), ("tips_valuable", 115),
    ("forums_held", 17), ("teams_street_protection", 10),
])
def test_2017_district_totals_equal_the_report(iid, total):
    assert _totals(S2017)[iid] == total


def test_2025_sample_uses_the_new_indicators_on_the_six_communes():
    rows = sample_rows(S2025)
    assert len(rows) == 6 and S2025.boundary_set == "dien-bien-dong-2025"
    cat = load_catalog()
    keys = set(rows[0]["values"])
    assert keys == {i.id for i in cat.valid_in("2025").base()}
    assert "teams_street_protection" not in keys and "villages_signed" not in keys
    tot = _totals(S2025)
    assert tot["teams_security_order"] == tot["villages_total"]  # one team per village (the law's rule)
    for r in rows:
        v = r["values"]
        assert v["villages_recognized"] <= v["villages_registered"] <= v["villages_total"]
        assert v["villages_recognized_excellent"] + v["villages_recognized_good"] + \
            v["villages_recognized_average"] == v["villages_recognized"]
        assert v["commune_recognized_excellent"] + v["commune_recognized_good"] + \
            v["commune_recognized_average"] == v["commune_recognized"]


@pytest.mark.parametrize("set_id, period, key", [
    ("dien-bien-dong-pre2025", "2017", "sample_banner"),
    ("dien-bien-dong-2025", "2025", "sample_banner_2025"),
    ("dien-bien-dong-2025", "2017", "sample_banner"),  # the 2017 sample carried through the crosswalk
])
def test_each_sample_has_its_banner(set_id, period, key):
    assert sample_banner_key(set_id, period) == key


def test_the_2025_sample_loads_as_a_sample_version(tmp_path, monkeypatch):
    from geo.access.auth import authorized_store
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    assert main(["load-sample", "dien-bien-dong-2025", "2025"]) == 2  # needs --yes
    assert main(["load-sample", "dien-bien-dong-2025", "2025", "--yes"]) == 0
    s = authorized_store()
    t = s.current_table("dien-bien-dong-2025", "2025")
    assert t.attrs["sample"] is True and len(t) == 6 and t["teams_security_order"].sum() == 243
    s.dispose()
