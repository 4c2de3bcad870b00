"""Data-capture scopes of accounts (issue 20): the whole country (no scope), one or more provinces, or one or more
communes by official code. Kept in ``user_scopes`` (mutable, every change audited); checked by the store's
authorize hook (:func:`geo.access.auth.authorize_write` calls :func:`check_scope` inside the write
transaction), so a write naming any unit outside the scope stores nothing, whichever page or command sent it.
Admins are never scoped. A province is matched by name without diacritics or prefix ("Điện Biên", "tinh dien
bien"); a code is a unit of either vintage (the code 03203 is the same number before and after 1/7/2025).
"""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa

from geo.store.errors import AccessDenied, StoreError
from geo.store.schema import user_scopes
from geo.text.names import clean_text, name_key, normalize_code

NATIONAL_SETS = ("vn-2025", "vn-pre2025")  # where the known provinces and unit codes come from


class ScopeError(StoreError):
    """A scope that names no known province or unit."""


def _units(set_id: str):
    from geo.units.boundaries import province_column, unit_list

    units = unit_list(set_id)
    col = province_column(set_id)
    provinces = units[col] if col else [""] * len(units)
    return list(zip(units["code"], units["name"], provinces))


@lru_cache(maxsize=8)
def provinces_of(set_id: str) -> dict[str, str]:
    """unit code -> its province's name, for the units ``set_id`` draws."""
    return {str(c): str(p) for c, _, p in _units(set_id)}


@lru_cache(maxsize=4)
def _known(set_id: str) -> tuple[dict[str, str], frozenset[str]]:
    """(province key -> name, official codes) of a national set; empty when it cannot be read."""
    provinces: dict[str, str] = {}
    codes: set[str] = set()
    try:
        units = _units(set_id)
    except Exception:  # noqa: BLE001 — a set that cannot be read names nothing
        units = []
    for code, _, province in units:
        if province:
            provinces.setdefault(name_key(province), str(province))
        if isinstance(code, str) and len(code) == 5 and code.isdigit():
            codes.add(code)
    return provinces, frozenset(codes)


def _find(kind: str, key: str) -> str | None:
    """The province name or unit code ``key`` in the national sets, today's units first (the older list is read
    only when today's does not have it: it is slow to build)."""
    for set_id in NATIONAL_SETS:
        provinces, codes = _known(set_id)
        if kind == "province" and key in provinces:
            return provinces[key]
        if kind == "unit" and key in codes:
            return key
    return None


def parse_scope(values) -> list[tuple[str, str]]:
    """``["Điện Biên", "3203"]`` -> ``[("province", "Điện Biên"), ("unit", "03203")]``; ScopeError naming
    the first value that is neither a known province nor a known unit code."""
    out: list[tuple[str, str]] = []
    for raw in values or ():
        text = clean_text(raw)
        if text.isdigit():
            code = _find("unit", normalize_code(text, 5) or text)
            if code is None:
                raise ScopeError("scope_unknown_unit", value=text)
            item = ("unit", code)
        else:
            name = _find("province", name_key(text))
            if name is None:
                raise ScopeError("scope_unknown_province", value=text)
            item = ("province", name)
        if item not in out:
            out.append(item)
    return out


def scopes_of(conn, name: str) -> list[tuple[str, str]]:
    return [(r.kind, r.value) for r in conn.execute(
        sa.select(user_scopes).where(user_scopes.c.name == name).order_by(user_scopes.c.kind, user_scopes.c.value))]


def scope_label(scope: list[tuple[str, str]]) -> str:
    return ", ".join(value for _, value in scope)


APPROVAL_STEPS = ("approve", "return", "reopen")


def check_scope(conn, account, target, action: str = "import") -> None:
    """Refuse (AccessDenied naming the account, its scope, the period and every unit outside it) a write whose
    units are not all within the account's scope. Admins, unscoped accounts and writes without a target pass.
    Approval steps need a scope above the commune: an account scoped to communes only reports, it does not
    approve (its own numbers)."""
    if target is None or account.role == "admin":
        return
    scope = scopes_of(conn, account.name)
    if not scope:
        return
    if action in APPROVAL_STEPS and all(k == "unit" for k, _ in scope):
        raise AccessDenied("scope_approve_denied", name=account.name, scope=scope_label(scope))
    codes = {v for k, v in scope if k == "unit"}
    provinces = {name_key(v) for k, v in scope if k == "province"}
    province = provinces_of(target.boundary_set) if provinces else {}
    outside = [(c, n) for c, n in target.units
               if c not in codes and name_key(province.get(c, "")) not in provinces]
    if outside:
        shown = ", ".join(f"{n or '?'} ({c})" for c, n in outside[:20]) + (" …" if len(outside) > 20 else "")
        raise AccessDenied("scope_write_outside", name=account.name, scope=scope_label(scope),
                           period=target.period, n=len(outside), units=shown)


def set_scope(store, name: str, values, *, by) -> list[tuple[str, str]]:
    """Replace the account's scope (``[]``: the whole country); admins only; audited as ``user_scope``."""
    from geo.access import auth

    who = auth._require_admin(store, by)
    name = auth.normalize_name(name, strict=False)
    scope = parse_scope(values)

    def write(conn):
        row = auth._account(conn, name)
        if row is None:
            raise auth.AuthError("auth_no_account", name=name)
        if row.role == "admin" and scope:
            raise ScopeError("scope_admin", name=name)
        conn.execute(user_scopes.delete().where(user_scopes.c.name == name))
        if scope:
            conn.execute(user_scopes.insert(), [{"name": name, "kind": k, "value": v} for k, v in scope])
        store.audit("user_scope", who, {"name": name, "scope": [v for _, v in scope]}, conn=conn)

    store.execute_write_fn(write)
    return scope


def all_scopes(store) -> dict[str, list[str]]:
    """account name -> its scope values (accounts without a scope are left out)."""
    out: dict[str, list[str]] = {}
    rows = store.execute_read_fn(lambda conn: conn.execute(
        sa.select(user_scopes).order_by(user_scopes.c.name, user_scopes.c.kind, user_scopes.c.value)).all())
    for r in rows:
        out.setdefault(r.name, []).append(r.value)
    return out


__all__ = ["AccessDenied", "ScopeError", "all_scopes", "check_scope", "parse_scope", "provinces_of",
           "scopes_of", "set_scope"]
