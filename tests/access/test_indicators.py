"""Admin-defined indicators: stored, audited, admin only, merged into the catalog everywhere at once."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geo.access import auth
from geo.access.auth import Actor, authorized_store
from geo.access.indicators import (
    IndicatorError,
    add_indicator,
    edit_indicator,
    install_definitions,
    retire_indicator,
)
from geo.reference.catalog import load_catalog
from geo.store.database import AccessDenied

SET = "dien-bien-dong-pre2025"
SET_2025 = "dien-bien-dong-2025"  # a period ending after 30/6/2025 goes to the 2025 units (issue 20)


def list_definitions(store) -> list[dict]:
    """The stored definitions, read from their table (what the store keeps, whatever the catalog shows)."""
    import sqlalchemy as sa

    from geo.store.schema import indicator_definitions

    rows = store.execute_read_fn(lambda conn: conn.execute(
        sa.select(indicator_definitions).order_by(indicator_definitions.c.created_at)).all())
    return [{"id": r.id, "retired": bool(r.retired), "created_by": r.created_by} for r in rows]


CLI = Actor("ops", "admin", "cli")
NEW = {"id": "drug_free_villages", "vi": "Số bản không có ma túy", "en": "Drug-free villages",
       "short_vi": "Bản không ma túy", "short_en": "Drug-free", "unit_vi": "bản", "unit_en": "villages",
       "kind": "count", "direction": "up", "group": "models", "public": True, "valid_from": "2025-01-01",
       "legal_basis": "Kế hoạch của UBND tỉnh", "aliases": ["ban khong ma tuy", "bkmt"],
       "description_vi": "Bản được công nhận không có ma túy.", "description_en": "Villages recognized drug-free."}


@pytest.fixture
def store(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    s.ensure_ready()
    auth.add_user(s, "bien", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    install_definitions(s)
    yield s
    s.dispose()


def test_added_indicator_is_in_the_catalog_template_and_store(store):
    from geo.intake.ingest import validate_file
    from geo.intake.template import template_bytes

    add_indicator(store, NEW, by=CLI)
    cat = load_catalog()
    assert cat["drug_free_villages"].origin == "store" and cat["drug_free_villages"].aliases == ("ban khong ma tuy", "bkmt")
    assert "drug_free_villages" in cat.valid_in("2025").map_choices()
    assert "drug_free_villages" not in cat.valid_in("2024")
    csv_text = template_bytes(SET_2025, period="2025", fmt="csv").decode("utf-8-sig")
    assert "Số bản không có ma túy (bản)" in csv_text.splitlines()[1]
    assert "Số bản không có ma túy" not in template_bytes(SET, period="2017", fmt="csv").decode("utf-8-sig")
    # filled in and imported: stored as observations with no schema change
    grid = list(csv.reader(io.StringIO(csv_text)))
    col = grid[1].index("Số bản không có ma túy (bản)")
    for line in grid[2:]:
        line[col] = "4"
    out = io.StringIO()
    csv.writer(out).writerows(grid)
    filled = out.getvalue().splitlines()
    report = validate_file("\r\n".join(filled).encode("utf-8"), boundary_set=SET_2025, file_name="f.csv")
    assert report.ok, [p.message for p in report.errors]
    store.import_rows(report.rows, boundary_set=SET_2025, period="2025", user=Actor.cli("ops"))  # 2025: the new communes
    table = store.current_table(SET_2025, "2025")
    assert table["drug_free_villages"].sum() == 4 * 6
    entry = store.audit_log(action="indicator_add")[0]
    assert entry["user"] == "ops" and entry["detail"]["id"] == "drug_free_villages"


@pytest.mark.parametrize("actor", [Actor("bien", "editor", "local"), Actor("nobody", "admin", "local"),
                                   Actor.anonymous(), "ops"])
def test_only_admins_define_indicators(store, actor):
    with pytest.raises(AccessDenied):
        add_indicator(store, NEW, by=actor)
    assert "drug_free_villages" not in load_catalog()


def test_a_signed_in_admin_may(store):
    add_indicator(store, NEW, by=Actor("quan", "admin", "local"))
    assert list_definitions(store)[0]["created_by"] == "quan"


@pytest.mark.parametrize("change, message", [
    ({"id": "Bad Id"}, "không hợp lệ"),
    ({"id": "teams_security"}, "đã có"),
    ({"kind": "bogus"}, "Loại"),
    ({"kind": "share", "numerator": "tips_valuable", "denominator": "nothing_here"}, "không hợp lệ"),
    ({"valid_from": "2025-01-01", "valid_to": "2024-01-01"}, "sau ngày hết hiệu lực"),  # Vietnamese throughout
    ({"valid_from": "1/7/2024"}, "không phải ngày"),
    ({"vi": ""}, "Thiếu"),
    ({"parts": ["nothing_here"]}, "mức xếp loại"),
])
def test_malformed_definitions_are_refused(store, change, message):
    with pytest.raises(IndicatorError, match=message):
        add_indicator(store, {**NEW, **change}, by=CLI)
    assert list_definitions(store) == []


def test_a_share_of_two_others(store):
    add_indicator(store, NEW, by=CLI)
    add_indicator(store, {**NEW, "id": "drug_free_share", "vi": "Tỷ lệ bản không có ma túy", "en": "Drug-free share",
                          "kind": "share", "numerator": "drug_free_villages", "denominator": "villages_total",
                          "unit_vi": "%", "unit_en": "%"}, by=CLI)
    ind = load_catalog()["drug_free_share"]
    assert ind.derived and ind.compute(3, 12) == 25.0
    assert "drug_free_share" not in [i.id for i in load_catalog().base()]


def test_edit_keeps_kind_and_changes_the_rest(store):
    add_indicator(store, NEW, by=CLI)
    edit_indicator(store, "drug_free_villages", {"en": "Villages free of drugs", "aliases": "bkmt; ban sach ma tuy",
                                                  "valid_from": ""}, by=CLI)
    ind = load_catalog()["drug_free_villages"]
    assert ind.en == "Villages free of drugs" and ind.aliases == ("bkmt", "ban sach ma tuy") and ind.valid_from is None
    with pytest.raises(IndicatorError, match="kind"):
        edit_indicator(store, "drug_free_villages", {"kind": "amount"}, by=CLI)
    assert [e["action"] for e in store.audit_log(action=["indicator_add", "indicator_edit"])] == \
        ["indicator_edit", "indicator_add"]


def test_a_seed_indicator_can_be_edited_by_an_admin(store):
    edit_indicator(store, "teams_mediation", {"aliases": ["to hoa giai co so"]}, by=CLI)
    ind = load_catalog()["teams_mediation"]
    assert ind.aliases == ("to hoa giai co so",) and ind.origin == "store"
    assert load_catalog().ids.index("teams_mediation") == 2


def test_an_edited_or_retired_recognized_count_keeps_its_grade_check(store):
    grades = load_catalog()["villages_recognized"].parts
    edit_indicator(store, "villages_recognized", {"aliases": ["kdc dat chuan antt"]}, by=CLI)
    assert load_catalog()["villages_recognized"].parts == grades and len(grades) == 3
    retire_indicator(store, "commune_recognized", by=CLI, on="2030-12-31")
    assert load_catalog()["commune_recognized"].parts == tuple(g.replace("villages", "commune") for g in grades)
    from geo.reference.catalog import parts_problems

    bad = {"villages_recognized": 5, **{g: 2 for g in grades}}  # 6 graded of 5 recognized: still caught
    assert [p["sum"] for p in parts_problems(bad, load_catalog())] == [6]


def test_retired_indicator_keeps_its_history_for_the_periods_it_was_valid(store):
    add_indicator(store, {**NEW, "valid_from": "2020-01-01"}, by=CLI)
    rows = [{"unit_code": "03205", "unit_name": "Na Son", "values": {"drug_free_villages": 5}}]
    store.import_rows(rows, boundary_set=SET, period="2023", user=Actor.cli("ops"))
    retire_indicator(store, "drug_free_villages", by=CLI, on="2024-12-31")
    cat = load_catalog()
    assert cat["drug_free_villages"].retired and "drug_free_villages" in cat
    assert "drug_free_villages" in cat.valid_in("2023") and "drug_free_villages" not in cat.valid_in("2025")
    assert store.current_table(SET, "2023").loc["03205", "drug_free_villages"] == 5
    assert list_definitions(store)[0]["retired"] is True


def test_command_line_lists_adds_edits_retires(tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "truc-ban")
    assert main(["indicators", "list", "--period", "2025", "--json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert "teams_security_order" in listed and "teams_street_protection" not in listed
    assert listed["teams_security_order"]["valid_from"] == "2024-07-01"
    assert listed["villages_recognized"]["legal_basis"].startswith("Thông tư 124/2021/TT-BCA")
    assert all("valid_from" in r and "valid_to" in r and r["legal_basis"] for r in listed.values())
    assert main(["indicators", "list", "--period", "2017", "--json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["teams_street_protection"]["valid_to"] == "2024-06-30"
    assert listed["teams_street_protection"]["replaced_by"] == ["teams_security_order"]

    assert main(["indicators", "add", "drug_free_villages", "--vi", "Số bản không có ma túy", "--en", "Drug-free",
                 "--unit-vi", "bản", "--unit-en", "villages", "--kind", "count", "--direction", "up",
                 "--group", "models", "--valid-from", "2025-01-01", "--alias", "bkmt", "--internal"]) == 0
    assert main(["indicators", "add", "drug_free_villages", "--vi", "x", "--en", "x", "--unit-vi", "x",
                 "--unit-en", "x", "--kind", "count", "--direction", "up", "--group", "g"]) == 1
    assert "đã có" in capsys.readouterr().err
    assert main(["indicators", "edit", "drug_free_villages", "--en", "Drug-free villages"]) == 0
    out = tmp_path / "t.csv"
    assert main(["template", str(out), "--period", "2025"]) == 0
    assert "Số bản không có ma túy (bản)" in out.read_text(encoding="utf-8-sig")
    assert main(["indicators", "retire", "drug_free_villages", "--on", "2025-12-31"]) == 0
    capsys.readouterr()
    assert main(["indicators", "list", "--period", "2026", "--json"]) == 0
    assert "drug_free_villages" not in {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert main(["indicators", "list", "--json"]) == 0
    mine = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "drug_free_villages")
    assert (mine["retired"], mine["public"], mine["en"], mine["origin"]) == (True, False, "Drug-free villages", "store")
    s = authorized_store()
    assert [e["user"] for e in s.audit_log(action=["indicator_add", "indicator_edit", "indicator_retire"])] == \
        ["truc-ban"] * 3
    s.dispose()
