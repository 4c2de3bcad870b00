"""Crosswalks between boundary vintages (the 1 July 2025 reform): old unit → new unit(s) with weights.

Viewing data on another vintage goes through a crosswalk: counts are summed (times the weight), shares are
recomputed later from the summed numerators and denominators, and every new unit that received a share of
a split old unit is marked approximate. Two apportioning methods:

- ``whole``: each old unit goes whole to one new unit — the first one the official mapping lists;
- ``area``: an old unit split across several new units is apportioned by the area of its polygon that falls
  in each (needs both boundary files).
"""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo import DATA_DIR
from geo.reference.catalog import Catalog, load_catalog
from geo.text.errors import AnttError
from geo.text.i18n import t
from geo.text.names import normalize_code
from geo.units.boundaries import boundary_dir

REGISTRY_PATH = DATA_DIR / "crosswalks.toml"
METHODS = ("whole", "area")


class CrosswalkError(AnttError, ValueError):
    pass


@dataclass(frozen=True)
class CrosswalkInfo:
    id: str
    from_set: str
    to_set: str
    file: str
    old_column: str = ""
    new_column: str = ""
    source: str = ""
    licence: str = ""
    format: str = "csv"  # "csv" (old, new columns) or "dvhcvn-splits" (dvhcvn/20250701 mapping/splits.json)
    strict: bool = True  # every unit of the old set must map somewhere (False: unmapped units are reported)


@dataclass
class Crosswalk:
    info: CrosswalkInfo | None
    links: dict[str, list[str]]  # old code → new codes in the official order
    weights: dict[str, dict[str, float]] = field(default_factory=dict)  # old → {new: weight}, sum 1
    method: str = "whole"
    unmapped: list[str] = field(default_factory=list)  # old units the crosswalk does not cover (non-strict)

    def split_units(self) -> set[str]:
        return {o for o, news in self.links.items() if len(set(news)) > 1}


@lru_cache(maxsize=1)
def list_crosswalks() -> tuple[CrosswalkInfo, ...]:
    with open(REGISTRY_PATH, "rb") as fh:
        raw = tomllib.load(fh).get("crosswalk", [])
    return tuple(CrosswalkInfo(**r) for r in raw)


def find_crosswalk(from_set: str, to_set: str) -> CrosswalkInfo | None:
    for c in list_crosswalks():
        if c.from_set == from_set and c.to_set == to_set:
            return c
    return None


def read_crosswalk_csv(path: Path | str, old_column: str, new_column: str, weight_column: str | None = None) -> tuple[dict, dict]:
    """Read links (and optional weights) from a CSV. Raises CrosswalkError naming the row."""
    links: dict[str, list[str]] = {}
    weights: dict[str, dict[str, float]] = {}
    path = Path(path)
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CrosswalkError("crosswalk_unreadable", name=path.name, exc=exc) from None
    with fh:
        reader = csv.DictReader(fh)
        for col in (old_column, new_column) + ((weight_column,) if weight_column else ()):
            if col not in (reader.fieldnames or []):
                raise CrosswalkError("crosswalk_missing_column", name=path.name, col=col)
        for i, row in enumerate(reader, start=2):
            old, new = normalize_code(row[old_column]), normalize_code(row[new_column])
            if old is None or new is None:
                raise CrosswalkError("crosswalk_bad_code", name=path.name, i=i, old=row[old_column], new=row[new_column])
            links.setdefault(old, []).append(new)
            if weight_column:
                try:
                    w = float(str(row[weight_column]).replace(",", "."))
                except ValueError:
                    raise CrosswalkError("crosswalk_bad_weight", name=path.name, i=i, weight=row[weight_column]) from None
                weights.setdefault(old, {})[new] = weights.get(old, {}).get(new, 0.0) + w
    return links, weights


def read_crosswalk_dvhcvn(path: Path | str) -> dict[str, list[str]]:
    """Links from dvhcvn's ``splits.json``: provinces → level3s → splits (new ids in the official order)."""
    import json

    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise CrosswalkError("crosswalk_unreadable", name=path.name, exc=exc) from None
    links: dict[str, list[str]] = {}
    try:
        for province in data["data"]:
            for unit in province.get("level3s", []):
                old = normalize_code(unit["level3_id"])
                news = [normalize_code(s["new_id"]) for s in unit.get("splits", [])]
                if old is None or not news or None in news:
                    raise CrosswalkError("crosswalk_bad_unit_code", name=path.name, unit=repr(unit))
                links[old] = news
    except (KeyError, TypeError) as exc:
        raise CrosswalkError("crosswalk_not_dvhcvn", name=path.name, exc=exc) from None
    return links


def validate(links: dict[str, list[str]], weights: dict[str, dict[str, float]], old_codes, new_codes) -> None:
    """Every old code maps somewhere, only to known new codes, and each old unit's weights sum to 1."""
    problems = []
    missing = sorted(set(old_codes) - set(links))
    if missing:
        problems.append(CrosswalkError("crosswalk_old_unmapped", codes=", ".join(missing)))
    unknown = sorted({n for news in links.values() for n in news} - set(new_codes))
    if unknown:
        problems.append(CrosswalkError("crosswalk_new_unknown", codes=", ".join(unknown)))
    for old, ws in weights.items():
        total = sum(ws.values())
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            problems.append(CrosswalkError("crosswalk_weights_sum", old=old, total=f"{total:g}"))
        if any(w < 0 for w in ws.values()):
            problems.append(CrosswalkError("crosswalk_weight_negative", old=old))
    if problems:
        raise CrosswalkError("crosswalk_invalid", problems=problems)


def whole_weights(links: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    return {old: {news[0]: 1.0} for old, news in links.items()}


def area_weights(links: dict[str, list[str]], old_gdf, new_gdf) -> dict[str, dict[str, float]]:
    """Weights by the area of each old polygon inside each of its listed new units (equal-area CRS)."""
    old = old_gdf.set_index("code").to_crs(6933).geometry
    new = new_gdf.set_index("code").to_crs(6933).geometry
    out: dict[str, dict[str, float]] = {}
    for o, news in links.items():
        targets = list(dict.fromkeys(news))
        if len(targets) == 1 or o not in old.index:
            out[o] = {targets[0]: 1.0}
            continue
        areas = {n: (old[o].intersection(new[n]).area if n in new.index else 0.0) for n in targets}
        total = sum(areas.values())
        out[o] = {n: a / total for n, a in areas.items()} if total > 0 else {targets[0]: 1.0}
    return out


def load_crosswalk(from_set: str, to_set: str, method: str = "whole", folder: Path | None = None,
                   old_units=None, new_units=None) -> Crosswalk:
    """Load and validate the registered crosswalk from one boundary set to another."""
    if method not in METHODS:
        raise CrosswalkError("crosswalk_unknown_method", method=repr(method))
    info = find_crosswalk(from_set, to_set)
    if info is None:
        raise CrosswalkError("crosswalk_none_between", from_set=from_set, to_set=to_set)
    path = (folder or boundary_dir()) / info.file
    if not path.is_file():
        raise CrosswalkError("crosswalk_file_missing", file=info.file, folder=folder or boundary_dir())
    if info.format == "dvhcvn-splits":
        links = read_crosswalk_dvhcvn(path)
    else:
        links, _ = read_crosswalk_csv(path, info.old_column, info.new_column)
    unmapped: list[str] = []
    if old_units is not None and new_units is not None:
        if info.strict:
            validate(links, {}, old_units["code"], new_units["code"])
        else:
            known_new = set(new_units["code"])
            links = {o: [n for n in news if n in known_new] for o, news in links.items()}
            links = {o: news for o, news in links.items() if news}
            unmapped = sorted(set(old_units["code"]) - set(links))
    if method == "area":
        if old_units is None or new_units is None:
            raise CrosswalkError("crosswalk_area_needs_boundaries")
        weights = area_weights(links, old_units, new_units)
    else:
        weights = whole_weights(links)
    return Crosswalk(info, links, weights, method, unmapped)


def aggregate(table: pd.DataFrame, crosswalk: Crosswalk, new_names: dict[str, str],
              to_set: str, catalog: Catalog | None = None) -> pd.DataFrame:
    """A wide table on the old set → the same table on the new set.

    Counts and amounts are summed with the crosswalk weights; a flag (0/1) is 1 only when every contributing
    old unit has 1. A new unit is missing (NaN) for an indicator when none of its old units has a value.
    ``attrs['approximate']`` lists the new units touched by a split old unit (whatever the method);
    ``attrs['incomplete']`` those where some contributing old unit had no value for some indicator.
    """
    catalog = catalog or load_catalog()
    base = [i for i in catalog.base() if i.id in table.columns]
    acc: dict[str, dict[str, float]] = {}
    present: dict[tuple[str, str], int] = {}
    absent: dict[tuple[str, str], int] = {}
    approx: set[str] = set()
    splits = crosswalk.split_units()
    for old_code, row in table.iterrows():
        if old_code in splits:  # whichever the method, every new unit the split touches is approximate
            approx.update(crosswalk.links[old_code])
        for new_code, w in crosswalk.weights.get(old_code, {}).items():
            if w < 1.0:
                approx.add(new_code)
            a = acc.setdefault(new_code, {})
            for ind in base:
                v = row[ind.id]
                key = (new_code, ind.id)
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    absent[key] = absent.get(key, 0) + 1
                    continue
                present[key] = present.get(key, 0) + 1
                if ind.kind == "flag":
                    a[ind.id] = min(a.get(ind.id, 1.0), float(v))
                else:
                    a[ind.id] = a.get(ind.id, 0.0) + w * float(v)
    incomplete = {code for (code, iid) in absent if present.get((code, iid))}
    codes = list(new_names)
    data = []
    for c in codes:
        rec = {"unit_code": c, "unit_name": new_names[c]}
        for ind in base:
            rec[ind.id] = acc.get(c, {}).get(ind.id, float("nan"))
        data.append(rec)
    out = pd.DataFrame(data, columns=["unit_code", "unit_name", *[i.id for i in base]]).set_index("unit_code")
    out.attrs.update(table.attrs)
    unmapped = sorted(c for c in table.index if c not in crosswalk.weights)
    out.attrs.update(boundary_set=to_set, converted_from=table.attrs.get("boundary_set"), unmapped=unmapped,
                     crosswalk=crosswalk.info.id if crosswalk.info else None, method=crosswalk.method,
                     approximate=sorted(approx), incomplete=sorted(incomplete))
    return out


def get_crosswalk_info(crosswalk_id: str) -> CrosswalkInfo:
    for c in list_crosswalks():
        if c.id == crosswalk_id:
            return c
    raise CrosswalkError("crosswalk_unknown", crosswalk_id=crosswalk_id)


MAX_CROSSWALK_BYTES = 20 * 1024 * 1024


def check_crosswalk_upload(data: bytes, file_name: str, crosswalk_id: str, folder: Path | None = None) -> Crosswalk:
    """Validate an uploaded crosswalk (the registered format: CSV with the registered columns, or dvhcvn JSON)
    against both boundary sets, without touching the current one. Raises CrosswalkError naming the problem."""
    import tempfile

    from geo.units.boundaries import unit_list

    info = get_crosswalk_info(crosswalk_id)
    name = Path(str(file_name or "")).name or t("file_no_name")
    if not data:
        raise CrosswalkError("crosswalk_upload_empty", name=name)
    if len(data) > MAX_CROSSWALK_BYTES:
        raise CrosswalkError("crosswalk_upload_too_big", name=name, size=len(data) / 1048576)
    if data[:4] in (b"PK\x03\x04", b"\x89PNG", b"%PDF") or b"\x00" in data[:4096]:
        raise CrosswalkError("crosswalk_upload_not_text", name=name)
    with tempfile.TemporaryDirectory(prefix="antt-crosswalk-") as tmp:
        path = Path(tmp) / info.file
        path.write_bytes(data)
        old_units, new_units = unit_list(info.from_set), unit_list(info.to_set)
        try:
            return load_crosswalk(info.from_set, info.to_set, folder=Path(tmp), old_units=old_units,
                                  new_units=new_units)
        except CrosswalkError as exc:
            raise CrosswalkError(exc.key, **{k: str(v).replace(str(path), name) if isinstance(v, (str, Path)) else v
                                            for k, v in exc.params.items()}) from None


def composition(crosswalk: Crosswalk, old: pd.DataFrame, new: pd.DataFrame, indicator_id: str,
                catalog: Catalog | None = None) -> list[dict]:
    """Per new unit: the old units that formed it, their values of the indicator and the new value
    (for the before/after table; values as numbers, NaN when missing)."""
    from geo.reference.frames import indicator_values

    catalog = catalog or load_catalog()
    old_vals = indicator_values(old, indicator_id, catalog)
    new_vals = indicator_values(new, indicator_id, catalog)
    formed_by: dict[str, list[str]] = {}
    for o, news in crosswalk.links.items():
        for n in dict.fromkeys(news):
            formed_by.setdefault(n, []).append(o)
    out = []
    for code in new.index:
        olds = [o for o in formed_by.get(code, []) if o in old.index]
        out.append({"unit_code": code, "unit_name": new.at[code, "unit_name"],
                    "old": [(o, old.at[o, "unit_name"], float(old_vals.get(o))) for o in olds],
                    "value": float(new_vals.get(code))})
    return out
