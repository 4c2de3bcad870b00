"""Boundary sets: registry metadata in ``data/boundary_sets.toml`` + a vector file in the configured folder.

Loading reads any vector file pyogrio reads (GeoJSON, GeoPackage, zipped Shapefile), reprojects to EPSG:4326,
repairs invalid geometry with ``make_valid``, keeps codes as zero-padded strings and refuses duplicate or
missing codes. The display geometry (simplified once per set, shared borders kept shared) is what maps draw.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo import DATA_DIR
from geo.config import setting
from geo.text.errors import AnttError
from geo.text.i18n import format_number
from geo.text.names import clean_text, normalize_code

REGISTRY_PATH = DATA_DIR / "boundary_sets.toml"
ENV_BOUNDARY_DIR = "ANTT_BOUNDARY_DIR"
CRS = "EPSG:4326"


class BoundaryError(AnttError, ValueError):
    """A boundary file or set cannot be used; ``message(lang)`` says why (see geo.text.errors)."""


@dataclass(frozen=True)
class BoundarySetInfo:
    id: str
    file: str
    level: str
    vintage: str
    code_column: str
    name_column: str
    title_vi: str = ""
    title_en: str = ""
    vintage_en: str = ""
    code_width: int = 5
    parent_columns: tuple[str, ...] = ()
    expected_units: int | None = None
    source: str = ""
    licence: str = ""
    attribution: str = ""
    default: bool = False
    fallback_table: str | None = None
    fallback_district: str | None = None
    fallback_codes: tuple[str, ...] = field(default_factory=tuple)
    assign_codes: str | None = None  # e.g. "gso-legacy": official codes assigned by names (geo.units.codes)
    label_first: tuple[str, ...] = ()  # province names the national map labels before any other (the cities)
    units_vintage: str = "pre2025"  # whose units it draws: "pre2025" or "2025" (from 1/7/2025; geo.units.vintage)

    @property
    def data_code_width(self) -> int:
        """Width of the codes the data uses for this set (official 5-digit codes when they are assigned)."""
        return 5 if self.assign_codes else self.code_width

    def title(self, lang: str = "vi") -> str:
        return (self.title_en if lang == "en" else self.title_vi) or self.id

    def vintage_text(self, lang: str = "vi") -> str:
        return (self.vintage_en if lang == "en" else self.vintage) or self.vintage


def load_registry(path: Path | str | None = None) -> list[BoundarySetInfo]:
    path = Path(path) if path else REGISTRY_PATH
    with open(path, "rb") as fh:
        raw = tomllib.load(fh).get("set", [])
    out = []
    for entry in raw:
        entry = dict(entry)
        entry["parent_columns"] = tuple(entry.get("parent_columns", ()))
        entry["fallback_codes"] = tuple(entry.get("fallback_codes", ()))
        entry["label_first"] = tuple(entry.get("label_first", ()))
        out.append(BoundarySetInfo(**entry))
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        raise BoundaryError("boundary_duplicate_set_id", path=path)
    return out


@lru_cache(maxsize=1)
def _registry() -> tuple[BoundarySetInfo, ...]:
    return tuple(load_registry())


def list_boundary_sets() -> list[BoundarySetInfo]:
    return list(_registry())


def default_set_id() -> str:
    sets = _registry()
    for s in sets:
        if s.default:
            return s.id
    return sets[0].id


def get_boundary_set_info(set_id: str) -> BoundarySetInfo:
    for s in _registry():
        if s.id == set_id:
            return s
    known = ", ".join(s.id for s in _registry())
    raise BoundaryError("boundary_unknown_set", set_id=set_id, known=known)


def boundary_dir() -> Path:
    """The configured folder of boundary files: ANTT_BOUNDARY_DIR, else ../shared/geodata beside the project."""
    return setting(ENV_BOUNDARY_DIR)


def boundary_file(info: BoundarySetInfo, folder: Path | None = None) -> Path | None:
    """The set's file in the configured folder, or None when it is not there."""
    path = (folder or boundary_dir()) / info.file
    return path if path.is_file() else None


def file_fingerprint(path: Path) -> str:
    """Cheap identity of a file for cache keys: size, mtime and a hash of the first and last 64 KiB.

    Kept per (path, device, inode, size, mtime): a map's rerun asks several times, and reading and hashing
    128 KiB each time was a tenth of a national map change under load (py-spy, issue 22). A file replaced
    (a new inode), rewritten or touched (size or mtime) is read again."""
    st = path.stat()
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    known = _FINGERPRINTS.get(key)
    if known is not None:
        return known
    h = hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}".encode())
    with open(path, "rb") as fh:
        h.update(fh.read(65536))
        if st.st_size > 65536:
            fh.seek(max(0, st.st_size - 65536))
            h.update(fh.read(65536))
    if len(_FINGERPRINTS) > 256:
        _FINGERPRINTS.clear()
    _FINGERPRINTS[key] = h.hexdigest()[:16]
    return _FINGERPRINTS[key]


_FINGERPRINTS: dict[tuple, str] = {}


FALLBACK = "fallback"  # the fingerprint of a set drawn from its centroid list (no file to identify)


@dataclass(frozen=True)
class UnitSource:
    """The one decision about a set's units: drawn from its boundary file (polygons), or from the centroid
    list when the file is not there; and the fingerprint that caches of anything built from them key on."""

    set_id: str
    path: Path | None
    fingerprint: str
    folder: Path | None = None  # None: the configured folder

    @property
    def polygons(self) -> bool:
        return self.path is not None

    @property
    def fallback(self) -> bool:
        return self.path is None

    def shapes(self):
        """The set's display units (polygons, :func:`geo.units.display.display_units`), else its centroids."""
        if self.path is None:
            return fallback_points(self.set_id)
        from geo.units.display import display_units

        return display_units(self.set_id, self.folder)


def unit_source(set_id: str, folder: Path | None = None) -> UnitSource:
    """Where ``set_id``'s units come from (file or centroids) and their fingerprint, decided here only."""
    path = boundary_file(get_boundary_set_info(set_id), folder)
    return UnitSource(set_id, path, FALLBACK if path is None else file_fingerprint(path), folder)


def read_boundary_file(
    path: Path | str,
    code_column: str,
    name_column: str,
    parent_columns: tuple[str, ...] = (),
    code_width: int = 5,
    max_features: int = 50_000,
):
    """Read and check one boundary file. Returns a GeoDataFrame with columns code, name, parent_*, geometry.

    Raises BoundaryError (Vietnamese message naming the file and the problem) on anything unusable.
    """
    import geopandas as gpd
    import pyogrio
    import shapely

    path = Path(path)
    label = path.name
    try:
        info = pyogrio.read_info(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise BoundaryError("boundary_unreadable", label=label, exc=exc) from None
    if info.get("features", 0) and info["features"] > max_features:
        raise BoundaryError(
            "boundary_too_many_features", label=label,
            features=format_number(info['features']), limit=format_number(max_features)
        )
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:
        raise BoundaryError("boundary_unreadable", label=label, exc=exc) from None
    for col in (code_column, name_column, *parent_columns):
        if col not in gdf.columns:
            raise BoundaryError("boundary_missing_column", label=label, col=col, columns=', '.join(map(str, gdf.columns)))
    if gdf.crs is None:
        raise BoundaryError("boundary_no_crs", label=label)
    if len(gdf) == 0:
        raise BoundaryError("boundary_no_features", label=label)
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(CRS)
    codes = [normalize_code(c, code_width) for c in gdf[code_column]]
    missing = [i for i, c in enumerate(codes) if c is None]
    if missing:
        rows = ", ".join(str(i + 1) for i in missing[:10])
        raise BoundaryError("boundary_missing_code", label=label, rows=rows)
    seen: dict[str, int] = {}
    dups = []
    for c in codes:
        seen[c] = seen.get(c, 0) + 1
        if seen[c] == 2:
            dups.append(c)
    if dups:
        raise BoundaryError("boundary_duplicate_codes", label=label, codes=', '.join(dups[:10]))
    geoms = gdf.geometry.values
    if geoms.isna().any() or shapely.is_empty(geoms).any():
        bad = [codes[i] for i in range(len(codes)) if geoms[i] is None or shapely.is_empty(geoms[i])]
        raise BoundaryError("boundary_empty_geometry", label=label, codes=', '.join(bad[:10]))
    invalid = ~shapely.is_valid(geoms)
    repaired = int(invalid.sum())
    if repaired:
        fixed = shapely.make_valid(geoms[invalid])
        # make_valid may return a GeometryCollection with stray lines: keep the polygonal part only.
        fixed = [_polygonal(g) for g in fixed]
        geoms = geoms.copy()
        geoms[invalid] = fixed
    bounds = shapely.total_bounds(geoms)
    if bounds[0] < -180 or bounds[2] > 180 or bounds[1] < -90 or bounds[3] > 90:
        raise BoundaryError("boundary_bad_coordinates", label=label)
    out = gpd.GeoDataFrame(
        {
            "code": codes,
            "name": [clean_text(n) for n in gdf[name_column]],
            **{f"parent_{i}": [clean_text(v) for v in gdf[c]] for i, c in enumerate(parent_columns)},
        },
        geometry=list(geoms),
        crs=CRS,
    )
    out.attrs["repaired"] = repaired
    return out


def _polygonal(geom):
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, (Polygon, MultiPolygon))]
    polys = []
    for p in parts:
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon(polys) if len(polys) > 1 else (polys[0] if polys else geom)


def load_boundary_set(set_id: str, folder: Path | None = None):
    """Load a registered set from the configured folder. Raises BoundaryError if its file is not there."""
    info = get_boundary_set_info(set_id)
    src = unit_source(set_id, folder)
    path = src.path
    if path is None:
        raise BoundaryError(
            "boundary_file_missing", file=info.file, folder=folder or boundary_dir(), ENV_BOUNDARY_DIR=ENV_BOUNDARY_DIR
        )
    gdf = read_boundary_file(path, info.code_column, info.name_column, info.parent_columns, info.code_width)
    if info.assign_codes:
        _assign_codes(gdf, info)
    gdf.attrs.update(set_id=info.id, fingerprint=src.fingerprint)
    return gdf


def _assign_codes(frame, info: BoundarySetInfo) -> None:
    """Replace the file's own ids by official codes where names match (in place); keep the report."""
    from geo.units.codes import assign_official_codes

    if len(info.parent_columns) < 2:
        raise BoundaryError("boundary_codes_need_parents", id=info.id)
    frame["source_id"] = frame["code"]
    codes, report = assign_official_codes(frame["code"], frame["name"], frame["parent_0"], frame["parent_1"],
                                          info.assign_codes)
    frame["code"] = codes
    frame.attrs["code_report"] = report


UNIT_LIST_VERSION = "1"  # bump when the unit list's columns or codes change: the cached lists are rebuilt


@lru_cache(maxsize=8)
def _unit_list(set_id: str, path: str, fingerprint: str):
    """The unit list, read once per file content from the prepared-geometry cache (reading the attributes of
    a national GeoJSON takes a second), else from the file."""
    import json

    import pandas as pd

    from geo.units import geocache

    entry = geocache.entry_path(set_id, "unitlist", geocache.content_hash(path), UNIT_LIST_VERSION)
    parts, _built = geocache.load_or_build(entry, lambda: {"table": _read_unit_list(set_id, path).to_json(
        orient="split", index=False, force_ascii=False).encode("utf-8")})
    data = json.loads(parts["table"])
    return pd.DataFrame(data["data"], columns=data["columns"])


def _read_unit_list(set_id: str, path: str):
    import pandas as pd
    import pyogrio

    info = get_boundary_set_info(set_id)
    cols = [info.code_column, info.name_column, *info.parent_columns]
    df = pyogrio.read_dataframe(path, columns=cols, read_geometry=False)
    out = pd.DataFrame({
        "code": [normalize_code(c, info.code_width) for c in df[info.code_column]],
        "name": [clean_text(n) for n in df[info.name_column]],
        **{f"parent_{i}": [clean_text(v) for v in df[c]] for i, c in enumerate(info.parent_columns)},
    })
    if info.assign_codes:
        _assign_codes(out, info)
    return out


def unit_list(set_id: str):
    """Codes, names and parents of a set's units without reading geometry (fast; same codes as
    :func:`load_boundary_set`). Falls back to the centroid list when the file is not there."""
    src = unit_source(set_id)
    if src.fallback:
        pts = fallback_points(set_id)
        return pts.drop(columns=pts.geometry.name)
    return _unit_list(set_id, str(src.path), src.fingerprint).copy()


def area_mask(units, area: tuple):
    """Rows of ``units`` inside ``area`` = ((parent column, value), ...); () selects every unit."""
    import numpy as np

    mask = np.ones(len(units), dtype=bool)
    for col, value in area:
        mask &= (units[col] == value).to_numpy()
    return mask


def display_geometry(gdf, tolerance: float | None = None, precision: float = 1e-5):
    """Screen geometry: the whole coverage simplified together (shared borders stay shared), rounded.

    The tolerance defaults to 1/3000 of the set's extent, about a pixel on a full-screen map of the set.
    Only ``code``, ``name`` and the parent columns are kept.
    """
    import geopandas as gpd
    import shapely

    geoms = gdf.geometry.values
    if tolerance is None:
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        tolerance = max(maxx - minx, maxy - miny) / 3000.0
    try:
        simple = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    except Exception:  # not a clean coverage: fall back to per-polygon, topology-preserving
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, precision)
    bad = shapely.is_empty(simple) | ~shapely.is_valid(simple)
    if bad.any():
        simple = simple.copy()
        simple[bad] = shapely.make_valid(shapely.simplify(geoms[bad], tolerance / 4, preserve_topology=True))
    keep = {c: gdf[c].values for c in gdf.columns if c in ("code", "name") or c.startswith("parent_")}
    out = gpd.GeoDataFrame(keep, geometry=list(simple), crs=CRS)
    out.attrs.update(gdf.attrs)
    return out


def province_column(set_id: str) -> str | None:
    """The parent column holding the province (the widest level), None for sets without parents."""
    info = get_boundary_set_info(set_id)
    return f"parent_{len(info.parent_columns) - 1}" if info.parent_columns else None


def dissolve_units(display_gdf, column: str, grid_size: float | None = None):
    """Units merged by ``column`` (e.g. communes into provinces): one row per value, ``code`` and ``name`` the
    value. Unioned on a grid (default 1/10,000 of the extent: outlines for national and province zoom), which
    also closes the slivers a simplified coverage leaves between neighbours."""
    import geopandas as gpd
    import shapely

    if grid_size is None:
        minx, miny, maxx, maxy = display_gdf.total_bounds
        grid_size = max(maxx - minx, maxy - miny, 1e-6) / 10000.0
    names, geoms = [], []
    for value, group in display_gdf.groupby(column, sort=True):
        parts = group.geometry.values
        try:
            merged = shapely.union_all(parts, grid_size=grid_size)
        except shapely.errors.GEOSException:
            merged = shapely.union_all(shapely.make_valid(parts))
        # a simplified coverage leaves hairline gaps between neighbours; unioned they become tiny holes and
        # slivers that draw as dashes all over a province: keep each part's exterior, drop specks
        polys = [shapely.Polygon(p.exterior) for p in shapely.get_parts(merged) if p.geom_type == "Polygon"]
        polys = [p for p in polys if p.area > (20 * grid_size) ** 2]
        names.append(str(value))
        geoms.append(shapely.MultiPolygon(polys) if polys else merged)
    out = gpd.GeoDataFrame({"code": names, "name": names}, geometry=geoms, crs=display_gdf.crs)
    out.attrs.update(display_gdf.attrs)
    return out


def fallback_points(set_id: str):
    """Commune centroids from the ``vietnamadminunits`` package, for when no polygon file is available."""
    import geopandas as gpd
    from shapely.geometry import Point
    from vietnamadminunits.database import query

    info = get_boundary_set_info(set_id)
    if not info.fallback_table:
        raise BoundaryError("boundary_no_fallback", set_id=set_id)
    table = info.fallback_table
    if table not in ("admin_units", "admin_units_legacy"):
        raise BoundaryError("boundary_unknown_fallback", table=repr(table))
    sql = f"SELECT DISTINCT ward, wardCode, wardLat, wardLon FROM [{table}]"
    if info.fallback_district:
        sql += " WHERE districtCode = '" + _digits(info.fallback_district) + "'"
    elif info.fallback_codes:
        sql += " WHERE wardCode IN (" + ",".join("'" + _digits(c) + "'" for c in info.fallback_codes) + ")"
    rows = query(sql)
    rows = [r for r in rows if r["wardLat"] is not None and r["wardLon"] is not None]
    gdf = gpd.GeoDataFrame(
        {"code": [normalize_code(r["wardCode"]) for r in rows], "name": [clean_text(r["ward"]) for r in rows]},
        geometry=[Point(r["wardLon"], r["wardLat"]) for r in rows],
        crs=CRS,
    )
    gdf = gdf.drop_duplicates("code").reset_index(drop=True)
    gdf.attrs.update(set_id=set_id, fallback=True)
    return gdf


def _digits(s: str) -> str:
    if not str(s).isdigit():
        raise BoundaryError("boundary_invalid_code", s=repr(s))
    return str(s)
