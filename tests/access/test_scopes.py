"""geo.access.scopes (issue 20): accounts scoped to provinces or communes; the store's authorize hook refuses a
write naming any unit outside the scope and stores nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from geo.access import auth, scopes
from geo.access.auth import Actor, authorized_store
from geo.store.database import AccessDenied, StoreError

CLI = Actor("ops", "admin", "cli")
PROVINCE, NATIONAL, OLD = "dien-bien-dong-2025", "vn-2025", "dien-bien-dong-pre2025"
SIX = ["03203", "03208", "03214", "03370", "03382", "03385"]
HANOI = "00004"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}" if request.param == "sqlite" else request.getfixturevalue(
        "postgres_db_url")
    s = authorized_store(url)
    s.ensure_ready()
    auth.add_user(s, "tinh", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    auth.add_user(s, "ca-nuoc", "editor", "nhap-so-lieu-3", by=CLI)
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    scopes.set_scope(s, "tinh", ["Điện Biên"], by=CLI)
    scopes.set_scope(s, "xa", ["3203"], by=CLI)
    yield s
    s.dispose()


def rows(codes):
    return [{"unit_code": c, "unit_name": f"Xã {c}", "values": {"teams_security": 1}} for c in codes]


def count(store):
    with store.engine.connect() as conn:
        return [conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("import_versions", "version_units", "observations")]


@pytest.mark.parametrize("given, parsed", [
    (["Điện Biên"], [("province", "Điện Biên", None)]),
    (["tỉnh điện biên", "DIEN BIEN"], [("province", "Điện Biên", None)]),
    (["3203", "03208"], [("unit", "03203", "2025"), ("unit", "03208", "2025")]),  # a code: today's unit
    (["pre2025:03205"], [("unit", "03205", "pre2025")]),                           # the unit before 1/7/2025
    (["PRE2025 : 3203"], [("unit", "03203", "pre2025")]),
    (["2025:03203"], [("unit", "03203", "2025")]),
    (["03203", "pre2025:03203"], [("unit", "03203", None)]),                       # both vintages: one row
    (["2025+pre2025:03203"], [("unit", "03203", None)]),
    ([], []),
])
def test_parse_scope(given, parsed):
    assert scopes.parse_scope(given) == parsed


@pytest.mark.parametrize("given, message", [
    (["Điện Bàn Xa"], "Không có tỉnh"),
    (["99999"], "mã 99999"),
    (["03205"], "ghi 'pre2025:03205'"),  # 03205 (old Na Son) is no unit since 1/7/2025: the message says how
    (["x:03203"], "giai đoạn không rõ"),
    (["pre2025:99999"], "mã 99999"),
])
def test_unknown_scopes_are_refused(given, message):
    with pytest.raises(scopes.ScopeError, match=message):
        scopes.parse_scope(given)


@pytest.mark.parametrize("who, codes, set_id, allowed", [
    ("tinh", SIX, PROVINCE, True),
    ("tinh", SIX[:2], NATIONAL, True),            # the same communes on the national drawing
    ("tinh", [SIX[0], HANOI], NATIONAL, False),   # one unit outside: the whole file is refused
    ("xa", ["03203"], PROVINCE, True),
    ("xa", ["03203", "03208"], PROVINCE, False),
    ("ca-nuoc", [HANOI, *SIX], NATIONAL, True),   # no scope: the whole country
    ("quan", [HANOI], NATIONAL, True),            # admins are unscoped
])
def test_the_store_refuses_writes_outside_the_scope(store, who, codes, set_id, allowed):
    role = "admin" if who == "quan" else "editor"
    before = count(store)
    if allowed:
        store.import_rows(rows(codes), boundary_set=set_id, period="2026", user=Actor(who, role, "local"))
        assert count(store)[0] == before[0] + 1
        return
    with pytest.raises(AccessDenied) as exc:
        store.import_rows(rows(codes), boundary_set=set_id, period="2026", user=Actor(who, role, "local"))
    text = str(exc.value)
    outside = [c for c in codes if c not in (SIX if who == "tinh" else ["03203"])]
    assert who in text and "2026" in text and outside
    assert all(f"Xã {c} ({c})" in text for c in outside) and "Không có gì được lưu" in text
    assert count(store) == before


def test_the_command_line_operator_acts_with_its_accounts_scope(store, tmp_path):
    s = authorized_store(store.url)  # as the command line opens it: --user names an account, within its scope
    with pytest.raises(AccessDenied, match="03208"):
        s.import_rows(rows(["03208"]), boundary_set=PROVINCE, period="2026", user=Actor.cli("xa"))
    assert s.import_rows(rows(["03203"]), boundary_set=PROVINCE, period="2026", user=Actor.cli("xa"))
    s.dispose()


def test_rollback_and_replacement_stay_within_the_scope(store):
    v = store.import_rows(rows(SIX), boundary_set=PROVINCE, period="2026", user=Actor("tinh", "editor", "local"))
    store.import_rows(rows(SIX), boundary_set=PROVINCE, period="2026", user=Actor("tinh", "editor", "local"))
    with pytest.raises(AccessDenied, match="03208"):  # v covered all six communes
        store.rollback(v, user=Actor("xa", "editor", "local"))
    with pytest.raises(AccessDenied, match="03385"):  # replacing the area would clear the other five
        store.import_rows(rows(["03203"]), boundary_set=PROVINCE, period="2026", user=Actor("xa", "editor", "local"),
                          replace_area=True)
    assert store.rollback(v, user=Actor("tinh", "editor", "local"))


def test_scope_changes_are_audited_and_admins_are_never_scoped(store):
    assert scopes.set_scope(store, "xa", ["03203", "03208"], by=CLI) == [("unit", "03203", "2025"),
                                                                        ("unit", "03208", "2025")]
    assert scopes.all_scopes(store) == {"tinh": ["Điện Biên"], "xa": ["2025:03203", "2025:03208"]}
    entry = store.audit_log(action="user_scope")[0]
    assert (entry["user"], entry["detail"]) == ("ops", {"name": "xa", "scope": ["2025:03203", "2025:03208"]})
    with pytest.raises(StoreError, match="quản trị"):
        scopes.set_scope(store, "quan", ["Điện Biên"], by=CLI)
    with pytest.raises(AccessDenied):
        scopes.set_scope(store, "xa", [], by=Actor("tinh", "editor", "local"))
    assert scopes.set_scope(store, "xa", [], by=CLI) == [] and "xa" not in scopes.all_scopes(store)


def test_cli_users_scope(tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    assert main(["users", "add", "tinh", "--role", "editor", "--scope", "Điện Biên"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    assert main(["users", "add", "xa", "--role", "editor", "--scope", "03203", "--scope", "3208"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    assert main(["users", "add", "sai", "--role", "editor", "--scope", "Không Có"]) == 1
    assert "Không có tỉnh" in capsys.readouterr().err
    assert main(["users", "set-scope", "xa", "03203", "pre2025:03205"]) == 0
    assert "2025:03203, pre2025:03205" in capsys.readouterr().out
    assert main(["users", "list", "--json"]) == 0
    listed = {u["name"]: u["scope"] for u in json.loads(capsys.readouterr().out)}
    # the refused account was never created; each code shows the vintage it holds for
    assert listed == {"tinh": ["Điện Biên"], "xa": ["2025:03203", "pre2025:03205"]}
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "Điện Biên" in out and "2025:03203" in out and "pre2025:03205" in out


def test_oidc_accounts_are_scoped_the_same_way(store):
    auth.add_user(store, "xa@cand.vn", "editor", by=CLI, auth="oidc")
    scopes.set_scope(store, "xa@cand.vn", ["03203"], by=CLI)
    oidc = Actor("xa@cand.vn", "editor", "oidc")
    assert store.import_rows(rows(["03203"]), boundary_set=PROVINCE, period="2026", user=oidc)
    with pytest.raises(AccessDenied, match="03208"):
        store.import_rows(rows(["03208"]), boundary_set=PROVINCE, period="2026", user=oidc)


@pytest.mark.parametrize("scope, set_id, allowed", [
    (["03203"], PROVINCE, True),            # today's Na Son
    (["03203"], OLD, False),                # not Thị trấn Điện Biên Đông, which had the same code before 2025
    (["pre2025:03203"], OLD, True),
    (["pre2025:03203"], PROVINCE, False),
    (["2025+pre2025:03203"], OLD, True),    # what a scope row from before migration 0010 means
    (["2025+pre2025:03203"], PROVINCE, True),
])
def test_a_code_scope_holds_for_the_vintage_it_was_given_for(store, scope, set_id, allowed):
    scopes.set_scope(store, "xa", scope, by=CLI)
    period = "2024" if set_id == OLD else "2026"
    write = lambda: store.import_rows(rows(["03203"]), boundary_set=set_id, period=period,  # noqa: E731
                                      user=Actor("xa", "editor", "local"))
    if allowed:
        assert write()
        return
    with pytest.raises(AccessDenied, match="03203"):
        write()


@pytest.mark.parametrize("who, role, level", [
    ("xa", "editor", "commune"), ("tinh", "editor", "province"), ("ca-nuoc", "editor", "national"),
    ("quan", "admin", "admin"),
])
def test_each_version_records_its_senders_level(store, who, role, level):
    v = store.import_rows(rows(["03203"]), boundary_set=PROVINCE, period="2026", user=Actor(who, role, "local"))
    with store.engine.connect() as conn:
        got = conn.execute(sa.text("SELECT submitted_level FROM import_versions WHERE id = :v"), {"v": v}).scalar()
    assert got == level
    # the command line: a name that is no account is an operator
    store.import_rows(rows(["03208"]), boundary_set=PROVINCE, period="2026", user=Actor.cli("nobody"))
    assert store.report_states(PROVINCE, "2026")["03208"]["submitted_level"] == "operator"
