"""Benchmark: validating the 10,000-row national file with the quality checks on and four periods of history
in the store (issue 21's target: ≤ 2 s), as a server process meets it.

Each repeat starts a fresh Python process on the same store and file (geo/bench's ``python -m
geo.bench.validation URL FILE SET``): it imports the intake and loads the set's unit list (cached per boundary
file in the app, as in a server that is running), then times the first validation (it reads the history from
the store: no history in memory) and a second one (the history kept in memory, as for the server's next
upload). The figures are the medians of the repeats, with the load average of the machine beside them; the
run without a store (reading and checking the file, rules and peers) is issue 19's figure.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time_validations(url: str, path: str, set_id: str) -> dict:
    """In a fresh process: the first validation (history read from the store) and the second one."""
    from geo.intake.ingest import validate_file
    from geo.store.database import Store
    from geo.units.resolver import load_units

    load_units(set_id)
    store = Store(url, authorize=lambda conn, actor, action, target: None)
    t0, c0 = time.perf_counter(), time.process_time()
    report = validate_file(Path(path), boundary_set=set_id, store=store)
    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    validate_file(Path(path), boundary_set=set_id, store=store)
    warm = time.perf_counter() - t1
    store.dispose()
    return {"first_s": first, "first_cpu_s": first_cpu, "warm_s": warm, "flags": len(report.flags),
            "errors": len(report.errors),
            "cells": sum(v is not None for r in report.rows for v in r["values"].values())}


def bench_validate(n_rows: int = 10000, set_id: str = "vn-pre2025", fmt: str = "xlsx",
                   details: dict | None = None, repeats: int = 3) -> float:
    """Median seconds of the first validation of an ``n_rows`` file (national scale: vn-pre2025 7-digit codes,
    with names) in a fresh process, the quality checks on, with four earlier periods of the same units in a
    store (geo.bench.synthetic: consistent figures that move a little from year to year). ``details``
    receives the warm median, each repeat's figures, the load average, the run without a store, the flags
    raised and the cells checked."""
    from geo import PROJECT_DIR
    from geo.access.auth import Actor
    from geo.bench.synthetic import FILE_PERIOD, HISTORY_PERIODS, synthetic_rows
    from geo.intake.ingest import validate_file
    from geo.intake.template import build_template_rows
    from geo.reference.catalog import load_catalog
    from geo.store.database import Store
    from geo.units.resolver import load_units

    units = load_units(set_id)
    codes = [list(units.names)[k % len(units.names)] for k in range(n_rows)]
    names = [units.names[c] for c in codes]
    catalog = load_catalog()
    with tempfile.TemporaryDirectory(prefix="antt-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        store = Store(url, authorize=lambda conn, actor, action, target: None)
        store.ensure_ready()
        unique = list(dict.fromkeys(codes))
        for p in HISTORY_PERIODS:
            store.import_rows(synthetic_rows(unique, [units.names[c] for c in unique], catalog, p),
                              boundary_set=set_id, period=p, user=Actor.cli("bench"))
        store.dispose()
        path = Path(tmp) / f"bench.{fmt}"
        build_template_rows(synthetic_rows(codes, names, catalog, FILE_PERIOD), path, boundary_set=set_id,
                            period=FILE_PERIOD)
        runs, load = [], []
        for _ in range(max(1, int(repeats))):
            load.append(os.getloadavg()[0])
            out = subprocess.run([sys.executable, "-m", "geo.bench.validation", url, str(path), set_id],
                                 capture_output=True, text=True, cwd=PROJECT_DIR)
            if out.returncode != 0:
                raise RuntimeError(f"validation run failed:\n{out.stderr[-2000:]}")
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        t2 = time.perf_counter()  # no store: reading, the column map, the rows, the rules and peers (issue 19's figure)
        validate_file(path, boundary_set=set_id)
        no_history = time.perf_counter() - t2
    first = statistics.median(r["first_s"] for r in runs)
    if details is not None:
        last = runs[-1]
        details.update(warm_s=statistics.median(r["warm_s"] for r in runs), no_history_s=no_history,
                       runs=runs, load_average=load, flags=last["flags"], errors=last["errors"],
                       cells=last["cells"])
    return first


if __name__ == "__main__":
    print(json.dumps(_time_validations(*sys.argv[1:4])))
