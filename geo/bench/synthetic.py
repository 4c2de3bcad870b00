"""The benchmark's national synthetic figures, consistent as real reports are and across periods.

Each unit has its own level per indicator (a whole number 0–50, fixed across periods); each period varies it a
little (log-normal, σ 4 % for stocks, 8 % for flows), then the row is made consistent: grades add up to their count, a
part never above its whole, total ≥ registered ≥ recognized, members ≥ teams (3–6 per team), no forum ⇒ no forum
opinions. So the quality checks (geo.intake.quality) see what a real series looks like: a few periods of history
per unit that move a little, never a digit too many."""

from __future__ import annotations

import numpy as np

HISTORY_PERIODS = ("2020", "2021", "2022", "2023")
FILE_PERIOD = "2024"


def synthetic_rows(codes, names, catalog, period: str, seed: int = 7) -> list[dict]:
    """Rows {unit_code, unit_name, values} for ``period``: the same units and levels for every period."""
    base = list(catalog.base())
    levels = np.random.default_rng(seed).integers(0, 51, (len(codes), len(base)))
    per_team = np.random.default_rng(seed + 1).integers(3, 7, len(codes))
    rng = np.random.default_rng(_period_seed(period, seed))
    sigma = np.array([0.04 if i.temporal == "stock" else 0.08 for i in base])
    noisy = np.rint(levels * np.exp(rng.normal(0.0, 1.0, levels.shape) * sigma)).astype(int)
    flags = rng.integers(0, 2, levels.shape)
    # only what is reported in the period's type (no recognition count in a quarter); drawn for every indicator
    # all the same, so a year's figures do not change with the catalog's period types
    reported = {i.id for i in catalog.reported_in(period).base()}
    rows = []
    for k, code in enumerate(codes):
        vals = {}
        for j, ind in enumerate(base):
            vals[ind.id] = round(float(levels[k, j]) / 5.0, 1) if ind.kind == "amount" else (
                int(flags[k, j]) if ind.kind == "flag" else int(noisy[k, j]))
        _consistent(vals, catalog, int(per_team[k]), k)
        vals = {i: v for i, v in vals.items() if i in reported}
        rows.append({"unit_code": code, "unit_name": names[k], "values": vals})
    return rows


def _period_seed(period: str, seed: int) -> int:
    return seed * 1000 + sum(ord(c) * (i + 1) for i, c in enumerate(str(period)))


def _consistent(vals: dict, catalog, per_team: int, k: int) -> None:
    for whole, parts in catalog.part_groups():
        if catalog[whole].kind == "flag":  # a commune has one grade at most
            graded = k % (len(parts) + 1)
            for i, p in enumerate(parts):
                vals[p] = int(i + 1 == graded)
        vals[whole] = sum(vals[p] for p in parts)
    for _ in range(3):  # chains: total ≥ registered ≥ recognized
        for num, den in catalog.numerator_denominator_pairs():
            if num in vals and den in vals and catalog[den].kind != "flag":
                vals[den] = max(vals[den], vals[num])
    if "members_security_order" in vals and "teams_security_order" in vals:
        vals["members_security_order"] = max(vals["members_security_order"], vals["teams_security_order"] * per_team)
    if vals.get("forums_held") == 0:
        for iid in ("opinions_force_building", "opinions_crime_fighting"):
            if iid in vals:
                vals[iid] = 0
