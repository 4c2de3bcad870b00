"""The wide table of (set, period, area) for other systems: ``/api/table/{set}?period=&province=&f=csv|json``.

The same rows as the OGC items' properties (geo.outputs.features over the one view loader), under the same
access rules (geo.api.access); ``province`` (and ``district`` for sets with districts) narrows the view to an
area as the pages' area picker does. CSV is UTF-8 with a BOM (Excel opens Vietnamese correctly); JSON is
``{"meta": {...}, "rows": [...]}``.
"""

from __future__ import annotations

import io
import json

from geo.api import params, service
from geo.api.access import ApiError, sees_internal
from geo.api.ogc import _json, _set, guarded
from geo.units import boundaries as gb


def _area(query: dict, set_id: str) -> tuple:
    """((parent column, value), ...) from ``province`` / ``district``; ApiError for an area not in the set."""
    info = gb.get_boundary_set_info(set_id)
    levels = {"province": len(info.parent_columns) - 1, "district": len(info.parent_columns) - 2}
    area = []
    for name in ("province", "district"):
        value = query.get(name)
        if value is None:
            continue
        if levels[name] < 0:
            raise ApiError(400, "api_area_level", name=name, set=set_id)
        area.append((f"parent_{levels[name]}", value))
    if area:
        units = gb.unit_list(set_id) if gb.unit_source(set_id).polygons else None
        if units is not None:
            import numpy as np

            if not np.asarray(gb.area_mask(units, tuple(area))).any():
                raise ApiError(404, "api_area_unknown", area=" / ".join(v for _, v in area)[:80], set=set_id)
    return tuple(area)


def wide_table(request, store, actor):
    query = params.checked(request, ("f", "period", "province", "district"))
    set_id = request.path_params["set_id"]
    _set(set_id)
    fmt = params.fmt(query, ("csv", "json"), "json")
    period = params.period(query, service.periods(store, set_id), set_id)
    area = _area(query, set_id)
    coll = service.collection(set_id, period, sees_internal(actor), area)
    table = coll.table.loc[list(coll.codes)]
    if fmt == "csv":
        from starlette.responses import Response

        buf = io.StringIO()
        table.to_csv(buf, index=False, lineterminator="\r\n")
        return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{set_id}-{coll.period or "latest"}.csv"'})
    rows = json.loads(table.to_json(orient="records", force_ascii=False))
    meta = {"boundary_set": set_id, "period": coll.period, "data_version": coll.version, "sample": coll.sample,
            "area": [v for _, v in area], "attribution": gb.get_boundary_set_info(set_id).attribution}
    return _json({"meta": meta, "rows": rows})


def routes() -> list:
    from starlette.routing import Route

    return [Route("/table/{set_id}", guarded(wide_table), methods=["GET", "HEAD"])]
