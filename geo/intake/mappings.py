"""Hand-made column mappings of the upload page, remembered per boundary set.

A mapping (header text as found in a file → indicator id, or "" to ignore the column) is stored as an audit
event ``column_mapping`` in the store: append-only, shared by every app process on the same database, and it
says who changed it and when. The latest event for a set is its current mapping.
"""

from __future__ import annotations

ACTION = "column_mapping"


def remember_mapping(store, boundary_set: str, mapping: dict[str, str], user: str) -> None:
    store.audit(ACTION, user, {"boundary_set": boundary_set, "mapping": dict(mapping)})


def remembered_mapping(store, boundary_set: str, scan: int = 500) -> dict[str, str]:
    """The latest mapping saved for the set ({} when none)."""
    for row in store.audit_log(limit=scan, action=ACTION):
        detail = row.get("detail") or {}
        if detail.get("boundary_set") == boundary_set and isinstance(detail.get("mapping"), dict):
            return {str(k): str(v) for k, v in detail["mapping"].items()}
    return {}
