"""The write half of :class:`geo.store.database.Store`: one version appended inside the caller's transaction,
its values checked (numbers only, missing kept absent), and the documented crash-injection hook."""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.config import setting
from geo.store.actions import check_action
from geo.store.engine import utcnow
from geo.store.errors import StoreError
from geo.store.schema import audit_log_table, import_versions, observations, units, version_matrices, version_units
from geo.store.state import CLEARED

ENV_CRASH_AFTER_ROWS = "ANTT_TEST_CRASH_AFTER_ROWS"
ENV_CRASH_MODE = "ANTT_TEST_CRASH_MODE"


def _clean_value(iid: str, code: str, value):
    """A stored number, or None for missing. Refuses text and booleans (no silent coercion)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise StoreError("store_not_a_number", code=code, iid=iid, value=repr(value))
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise StoreError("store_infinite", code=code, iid=iid)
    return value




def version_matrix(clean) -> dict | None:
    """The ``version_matrices`` row of a version's values ((code, name, {indicator: value}) per unit): the units
    and indicators that have a value, each sorted (as a pivot of ``observations`` gives them), float64
    little-endian with NaN for missing; None when the version has no value."""
    import numpy as np

    codes = sorted(c for c, _, v in clean if v)
    ids = sorted({i for _, _, v in clean for i in v})
    if not codes:
        return None
    col = {i: j for j, i in enumerate(ids)}
    m = np.full((len(codes), len(ids)), np.nan, dtype="<f8")
    row = {c: k for k, c in enumerate(codes)}
    for c, _, values in clean:
        if values:
            k = row[c]
            for i, v in values.items():
                m[k, col[i]] = v
    return {"unit_codes": "\n".join(codes), "indicator_ids": "\n".join(ids), "matrix": m.tobytes()}


def _maybe_crash(written: int) -> None:
    """The documented crash-injection hook (see the module docstring)."""
    limit = setting(ENV_CRASH_AFTER_ROWS)
    if not limit or written < int(limit):
        return
    if setting(ENV_CRASH_MODE) == "wait":
        print("ANTT_CRASH_POINT", flush=True)
        sys.stdout.flush()
        while True:
            time.sleep(60)
    os._exit(86)


class StoreWrites:
    def _insert_version(self, conn: Connection, rows: list[dict], *, boundary_set: str, period: str, user: str,
                        action: str, file_name=None, sha256=None, size=None, note=None, sample=False,
                        restores_version=None, crash_hook: bool = False, cleared=(), level=None) -> int:
        """Append one version covering the units of ``rows`` (and clearing the ``cleared`` units: pairs of
        code and name, a row at position CLEARED with no values); ``level``: the sender's level as the authorize
        hook saw it (``submitted_level``). Runs inside the caller's transaction."""
        from geo.reference.catalog import load_catalog
        from geo.text.names import normalize_code
        from geo.units.boundaries import get_boundary_set_info

        catalog = load_catalog()
        base_ids = {i.id for i in catalog.base()}
        width = get_boundary_set_info(boundary_set).data_code_width
        if not rows and not cleared:
            raise StoreError("store_no_rows")

        clean: list[tuple[str, str, dict[str, float]]] = []
        seen: set[str] = set()
        for r in rows:
            raw = r.get("unit_code")
            code = normalize_code(raw, width) or (str(raw).strip() if raw is not None else "")
            if not code:
                raise StoreError("store_missing_code", r=repr(r))
            if code in seen:
                raise StoreError("store_unit_twice", code=code)
            seen.add(code)
            values: dict[str, float] = {}
            for iid, v in (r.get("values") or {}).items():
                if iid not in catalog:
                    raise StoreError("store_unknown_indicator", iid=iid)
                if iid not in base_ids:
                    continue  # derived indicators are recomputed from their parts, never stored
                v = _clean_value(iid, code, v)
                if v is not None:
                    values[iid] = v
            clean.append((code, str(r.get("unit_name") or "").strip(), values))

        n_values = sum(len(v) for _, _, v in clean)
        now = utcnow()
        version_id = conn.execute(import_versions.insert().values(
            created_at=now, user=user, action=action, file_name=file_name, sha256=sha256,
            size=int(size) if size is not None else None, boundary_set=boundary_set, period=period, note=note,
            n_units=len(clean), n_values=n_values, restores_version=restores_version, sample=bool(sample),
            **({"submitted_level": level} if level is not None else {}),  # (a store built at an old revision)
        ).returning(import_versions.c.id)).scalar_one()

        known = {c for (c,) in conn.execute(sa.select(units.c.code).where(units.c.boundary_set == boundary_set))}
        new_units = [{"boundary_set": boundary_set, "code": c, "name": n} for c, n, _ in clean if c not in known]
        if new_units:
            conn.execute(units.insert(), new_units)
        gone = [(c, n) for c, n in cleared if c not in seen]
        conn.execute(version_units.insert(), [
            {"version_id": version_id, "unit_code": c, "unit_name": n, "position": i}
            for i, (c, n, _) in enumerate(clean)
        ] + [{"version_id": version_id, "unit_code": c, "unit_name": n, "position": CLEARED} for c, n in gone])
        # With the test hook set, write unit by unit so that the crash lands between two inserts.
        hook = crash_hook and setting(ENV_CRASH_AFTER_ROWS) is not None
        written = 0
        batch: list[dict] = []
        for code, _, values in clean:
            batch.extend({"version_id": version_id, "unit_code": code, "indicator_id": iid, "value": v}
                         for iid, v in values.items())
            if len(batch) >= 5000 or (hook and batch):
                conn.execute(observations.insert(), batch)
                written += len(batch)
                batch = []
                if hook:
                    _maybe_crash(written)
        if batch:
            conn.execute(observations.insert(), batch)
            written += len(batch)
        matrix = version_matrix(clean)
        if matrix is not None:
            conn.execute(version_matrices.insert().values(version_id=version_id, **matrix))
        self._audit(conn, action, user, {
            "version": version_id, "boundary_set": boundary_set, "period": period, "file_name": file_name,
            "file_sha256": sha256, "file_size": size, "n_units": len(clean), "n_values": n_values,
            "restores_version": restores_version, "note": note, "n_cleared": len(gone),
        })
        return int(version_id)

    def _audit(self, conn: Connection, action: str, user: str, detail: dict | None) -> None:
        conn.execute(audit_log_table.insert().values(
            created_at=utcnow(), user=user, action=check_action(action),
            detail=json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None,
        ))
