"""Indicators defined by admins, as DHIS2 lets administrators define data elements (issue 13).

An admin adds, edits or retires an indicator; the definition is kept in the store (``indicator_definitions``,
JSON with the keys of data/catalog.toml) and every change is audited in the same transaction, like accounts
(geo.access.auth). A stored definition with a seed id overrides the seed entry (for example to add aliases or
to end its validity). Retiring never deletes: the indicator stays in the catalog with ``retired`` and a
``valid_to`` (the day given, else today), so its data still shows for the periods it was valid.

The catalog (geo.reference.catalog) may not import the store: :func:`install_definitions` gives it a
*definitions source* reading this table, cached for ``TTL_SECONDS`` and refreshed at once after a change made
in this process. Values of every indicator are observations keyed by indicator id: no schema change per
indicator; the id is also added to the ``indicators`` reference table (the observations' foreign key).
"""

from __future__ import annotations

import json
import re
import time
from datetime import date

import sqlalchemy as sa

from geo.access.auth import Actor, has_role, verified_actor
from geo.reference.catalog import (
    BASE_KINDS,
    DIRECTIONS,
    KINDS,
    TEMPORALS,
    CatalogError,
    build_catalog,
    definitions_source,
    load_catalog,
    merge_entries,
    set_definitions_source,
)
from geo.store.database import AccessDenied, Store, StoreError
from geo.store.engine import utcnow
from geo.text.errors import AnttError, message_of
from geo.store.schema import indicator_definitions, indicators

TTL_SECONDS = 2.0
ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
# The keys an admin may give (the catalog's fields; ``replaced_by`` and ``origin`` are derived). ``parts`` (the
# grades that add up to a count) is kept through an edit or a retirement, so the grade check stays; so are the
# ``period_types`` it is reported in.
FIELDS = ("id", "vi", "en", "short_vi", "short_en", "unit_vi", "unit_en", "kind", "numerator", "denominator", "per",
          "direction", "temporal", "group", "public", "description_vi", "description_en", "aliases", "valid_from",
          "valid_to", "legal_basis", "continues", "lineage_vi", "lineage_en", "retired", "parts",
          "parts_rule", "period_types")
REQUIRED = ("id", "vi", "en", "unit_vi", "unit_en", "kind", "direction", "group")
# Never changed once an indicator exists: stored values would change meaning.
FIXED = ("kind", "numerator", "denominator", "per")


class IndicatorError(StoreError):
    """A definition that cannot be stored (a catalogue key and its parameters; see geo.text.errors)."""


# ---------------------------------------------------------------------------------------------------------
# The definitions source given to the catalog


class _Source:
    def __init__(self, store: Store, ttl: float = TTL_SECONDS):
        self.store, self.ttl = store, ttl
        self.at, self.value = float("-inf"), ()

    def invalidate(self) -> None:
        self.at = float("-inf")

    def __call__(self) -> tuple[str, ...]:
        now = time.monotonic()
        if now - self.at > self.ttl:
            self.value, self.at = stored_texts(self.store), now
        return self.value


def stored_texts(store: Store) -> tuple[str, ...]:
    """The stored definitions as JSON texts (retired flag included), oldest first; () before migration 0003."""
    def read(conn):
        q = sa.select(indicator_definitions).order_by(indicator_definitions.c.created_at,
                                                      indicator_definitions.c.id)
        return [(r.definition, bool(r.retired)) for r in conn.execute(q)]
    try:
        rows = store.execute_read_fn(read)
    except sa.exc.DBAPIError:  # the table does not exist yet (store not migrated)
        return ()
    return tuple(json.dumps({**json.loads(text), "retired": retired}, ensure_ascii=False, sort_keys=True)
                 for text, retired in rows)


def install_definitions(store: Store) -> None:
    """Make :func:`geo.reference.catalog.load_catalog` merge this store's definitions (no-op if already so)."""
    current = definitions_source()
    if isinstance(current, _Source) and current.store is store:
        return
    set_definitions_source(_Source(store))


class _LazySource(_Source):
    """A source on the default store (``ANTT_DATABASE_URL`` / ``ANTT_DATA_DIR``), opened on first use."""

    def __init__(self, ttl: float = TTL_SECONDS):
        super().__init__(None, ttl)

    def __call__(self) -> tuple[str, ...]:
        if self.store is None:
            self.store = Store()
        return super().__call__()


def install_definitions_lazily() -> None:
    """As :func:`install_definitions`, for the default store, opened only when the catalog is first read."""
    if not isinstance(definitions_source(), _Source):
        set_definitions_source(_LazySource())


def refresh_definitions() -> None:
    current = definitions_source()
    if isinstance(current, _Source):
        current.invalidate()


# ---------------------------------------------------------------------------------------------------------
# Reading


def indicator_json(ind, lang: str = "vi") -> dict:
    """One indicator as the CLI's ``indicators list --json`` prints it."""
    return {
        "id": ind.id, "vi": ind.vi, "en": ind.en, "short_vi": ind.short_vi, "short_en": ind.short_en,
        "kind": ind.kind, "numerator": ind.numerator, "denominator": ind.denominator, "per": ind.per,
        "unit_vi": ind.unit_vi, "unit_en": ind.unit_en, "direction": ind.direction, "temporal": ind.temporal,
        "group": ind.group, "public": ind.public, **ind.validity_json(), "validity": ind.validity_text(lang),
        "legal_basis": ind.legal_basis, "continues": list(ind.continues), "replaced_by": list(ind.replaced_by),
        "lineage_vi": ind.lineage_vi, "lineage_en": ind.lineage_en, "aliases": list(ind.aliases),
        "parts": list(ind.parts), "parts_rule": ind.parts_rule, "retired": ind.retired, "origin": ind.origin,
    }


# ---------------------------------------------------------------------------------------------------------
# Writing (admin only, audited)


def _require_admin(store: Store, by) -> str:
    actor = by if isinstance(by, Actor) else None
    if actor is not None and actor.via in ("local", "oidc"):
        actor = verified_actor(store, actor)
    elif actor is not None and actor.via != "cli":
        actor = None
    if actor is None or not has_role(actor, "admin"):
        raise AccessDenied("indicator_admin_required")
    return str(actor)


def _clean(raw: dict) -> dict:
    """Only known keys; empty texts and lists dropped; dates as YYYY-MM-DD; aliases a list of texts."""
    out: dict = {}
    for key in FIELDS:
        if key not in raw:
            continue
        v = raw[key]
        if isinstance(v, str):
            v = v.strip()
        if key in ("aliases", "continues", "parts", "period_types"):
            if isinstance(v, str):
                v = [a.strip() for a in re.split(r"[;\n]", v)]
            v = [str(a).strip() for a in (v or []) if str(a).strip()]
        if key in ("valid_from", "valid_to") and isinstance(v, date):
            v = v.isoformat()
        if key == "per" and v not in (None, ""):
            try:
                v = int(v)
            except (TypeError, ValueError):
                raise IndicatorError("indicator_per_not_whole", value=repr(v)) from None
        if v in (None, "", []) and key not in ("public", "retired"):
            continue
        out[key] = v
    return out


def _check(definition: dict, existing: dict | None) -> None:
    """Refuse what the catalog would refuse, and changes that would alter stored values' meaning."""
    for key in REQUIRED:
        if not definition.get(key):
            raise IndicatorError("indicator_field_required", key=key)
    iid = definition["id"]
    if not ID_RE.match(iid):
        raise IndicatorError("indicator_bad_id", iid=iid)
    if definition["kind"] not in KINDS:
        raise IndicatorError("indicator_bad_kind", kind=definition["kind"], kinds=", ".join(sorted(KINDS)))
    if definition["direction"] not in DIRECTIONS:
        raise IndicatorError("indicator_bad_direction", direction=definition["direction"])
    if definition.get("temporal", "stock") not in TEMPORALS:
        raise IndicatorError("indicator_bad_temporal", temporal=definition["temporal"])
    if definition["kind"] in BASE_KINDS and (definition.get("numerator") or definition.get("denominator")):
        raise IndicatorError("indicator_base_has_parts")
    if existing is not None:
        for key in FIXED:
            if definition.get(key) != existing.get(key):
                raise IndicatorError("indicator_fixed_field", key=key, iid=iid)


def _catalog_with(store: Store, definition: dict):
    """The catalog as it would be with ``definition`` stored (raises IndicatorError if malformed)."""
    stored = [json.loads(t) for t in stored_texts(store)]
    stored = [d for d in stored if d.get("id") != definition["id"]] + [definition]
    try:
        return build_catalog(merge_entries(stored))
    except (CatalogError, AnttError) as exc:  # a part (grade) that is not a base indicator is an AnttError
        raise IndicatorError("indicator_invalid", exc=message_of(exc)) from None


def _write(store: Store, who: str, action: str, definition: dict, *, new: bool) -> None:
    iid = definition["id"]
    retired = bool(definition.pop("retired", False))
    text = json.dumps(definition, ensure_ascii=False, sort_keys=True)

    def write(conn):
        now = utcnow()
        row = conn.execute(sa.select(indicator_definitions.c.id).where(indicator_definitions.c.id == iid)).first()
        if row is None:
            conn.execute(indicator_definitions.insert().values(
                id=iid, definition=text, retired=retired, created_at=now, created_by=who, updated_at=now,
                updated_by=who))
        else:
            conn.execute(indicator_definitions.update().where(indicator_definitions.c.id == iid).values(
                definition=text, retired=retired, updated_at=now, updated_by=who))
        ref = {"vi": definition["vi"], "en": definition["en"], "kind": definition["kind"]}
        if conn.execute(sa.select(indicators.c.id).where(indicators.c.id == iid)).first() is None:
            conn.execute(indicators.insert().values(id=iid, **ref))
        else:
            conn.execute(indicators.update().where(indicators.c.id == iid).values(**ref))
        store.audit(action, who, {"id": iid, "retired": retired, "definition": definition}, conn=conn)

    store.execute_write_fn(write)
    refresh_definitions()


def _current_entry(iid: str) -> dict | None:
    """The definition of ``iid`` as the catalog has it now (seed or stored), in the stored JSON shape."""
    cat = load_catalog()
    if iid not in cat:
        return None
    d = indicator_json(cat[iid])
    for key in ("validity", "replaced_by", "origin"):
        d.pop(key, None)
    return _clean(d)


def add_indicator(store: Store, definition: dict, *, by) -> dict:
    """Add a new indicator (its id must be new). Returns the stored definition."""
    who = _require_admin(store, by)
    definition = _clean({"temporal": "stock", "public": True, **definition, "retired": False})
    _check(definition, None)
    if definition["id"] in load_catalog():
        raise IndicatorError("indicator_exists", iid=definition["id"])
    _catalog_with(store, definition)
    _write(store, who, "indicator_add", dict(definition), new=True)
    return definition


def edit_indicator(store: Store, iid: str, changes: dict, *, by) -> dict:
    """Change an indicator (seed or stored): names, short names, units, direction, public, group, validity,
    aliases, legal basis, lineage. Kind and parts cannot change. Returns the stored definition."""
    who = _require_admin(store, by)
    current = _current_entry(iid)
    if current is None:
        raise IndicatorError("indicator_unknown", iid=iid)
    merged = {**current, **{k: v for k, v in changes.items() if k != "id"}, "id": iid}
    definition = _clean(merged)
    for key in ("valid_from", "valid_to"):  # an emptied date means open again
        if key in changes and changes[key] in (None, ""):
            definition.pop(key, None)
    _check(definition, current)
    _catalog_with(store, definition)
    _write(store, who, "indicator_edit", dict(definition), new=False)
    return definition


def retire_indicator(store: Store, iid: str, *, by, on: date | str | None = None) -> dict:
    """Retire an indicator from ``on`` (default today): it keeps its history and its data for the periods it
    was valid, and is no longer offered for later periods."""
    who = _require_admin(store, by)
    current = _current_entry(iid)
    if current is None:
        raise IndicatorError("indicator_unknown", iid=iid)
    end = on if isinstance(on, date) else (date.fromisoformat(str(on)) if on else date.today())
    start = current.get("valid_from")
    if start and date.fromisoformat(start) > end:
        raise IndicatorError("indicator_ends_before_start", end=end.isoformat(), start=start)
    definition = {**current, "valid_to": end.isoformat(), "retired": True}
    _catalog_with(store, definition)
    _write(store, who, "indicator_retire", dict(definition), new=False)
    return definition
