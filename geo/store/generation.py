"""One read of the store per script run for its small metadata: the store's *generation*.

A page's rerun asks the store the same small questions every time: which periods have data on the set (the
sidebar, the default period), the newest version of the set and period, how many flags are stored and
checked, the newest approval step (the view cache's key). On PostgreSQL each is a round trip, and under load
they were about a fifth of a national map change (py-spy, issue 22).

Inside :func:`pinned` (``app.py`` wraps each script run in it) those answers are memos of one generation:
``(newest version id, versions, flags, flags checked, newest approval step, approval steps)``, read with one
query at the first such question of the run. The store only ever adds versions and approval steps, and a flag
only gains its ``checked_at``, so any change that alters an answer changes the generation: a session's next
run after an import — in any process behind nginx — reads the new generation and asks again. Within a run, a
write through the store (``Store._write``) forgets the run's generation, so the run that imported sees its
own import. Outside :func:`pinned` (CLI, API, tests) every question goes to the database as before.

Memos are shared by the threads of a process (every session of one generation asks the database once) and
kept for the newest few generations of each store.
"""

from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.store.schema import import_versions, unit_reports, value_flags

KEPT_GENERATIONS = 4

_PIN: contextvars.ContextVar = contextvars.ContextVar("antt_store_generation", default=None)
_MEMOS: dict[str, dict[tuple, dict]] = {}  # store URL → {generation → {question → answer}}
_LOCK = threading.Lock()


@contextmanager
def pinned():
    """The store's small metadata reads are memos of one generation per store until the block ends."""
    token = _PIN.set({})
    try:
        yield
    finally:
        _PIN.reset(token)


def read_generation(conn: Connection) -> tuple:
    """What changes whenever a periods list, a latest version, a flag count or an approval state can change."""
    q = sa.select(
        sa.select(sa.func.max(import_versions.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(import_versions).scalar_subquery(),
        sa.select(sa.func.count(value_flags.c.id)).scalar_subquery(),
        sa.select(sa.func.count(value_flags.c.checked_at)).scalar_subquery(),
        sa.select(sa.func.max(unit_reports.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(unit_reports).scalar_subquery(),
    )
    return tuple(int(v or 0) for v in conn.execute(q).first())


def current(store) -> tuple | None:
    """The run's generation of ``store`` (read once per run), or None outside :func:`pinned`."""
    pin = _PIN.get()
    if pin is None:
        return None
    gen = pin.get(store.url)
    if gen is None:
        with store._read() as conn:
            gen = pin[store.url] = read_generation(conn)
    return gen


def forget(store) -> None:
    """After a write: the run's next question reads the generation again (and so sees what it wrote)."""
    pin = _PIN.get()
    if pin is not None:
        pin.pop(store.url, None)


def memo(store, question: tuple, compute):
    """``compute()``, or its answer for this generation when one was already read (by any session)."""
    gen = current(store)
    if gen is None:
        return compute()
    with _LOCK:
        gens = _MEMOS.setdefault(store.url, {})
        answers = gens.get(gen)
        if answers is not None and question in answers:
            return answers[question]
    # read after the generation: an answer is never older than the generation it is kept under
    answer = compute()
    with _LOCK:
        gens = _MEMOS.setdefault(store.url, {})
        gens.setdefault(gen, {})[question] = answer
        for old in sorted(gens)[:-KEPT_GENERATIONS]:
            del gens[old]
    return answer
