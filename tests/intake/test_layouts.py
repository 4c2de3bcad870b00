"""Header layouts of 2025–2026 (tests/layouts2025.py): every column read with certainty lands on the indicator it
means with the values written under it, every other column of numbers waits for a person, and a dry run says ok
only when nothing waits (issue 19)."""

from __future__ import annotations

import pytest

from geo.intake.ingest import validate_file
from tests.layouts2025 import LAYOUTS, SET, build, meant, rows_2026
from tests.messy import to_csv, to_xlsx


def _expected(opts: dict) -> dict[str, dict]:
    from geo.reference.sample import sample_rows

    from tests.layouts2025 import S2025

    rows = rows_2026() if opts.get("period", "2025") >= "2026" else sample_rows(S2025)
    out = {}
    words = opts.get("flag_words")
    for r in rows:
        vals = dict(r["values"])
        if words and words[0] is None:  # 'x' / '✓' for yes, blank for no: blank is no data, never 0
            vals = {k: (None if v == 0 and k.startswith("commune_recognized") else v) for k, v in vals.items()}
        out[r["unit_code"]] = vals
    return out


def test_the_table_covers_every_class():
    assert len(LAYOUTS) >= 40


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_layout_reads_as_meant(name, fmt):
    cols, opts = LAYOUTS[name]
    period = opts.get("period", "2025")
    rep = build(cols, **opts)
    data = to_xlsx([("BC", rep)]) if fmt == "xlsx" else to_csv(rep)
    r = validate_file(data, boundary_set=SET, period=period, file_name=f"bc.{fmt}")
    ids, ask = meant(cols)
    assert r.readable, [p.message for p in r.errors]
    first_data = min(rep.unit_row.values())
    assert r.header_rows[-1] + 1 + bool(opts.get("numbers_row")) == first_data  # the leaf row is the last one
    assert {k: v for k, v in r.column_map.items()} == ids, r.to_json()["columns"]
    assert set(r.unconfirmed) == ask, [p.message for p in r.errors]
    assert r.ok == (not ask), [p.message for p in r.errors]
    if not ask:
        assert r.units_matched == len(rep.unit_row)
        want = _expected(opts)
        for row in r.rows:
            for iid in ids.values():
                assert row["values"][iid] == want[row["unit_code"]][iid], (row["unit_code"], iid)


@pytest.mark.parametrize("name", [n for n in sorted(LAYOUTS) if meant(LAYOUTS[n][0])[1]])
def test_ignoring_is_a_persons_word_and_then_ok(name):
    cols, opts = LAYOUTS[name]
    rep = build(cols, **opts)
    _ids, ask = meant(cols)
    r = validate_file(to_xlsx([("BC", rep)]), boundary_set=SET, period=opts.get("period", "2025"),
                      column_mapping={letter: "" for letter in ask})
    assert r.ok, [p.message for p in r.errors]
    by_letter = {c["letter"]: c for c in r.to_json()["columns"]}
    assert all((by_letter[x]["reading"], by_letter[x]["rule"]) == ("certain", "hand_ignored") for x in ask)


def test_messages_speak_the_periods_terms():
    """A 2025 file whose recognized count exceeds its registered one hears of registered and recognized."""
    cols, opts = LAYOUTS["registered_recognized_groups"]
    rep = build(cols, **opts)
    first = min(rep.unit_row.values())
    rep.grid[first - 1][3] = 999  # villages recognized (D) above registered (C)
    r = validate_file(to_xlsx([("BC", rep)]), boundary_set=SET, period="2025")
    msgs = [p.message for p in r.errors if p.row == first]
    assert msgs and "ký cam kết" not in " ".join(msgs) and "công nhận" in msgs[0] and "đăng ký" in msgs[0]


# -- generated: random header trees of depth 1–4 built from the catalog's own names

GROUPS = ("Kết quả thực hiện", "Phong trào toàn dân bảo vệ ANTQ", "Trong đó", "Chia ra", "Số liệu", "Gồm",
          "Cụ thể", "Nội dung")


def _written(ind, rng) -> str:
    from geo.text.names import strip_diacritics

    name = rng.choice([n for n in (ind.vi, ind.en, ind.short_vi, *ind.aliases) if n])
    name = rng.choice([name, name.upper(), strip_diacritics(name), name.lower()])
    return rng.choice([name, f"{name} ({ind.unit_vi})", f"{name}, {ind.unit_vi}", f"Số {name}"])


def _random_tree(seed: int):
    import random

    from geo.reference.catalog import load_catalog

    rng = random.Random(seed)
    base = [i for i in load_catalog().valid_in("2026").base() if not i.retired]
    picked = rng.sample(base, rng.randint(3, 8))
    depth = rng.randint(1, 4)
    top = tuple(rng.sample(GROUPS, depth - 1))
    cols = [("stt", ("STT",)), ("name", ("Tên xã, phường",))]
    for ind in picked:
        cols.append((ind.id, (*top[: rng.randint(0, depth - 1)], _written(ind, rng))))
    return cols


@pytest.mark.parametrize("seed", range(60))
def test_random_header_trees_never_drop_or_misread(seed):
    cols = _random_tree(seed)
    rep = build(cols, period="2026", title=bool(seed % 2), signature=bool(seed % 3))
    data = to_csv(rep) if seed % 3 == 0 else to_xlsx([("BC", rep)])  # CSV: no merges, groups written once
    r = validate_file(data, boundary_set=SET, period="2026")
    assert r.readable, (cols, [p.message for p in r.errors])
    by_letter = {c["letter"]: c for c in r.to_json()["columns"]}
    ids, _ask = meant(cols)
    for x, iid in ids.items():
        c = by_letter.get(x) or {"reading": "text", "numeric": False}  # a column with no numbers and no header
        assert c["reading"] in ("certain", "confirm") or not c["numeric"], (cols, c)
        if c["reading"] == "certain":
            assert c["indicator"] == iid, (cols, c)  # certain is never wrong
    assert not r.ok or not r.unconfirmed


def test_grades_three_rows_deep_are_checked_against_their_whole():
    """The grades under 'Thôn, bản, TDP được công nhận' › 'Trong đó xếp loại' are read, so the check that they
    add up to the recognized count runs (it never ran when only two header rows were read)."""
    cols, opts = LAYOUTS["recognized_of_which_three_rows"]
    rep = build(cols, **{**opts, "total": False})
    first = min(rep.unit_row.values())
    rep.grid[first - 1][4] += 5  # excellent (E): the grades no longer add up to the recognized count (D)
    r = validate_file(to_xlsx([("BC", rep)]), boundary_set=SET, period="2025")
    bad = [p for p in r.errors if p.row == first and p.key == "ingest_parts_mismatch"]
    assert bad and bad[0].column == "D" and not r.ok
