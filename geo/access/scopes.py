"""Data-capture scopes of accounts (issue 20): the whole country (no scope), one or more provinces, or one or more
communes by official code. Kept in ``user_scopes`` (mutable, every change audited); checked by the store's
authorize hook (:func:`geo.access.auth.authorize_write` calls :func:`check_scope` inside the write
transaction), so a write naming any unit outside the scope stores nothing, whichever page or command sent it.
Admins are never scoped. A province is matched by name without diacritics or prefix ("Điện Biên", "tinh dien
bien"); a code is a unit *of one vintage* (:data:`VINTAGES`): 03203 is Thị trấn Điện Biên Đông before
1/7/2025 and Na Son after, so ``03203`` means today's unit and ``pre2025:03203`` the older one (``2025+pre2025:``
both, which is what rows written before migration 0010 mean: their ``vintage`` is NULL).
"""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa

from geo.store.errors import AccessDenied, StoreError
from geo.store.schema import user_scopes
from geo.text.names import clean_text, name_key, normalize_code

NATIONAL_SETS = ("vn-2025", "vn-pre2025")  # where the known provinces and unit codes come from
VINTAGES = {"2025": "vn-2025", "pre2025": "vn-pre2025"}  # a code's vintage -> the national set listing its units
CURRENT = "2025"  # a code given without a vintage is a unit of today's vintage


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


def _find(kind: str, key: str, vintages=tuple(VINTAGES)) -> str | None:
    """The province name or unit code ``key`` in the national sets (a unit only in the lists of ``vintages``),
    today's units first (the older list is read only when today's does not have it: it is slow to build)."""
    for vintage, set_id in VINTAGES.items():
        if kind == "unit" and vintage not in vintages:
            continue
        provinces, codes = _known(set_id)
        if kind == "province" and key in provinces:
            return provinces[key]
        if kind == "unit" and key in codes:
            return key
    return None


def _unit_item(text: str) -> tuple[str, str, str | None]:
    """``03203`` -> today's unit; ``pre2025:03203`` the unit of before 1/7/2025; ``2025+pre2025:03203`` both."""
    head, _, code = text.rpartition(":")
    given = [v.strip().lower() for v in head.split("+")] if head else [CURRENT]
    if any(v not in VINTAGES for v in given):
        raise ScopeError("scope_unknown_vintage", value=text, vintages=", ".join(VINTAGES))
    code = normalize_code(code.strip(), 5) or code.strip()
    missing = [v for v in given if _find("unit", code, (v,)) is None]
    if missing:
        other = [v for v in VINTAGES if v not in given and _find("unit", code, (v,)) is not None]
        if other:
            raise ScopeError("scope_unknown_unit_vintage", value=code, vintage=missing[0], hint=f"{other[0]}:{code}")
        raise ScopeError("scope_unknown_unit", value=code)
    return ("unit", code, None if len(set(given)) > 1 else given[0])


def parse_scope(values) -> list[tuple[str, str, str | None]]:
    """``["Điện Biên", "3203", "pre2025:03205"]`` -> ``[("province", "Điện Biên", None), ("unit", "03203",
    "2025"), ("unit", "03205", "pre2025")]``; ScopeError naming the first value that is neither a known province
    nor a unit code known in its vintage."""
    out: list[tuple[str, str, str | None]] = []
    for raw in values or ():
        text = clean_text(raw)
        if text.rpartition(":")[2].strip().isdigit():
            item = _unit_item(text)
        else:
            name = _find("province", name_key(text))
            if name is None:
                raise ScopeError("scope_unknown_province", value=text)
            item = ("province", name, None)
        same = next((o for o in out if o[:2] == item[:2]), None)
        if same is not None and same[2] != item[2]:  # the same code in both vintages: one row for both
            out[out.index(same)] = (*item[:2], None)
        elif same is None:
            out.append(item)
    return out


def scopes_of(conn, name: str) -> list[tuple[str, str, str | None]]:
    """(kind, value, vintage) of the account's scope rows (vintage None: a province, or a code in both)."""
    return [(r.kind, r.value, r.vintage) for r in conn.execute(
        sa.select(user_scopes).where(user_scopes.c.name == name).order_by(user_scopes.c.kind, user_scopes.c.value))]


def item_label(kind: str, value: str, vintage: str | None) -> str:
    """A scope item as it is typed: ``Điện Biên``, ``2025:03203``, ``pre2025:03205``, ``2025+pre2025:03203``."""
    if kind != "unit":
        return value
    return f"{vintage or '+'.join(VINTAGES)}:{value}"


def scope_label(scope) -> str:
    return ", ".join(item_label(*item) for item in scope)


def scope_level(role: str, scope) -> str:
    """The level an account writes at: ``admin``; ``national`` (no scope); ``province`` (a province in its
    scope); ``commune`` (unit codes only). Recorded with each version it sends (``submitted_level``)."""
    if role == "admin":
        return "admin"
    if not scope:
        return "national"
    return "commune" if all(k == "unit" for k, *_ in scope) else "province"


def codes_in(scope, set_id: str) -> set[str]:
    """The unit codes of ``scope`` that hold on ``set_id``: those given for the set's vintage (or for both)."""
    from geo.units.vintage import set_vintage

    vintage = set_vintage(set_id)
    return {v for k, v, vin in scope if k == "unit" and vin in (None, vintage)}


APPROVAL_STEPS = ("approve", "return", "reopen")


def check_scope(conn, account, target, action: str = "import") -> str:
    """Refuse (AccessDenied naming the account, its scope, the period and every unit outside it) a write whose
    units are not all within the account's scope. Admins, unscoped accounts and writes without a target pass.
    Approval steps need a scope above the commune: an account scoped to communes only reports, it does not
    approve (its own numbers). A code holds on the sets of the vintage it was given for. Returns the account's
    level (:func:`scope_level`)."""
    if account.role == "admin":
        return "admin"
    scope = scopes_of(conn, account.name)
    level = scope_level(account.role, scope)
    if target is None or not scope:
        return level
    if action in APPROVAL_STEPS and level == "commune":
        raise AccessDenied("scope_approve_denied", name=account.name, scope=scope_label(scope))
    codes = codes_in(scope, target.boundary_set)
    provinces = {name_key(v) for k, v, _ in scope if k == "province"}
    province = provinces_of(target.boundary_set) if provinces else {}
    outside = [(c, n) for c, n in target.units
               if c not in codes and name_key(province.get(c, "")) not in provinces]
    if outside:
        shown = ", ".join(f"{n or '?'} ({c})" for c, n in outside[:20]) + (" …" if len(outside) > 20 else "")
        raise AccessDenied("scope_write_outside", name=account.name, scope=scope_label(scope),
                           period=target.period, n=len(outside), units=shown)
    return level


def set_scope(store, name: str, values, *, by) -> list[tuple[str, str, str | None]]:
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
            conn.execute(user_scopes.insert(), [{"name": name, "kind": k, "value": v, "vintage": vin}
                                                for k, v, vin in scope])
        store.audit("user_scope", who, {"name": name, "scope": [item_label(*i) for i in scope]}, conn=conn)

    store.execute_write_fn(write)
    return scope


def all_scopes(store) -> dict[str, list[str]]:
    """account name -> its scope items as typed (:func:`item_label`; accounts without a scope are left out)."""
    out: dict[str, list[str]] = {}
    rows = store.execute_read_fn(lambda conn: conn.execute(
        sa.select(user_scopes).order_by(user_scopes.c.name, user_scopes.c.kind, user_scopes.c.value)).all())
    for r in rows:
        out.setdefault(r.name, []).append(item_label(r.kind, r.value, r.vintage))
    return out


__all__ = ["AccessDenied", "ScopeError", "all_scopes", "check_scope", "codes_in", "item_label", "parse_scope",
           "provinces_of", "scope_label", "scope_level", "scopes_of", "set_scope"]
