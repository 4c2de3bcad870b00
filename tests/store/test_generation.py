"""geo.store.generation: inside a script run the store's small metadata (periods, latest versions, flag and
approval states) is read with one query, and never outlives a change — one made in the run, or by another
process (another Store on the same database) before the next run. On SQLite and PostgreSQL (``store``)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from geo.access.auth import Actor, authorized_store
from geo.store import generation
from geo.store.flags import mark_checked, open_flags

SET, P, Q = "dien-bien-dong-2025", "2026", "2026-Q1"


def rows(codes, teams):
    return [{"unit_code": c, "unit_name": f"Xã {c}", "values": {"teams_security": teams}} for c in codes]


class Queries:
    """The statements a store sends to its database while counted."""

    def __init__(self, store):
        self.sent: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            self.sent.append(statement)


def ask(store):
    """What a map page's run asks the store for its cache keys and pickers."""
    return (store.periods(SET), store.periods(), store.latest_version(SET, P), store.latest_version(SET, Q),
            store.flags_state(), store.reports_state())


def test_a_run_reads_the_store_once_however_often_it_asks(store):
    store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"))
    seen = Queries(store)
    plain = ask(store)
    assert len(seen.sent) >= 6  # outside a run each question is a query
    seen.sent.clear()
    with generation.pinned():
        assert ask(store) == plain
        first = len(seen.sent)  # the generation, then each question once
        assert ask(store) == plain
        assert len(seen.sent) == first
    seen.sent.clear()
    with generation.pinned():  # the next run of the same generation: its one query
        assert ask(store) == plain
    assert len(seen.sent) == 1, seen.sent


def test_the_memo_is_shared_by_runs_of_one_generation(store):
    store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"))
    with generation.pinned():
        first = ask(store)
    seen = Queries(store)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(_pinned_ask(store))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [first] * 4
    assert len(seen.sent) == 4  # one generation per run; every answer from the memo


def _pinned_ask(store):
    with generation.pinned():
        return ask(store)


@pytest.mark.parametrize("change, differs", [
    ("import", lambda a, b: a[2] != b[2]),
    ("import_other_period", lambda a, b: a[0] != b[0] and a[3] != b[3]),
    ("approve", lambda a, b: a[5] != b[5]),
    ("check_flag", lambda a, b: a[4] != b[4]),
])
def test_a_change_made_in_the_run_is_seen_by_the_run(store, change, differs):
    store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"),
                      flags=[_flag("03203")])
    with generation.pinned():
        before = ask(store)
        _make(store, change)
        after = ask(store)
    assert differs(before, after), (before, after)
    assert after == ask(store)  # what the database says outside any run


@pytest.mark.parametrize("change, differs", [
    ("import", lambda a, b: a[2] != b[2]),
    ("approve", lambda a, b: a[5] != b[5]),
    ("check_flag", lambda a, b: a[4] != b[4]),
])
def test_a_change_by_another_process_is_seen_by_the_next_run_and_not_inside_a_run(store, change, differs):
    store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"),
                      flags=[_flag("03203")])
    other = authorized_store(store.url)  # another server process on the same database
    try:
        with generation.pinned():
            before = ask(store)
            writer = threading.Thread(target=_make, args=(other, change))  # not in this run's context
            writer.start()
            writer.join()
            assert ask(store) == before  # one run sees one state of the store
        with generation.pinned():
            after = ask(store)
    finally:
        other.dispose()
    assert differs(before, after), (before, after)
    assert after == ask(store)


def _flag(code):
    return {"row": 5, "column": "M", "unit_code": code, "indicator": "teams_security", "value": 1,
            "rule": "outlier_history", "expected": "10–30", "message": f"{code}: teams_security = 1", "note": None}


def _make(store, change: str) -> None:
    if change == "import":
        store.import_rows(rows(["03208"], 2), boundary_set=SET, period=P, user=Actor.cli("xa"))
    elif change == "import_other_period":
        store.import_rows(rows(["03208"], 2), boundary_set=SET, period=Q, user=Actor.cli("xa"))
    elif change == "approve":
        store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    elif change == "check_flag":
        flag = open_flags(store, SET, P)[0]
        mark_checked(store, flag["id"], Actor.cli("tinh"))
    else:
        raise AssertionError(change)
