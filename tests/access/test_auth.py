"""Accounts, roles, sign-in throttling, session expiry and the core's role checks (geo.access.auth, geo.store.database)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from geo.access import auth
from geo.access.auth import Actor, authorized_store
from geo.store.database import AccessDenied, ActorRequired, StoreError
from geo.store.flags import mark_checked
from geo.store.engine import utcnow

SET = "dien-bien-dong-pre2025"
ROWS = [{"unit_code": "03205", "unit_name": "Na Son", "values": {"teams_security": 7}}]
CLI = Actor("ops", "admin", "cli")


@pytest.fixture
def store(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    s.ensure_ready()
    auth.add_user(s, "viet", "viewer", "xem-ban-do-1", by=CLI)
    auth.add_user(s, "bien", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    auth.add_user(s, "oidc@cand.vn", "editor", by=CLI, auth="oidc")
    yield s
    s.dispose()


# ------------------------------------------------------------------------------------------ the core checks

WRITERS = {
    # actor → may import/rollback (the app, the API and the command line open the same authorized store)
    "viewer account": (Actor("viet", "viewer", "local"), False),
    "viewer claiming editor": (Actor("viet", "editor", "local"), False),  # the store re-reads the role
    "editor": (Actor("bien", "editor", "local"), True),
    "admin": (Actor("quan", "admin", "local"), True),
    "oidc editor": (Actor("oidc@cand.vn", "editor", "oidc"), True),
    "oidc name as local": (Actor("oidc@cand.vn", "editor", "local"), False),
    "local name as oidc": (Actor("bien", "editor", "oidc"), False),
    "unknown account": (Actor("ghost", "admin", "local"), False),
    "anonymous": (Actor.anonymous(), False),
    "api token of an editor": (Actor("bien", "editor", "token"), False),  # the API only reads
    "command line operator": (Actor.cli("cli-operator"), True),  # not an account: whoever runs the command line
    "operator naming an editor": (Actor.cli("bien"), True),
    "operator naming a viewer account": (Actor.cli("viet"), False),
}


@pytest.mark.parametrize("case", list(WRITERS))
def test_the_store_checks_the_role_of_every_write(store, case):
    actor, allowed = WRITERS[case]
    if allowed:
        sample = store.latest_version(SET, "2017")
        v = store.import_rows(ROWS, boundary_set=SET, period="2017", user=actor)
        assert store.version_info(v)["user"] == actor.name
        assert store.rollback(sample, user=actor) > v  # the sample again, as a new version
        assert [e["user"] for e in store.audit_log(limit=2)] == [actor.name] * 2  # the name, as before
        return
    before = store.history()
    sample = store.latest_version(SET, "2017")
    with pytest.raises(AccessDenied) as err:
        store.import_rows(ROWS, boundary_set=SET, period="2018", user=actor)
    assert "biên tập viên" in str(err.value)
    with pytest.raises(AccessDenied):
        store.rollback(sample, user=actor)
    assert store.history() == before  # nothing written


NOT_ACTORS = {"plain name of an editor": "bien", "plain name of an admin": "quan", "empty name": "", "None": None,
              "a mapping with a name": {"name": "bien", "role": "editor", "via": "local"}}
WRITES = {
    "import": lambda s, who: s.import_rows(ROWS, boundary_set=SET, period="2018", user=who),
    "rollback": lambda s, who: s.rollback(s.latest_version(SET, "2017"), user=who),
    "draft": lambda s, who: s.save_draft(boundary_set=SET, period="2018", unit="03205", unit_name="Na Son",
                                         values={"teams_security": "1"}, user=who),
    "approve": lambda s, who: s.report_step("approve", boundary_set=SET, period="2017", unit="03205", user=who),
    "flag checked": lambda s, who: mark_checked(s, 1, who),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("given", list(NOT_ACTORS))
def test_a_store_write_given_anything_but_an_actor_is_refused(store, write, given):
    before = (store.history(), store.audit_log())
    with pytest.raises(ActorRequired) as err:
        WRITES[write](store, NOT_ACTORS[given])
    assert isinstance(err.value, TypeError)
    assert err.value.message("en").startswith("Programming error: a data change needs an Actor")
    assert type(NOT_ACTORS[given]).__name__ in err.value.message("en")
    assert (store.history(), store.audit_log()) == before  # nothing written


@pytest.mark.parametrize("given", list(NOT_ACTORS))
def test_the_write_check_itself_refuses_anything_but_an_actor(store, given):
    """The authorize hook, called by a store that did not check (a subclass, another caller)."""
    with store._read() as conn, pytest.raises(ActorRequired):
        auth.authorize_write(conn, NOT_ACTORS[given], "import")


@pytest.mark.parametrize("given, expected", [
    (("bien", "editor", "local"), ("bien", "editor", "local")),
    (("bien", "owner", "local"), ("bien", "viewer", "local")),  # an unknown role is a viewer
    (("bien",), ("bien", "viewer", "local")),
])
def test_an_actor_is_a_frozen_value_named_by_its_name(given, expected):
    actor = Actor(*given)
    assert (actor.name, actor.role, actor.via) == expected
    assert str(actor) == "bien" and not isinstance(actor, str)
    assert actor == Actor(*expected) and hash(actor) == hash(Actor(*expected))
    with pytest.raises(AttributeError):
        actor.role = "admin"


def test_the_command_line_actor_is_the_documented_operator(monkeypatch):
    monkeypatch.setenv("ANTT_USER", "ops-env")
    assert Actor.cli(" ops ") == Actor("ops", "admin", "cli")  # --user
    assert Actor.cli() == Actor("ops-env", "admin", "cli")  # else ANTT_USER
    monkeypatch.delenv("ANTT_USER")
    assert Actor.cli().name == auth.operator_name()  # else the login name


def test_role_change_and_disable_take_effect_at_once(store):
    editor = Actor("bien", "editor", "local")
    store.import_rows(ROWS, boundary_set=SET, period="2018", user=editor)
    auth.set_role(store, "bien", "viewer", by=CLI)
    with pytest.raises(AccessDenied):
        store.import_rows(ROWS, boundary_set=SET, period="2018", user=editor)
    assert auth.verified_actor(store, editor).role == "viewer"
    auth.set_role(store, "bien", "editor", by=CLI)
    auth.disable_user(store, "bien", by=CLI)
    assert auth.verified_actor(store, editor) is None
    with pytest.raises(AccessDenied):
        store.import_rows(ROWS, boundary_set=SET, period="2018", user=editor)
    with pytest.raises(AccessDenied):  # the command line naming the disabled account
        store.import_rows(ROWS, boundary_set=SET, period="2018", user=Actor.cli("bien"))


@pytest.mark.parametrize("role, need, ok", [
    ("viewer", "viewer", True), ("viewer", "editor", False), ("editor", "editor", True),
    ("editor", "admin", False), ("admin", "editor", True), ("admin", "admin", True),
])
def test_require_role(role, need, ok):
    actor = Actor("x", role)
    assert auth.has_role(actor, need) is ok
    if ok:
        auth.require_role(actor, need)
    else:
        with pytest.raises(AccessDenied):
            auth.require_role(actor, need)


@pytest.mark.parametrize("role, mode, signed_in, expected", [
    (None, "open", False, {"view": True, "edit": False, "admin": False, "login": True}),
    (None, "signin", False, {"view": False, "edit": False, "admin": False, "login": True}),
    ("viewer", "signin", True, {"view": True, "edit": False, "admin": False, "login": False}),
    ("editor", "open", True, {"view": True, "edit": True, "admin": False, "login": False}),
    ("admin", "signin", True, {"view": True, "edit": True, "admin": True, "login": False}),
])
def test_pages_for_each_role(role, mode, signed_in, expected):
    assert auth.pages_for(role, mode, signed_in) == expected


# ------------------------------------------------------------------------------------------ accounts

def test_passwords_are_argon2_hashes(store):
    with store._read() as conn:
        row = conn.execute(sa.text("SELECT password_hash FROM users WHERE name = 'bien'")).one()
    assert row[0].startswith("$argon2id$") and "nhap-so-lieu-1" not in row[0]
    with store._read() as conn:
        assert conn.execute(sa.text("SELECT password_hash FROM users WHERE name = 'oidc@cand.vn'")).scalar() is None


@pytest.mark.parametrize("by, ok", [
    (CLI, True), (Actor("quan", "admin", "local"), True), (Actor("bien", "admin", "local"), False),
    (Actor("bien", "editor", "local"), False), ("quan", False), (Actor.anonymous(), False),
])
def test_only_admins_manage_users(store, by, ok):
    if ok:
        auth.add_user(store, "moi", "viewer", "mat-khau-dai", by=by)
        auth.set_role(store, "moi", "editor", by=by)
        assert {u["name"]: u["role"] for u in auth.list_users(store)}["moi"] == "editor"
    else:
        with pytest.raises(AccessDenied):
            auth.add_user(store, "moi", "viewer", "mat-khau-dai", by=by)
        with pytest.raises(AccessDenied):
            auth.set_role(store, "viet", "admin", by=by)
        assert {u["name"]: u["role"] for u in auth.list_users(store)}["viet"] == "viewer"


@pytest.mark.parametrize("name, role, password, message", [
    ("bien", "viewer", "mat-khau-dai", "đã có"),
    ("Bad Name", "viewer", "mat-khau-dai", "Tên đăng nhập"),
    ("<script>", "viewer", "mat-khau-dai", "Tên đăng nhập"),
    ("moi", "root", "mat-khau-dai", "Vai trò không hợp lệ"),
    ("moi", "viewer", "ngan", "ít nhất 8"),
    ("moi12345", "viewer", "moi12345", "trùng tên"),
])
def test_bad_accounts_are_refused(store, name, role, password, message):
    with pytest.raises(StoreError) as err:
        auth.add_user(store, name, role, password, by=CLI)
    assert message in str(err.value)


def test_the_last_admin_stays(store):
    with pytest.raises(StoreError, match="cuối cùng"):
        auth.disable_user(store, "quan", by=CLI)
    with pytest.raises(StoreError, match="cuối cùng"):
        auth.set_role(store, "quan", "editor", by=CLI)
    auth.set_role(store, "bien", "admin", by=CLI)
    auth.set_role(store, "quan", "editor", by=CLI)  # another admin exists now


def test_user_changes_are_audited(store):
    auth.set_role(store, "viet", "editor", by=Actor("quan", "admin", "local"))
    auth.disable_user(store, "viet", by=CLI)
    auth.enable_user(store, "viet", by=CLI)
    auth.set_password(store, "viet", "mot-mat-khau-moi", by=CLI)
    log = store.audit_log(action=["user_add", "user_role", "user_disable", "user_enable", "user_password"])
    assert [(e["action"], e["user"], e["detail"]["name"]) for e in log[:4]] == [
        ("user_password", "ops", "viet"), ("user_enable", "ops", "viet"), ("user_disable", "ops", "viet"),
        ("user_role", "quan", "viet")]
    assert log[3]["detail"] == {"name": "viet", "role": "editor", "old_role": "viewer"}
    assert all("mot-mat-khau" not in json.dumps(e) for e in store.audit_log())
    assert auth.sign_in(store, "viet", "mot-mat-khau-moi", "c").role == "editor"


# ------------------------------------------------------------------------------------------ sign-in

def test_sign_in_returns_the_actor_and_is_audited(store):
    actor = auth.sign_in(store, " Bien ", "nhap-so-lieu-1", client="10.0.0.5")
    assert (str(actor), actor.role, actor.via) == ("bien", "editor", "local")
    entry = store.audit_log(action="signin")[0]
    assert (entry["user"], entry["detail"]["client"]) == ("bien", "10.0.0.5")


@pytest.mark.parametrize("name, password, reason", [
    ("bien", "sai-mat-khau", "password"),
    ("khong-co", "bat-ky-thu-gi", "unknown"),
    ("oidc@cand.vn", "", "oidc_account"),
])
def test_failed_sign_in_is_one_message_and_audited(store, name, password, reason):
    with pytest.raises(auth.SignInRefused) as err:
        auth.sign_in(store, name, password, client="c1")
    assert str(err.value).startswith("Sai tên đăng nhập hoặc mật khẩu")
    entry = store.audit_log(action="signin_failed")[0]
    assert (entry["user"], entry["detail"]["reason"], entry["detail"]["failures"]) == (name, reason, 1)


def test_disabled_account_cannot_sign_in(store):
    auth.disable_user(store, "bien", by=CLI)
    with pytest.raises(auth.SignInRefused, match="Sai tên"):
        auth.sign_in(store, "bien", "nhap-so-lieu-1", "c")


@pytest.mark.parametrize("failures, delay", [(0, 0), (1, 1), (2, 2), (3, 4), (6, 32), (11, 900), (50, 900)])
def test_failure_delay_doubles_up_to_fifteen_minutes(failures, delay):
    assert auth.failure_delay(failures) == delay


def test_repeated_failures_are_slowed_down_per_user_and_client(store):
    t0 = utcnow()
    for i in range(4):  # each attempt after the previous delay has passed
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(store, "bien", f"sai-{i}", "attacker", now=t0 + timedelta(seconds=20 * i))
    t = t0 + timedelta(seconds=60)  # 4 failures: 8 s wait after the last one
    assert auth.signin_wait(store, "bien", "attacker", now=t + timedelta(seconds=1)) == pytest.approx(7, abs=0.01)
    with pytest.raises(auth.SignInRefused) as err:  # even the right password is not checked while waiting
        auth.sign_in(store, "bien", "nhap-so-lieu-1", "attacker", now=t + timedelta(seconds=1))
    assert "thử lại sau" in str(err.value) and err.value.wait > 0
    assert store.audit_log(action="signin_throttled")[0]["detail"]["client"] == "attacker"
    # another client is not held up by someone else's failures (below the all-clients threshold)
    assert auth.sign_in(store, "bien", "nhap-so-lieu-1", "office", now=t + timedelta(seconds=1)).role == "editor"
    # after the wait the right password works, and the count starts again
    assert auth.sign_in(store, "bien", "nhap-so-lieu-1", "attacker", now=t + timedelta(seconds=9))
    assert auth.signin_wait(store, "bien", "attacker", now=t + timedelta(seconds=10)) == 0


def test_guessing_from_many_clients_is_slowed_down_too(store):
    t0 = utcnow()
    for i in range(15):  # one attempt from each of 15 clients, 10 s apart
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(store, "bien", "sai", f"client-{i}", now=t0 + timedelta(seconds=10 * i))
    # 15 failures from all clients: a new client waits 2**(15 // 5 - 1) = 4 s after the last one
    assert auth.signin_wait(store, "bien", "fresh-client", now=t0 + timedelta(seconds=141)) == pytest.approx(3)


def test_signin_attempts_are_append_only(store):
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(store, "bien", "sai", "c")
    for statement in ("DELETE FROM signin_attempts", "UPDATE signin_attempts SET ok = 1"):
        with pytest.raises(sa.exc.DatabaseError):
            with store._write() as conn:
                conn.exec_driver_sql(statement)


# ------------------------------------------------------------------------------------------ configuration

@pytest.mark.parametrize("value, mode", [(None, "open"), ("open", "open"), ("SIGNIN", "signin"),
                                         ("closed", "signin"), ("", "open")])
def test_view_mode(monkeypatch, value, mode):
    if value is None:
        monkeypatch.delenv("ANTT_VIEW_MODE", raising=False)
    else:
        monkeypatch.setenv("ANTT_VIEW_MODE", value)
    assert auth.view_mode() == mode


@pytest.mark.parametrize("env, last, now, expired", [
    (None, 0, 29 * 60, False), (None, 0, 31 * 60, True), ("5", 0, 4 * 60, False), ("5", 0, 6 * 60, True),
    ("x", 0, 31 * 60, True), ("0", 0, 31 * 60, True), (None, None, 10 ** 9, False),
])
def test_idle_session_expiry(monkeypatch, env, last, now, expired):
    if env is None:
        monkeypatch.delenv("ANTT_SESSION_IDLE_MINUTES", raising=False)
    else:
        monkeypatch.setenv("ANTT_SESSION_IDLE_MINUTES", env)
    assert auth.session_expired(last, now) is expired


class _NoSecrets:
    def get(self, key):
        raise FileNotFoundError("no secrets.toml")


@pytest.mark.parametrize("secrets, configured", [
    ({}, False), (_NoSecrets(), False), ({"auth": {}}, False),
    ({"auth": {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s", "client_id": "i"}}, True),
])
def test_oidc_detection(secrets, configured):
    assert auth.oidc_configured(secrets) is configured


def test_oidc_identities_get_their_registered_role(store):
    assert auth.oidc_actor(store, "OIDC@cand.vn").role == "editor"
    stranger = auth.oidc_actor(store, "ai-do@example.org")
    assert (stranger.role, stranger.via) == ("viewer", "oidc")
    assert auth.oidc_actor(store, "bien").via == "oidc" and auth.oidc_actor(store, "bien").role == "viewer"
    assert auth.oidc_actor(store, None) is None


def test_actor_is_not_a_name_but_shows_as_one_and_pickles():
    import pickle

    a = Actor("bien", "editor", "local")
    assert a != "bien" and f"{a}" == "bien"
    b = pickle.loads(pickle.dumps(a))  # the session keeps it
    assert b == a and (b.name, b.role, b.via) == ("bien", "editor", "local")


# ------------------------------------------------------------------------------------------ command line

def test_cli_users(tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "truc-ban")
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    assert main(["users", "add", "Bien", "--role", "editor"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert main(["users", "add", "khac", "--role", "editor"]) == 1
    assert "ít nhất 8" in capsys.readouterr().err
    assert main(["users", "add", "oidc@cand.vn", "--role", "admin", "--oidc"]) == 0
    assert main(["users", "set-role", "bien", "admin"]) == 0
    assert main(["users", "disable", "bien"]) == 0
    assert main(["users", "disable", "ghost"]) == 1
    capsys.readouterr()
    assert main(["users", "list", "--json"]) == 0
    listed = {u["name"]: u for u in json.loads(capsys.readouterr().out)}
    assert (listed["bien"]["role"], listed["bien"]["disabled"]) == ("admin", True)
    assert listed["oidc@cand.vn"]["auth"] == "oidc"
    s = authorized_store()
    assert {e["user"] for e in s.audit_log(action=["user_add", "user_role", "user_disable"])} == {"truc-ban"}
    s.dispose()
    with pytest.raises(SystemExit):  # never a password argument
        main(["users", "add", "x", "--password", "abc"])


def test_cli_password_prompt_on_a_terminal():
    from geo.cli.users_commands import read_password

    class Tty(io.StringIO):
        def isatty(self):
            return True

    answers = iter(["mot-hai-ba-bon", "mot-hai-ba-bon"])
    assert read_password(Tty(), prompt=lambda _p: next(answers)) == "mot-hai-ba-bon"
    answers = iter(["mot-hai-ba-bon", "khac-nhau-roi"])
    with pytest.raises(StoreError, match="không khớp"):
        read_password(Tty(), prompt=lambda _p: next(answers))
