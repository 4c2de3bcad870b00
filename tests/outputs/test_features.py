"""The view as features (geo.outputs.features): what the API's items, the wide table and the GeoPackage hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyogrio
import pytest

from geo.outputs.features import (FIXED_COLUMNS, TAIL_COLUMNS, feature_indicators, feature_table, features_frame,
                                  write_gpkg)
from geo.outputs.present import shown_series
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from tests.outputs.helpers import SET


def test_public_features_hold_every_public_indicator_of_the_period_and_nothing_internal(frame):
    cat = load_catalog()
    table = feature_table(frame, SET, internal=False)
    period = frame.attrs["period"]
    expected = [i.id for i in cat.valid_in(period) if i.public]
    assert list(table.columns) == [*FIXED_COLUMNS, *expected, *TAIL_COLUMNS]
    assert not any(not cat[c].public for c in table.columns if c in cat)
    assert list(table["code"]) == list(frame.index) and set(table["period"]) == {period}
    assert set(table["sample"]) == {True} and set(table["data_version"]) == {frame.attrs.get("version")}
    assert set(table["province"]) == {"Điện Biên"}


def test_an_editor_edition_adds_the_internal_indicators_with_exact_values(frame):
    cat = load_catalog()
    table = feature_table(frame, SET, internal=True, threshold=1000)
    internal = [i.id for i in feature_indicators(frame.attrs["period"], True) if not i.public]
    assert internal and set(internal) <= set(table.columns)
    for iid in [c for c in table.columns if c in cat]:
        np.testing.assert_array_equal(table[iid].to_numpy(), indicator_values(frame, iid, cat).to_numpy())


@pytest.mark.parametrize("threshold", [0, 5, 30, 1000])
def test_public_small_counts_are_suppressed_exactly_as_on_public_exports(frame, threshold):
    """Every public value equals the slides' and public briefs' shown value (geo.outputs.present)."""
    table = feature_table(frame, SET, internal=False, threshold=threshold)
    hidden_somewhere = False
    for iid in [c for c in table.columns if c in load_catalog()]:
        shown, hidden = shown_series(frame, iid, threshold)
        np.testing.assert_array_equal(table[iid].to_numpy(), shown.to_numpy())
        hidden_somewhere |= bool(hidden)
    assert hidden_somewhere == (threshold > 1)  # the 2017 sample has tip counts under 5; 0 turns it off


def test_a_geopackage_has_one_layer_per_set_with_the_values(tmp_path, units, frame):
    table = feature_table(frame, SET, internal=False)
    out = tmp_path / "antt.gpkg"
    other = frame.iloc[:3].copy()
    other.attrs.update(frame.attrs)
    write_gpkg([(SET, features_frame(units, table)),
                ("three", features_frame(units[units["code"].isin(other.index)], feature_table(other, SET,
                                                                                              internal=False)))], out)
    assert [name for name, _ in pyogrio.list_layers(out)] == [SET, "three"]
    back = pyogrio.read_dataframe(out, layer=SET)
    assert len(back) == len(units) and back.crs.to_epsg() == 4326
    assert list(back["code"]) == list(units["code"])
    pd.testing.assert_series_equal(back["teams_security"], table["teams_security"].reset_index(drop=True),
                                   check_names=False, check_dtype=False)
    assert back["sample"].all() and len(pyogrio.read_dataframe(out, layer="three")) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["antt.gpkg"]  # no temporary file left


def test_a_failed_geopackage_write_leaves_the_old_file_whole(tmp_path, units, frame):
    out = tmp_path / "antt.gpkg"
    out.write_bytes(b"the old file")
    broken = features_frame(units, feature_table(frame, SET, internal=False))
    with pytest.raises(Exception):
        write_gpkg([(SET, broken), ("bad", "not a frame")], out)
    assert out.read_bytes() == b"the old file" and sorted(p.name for p in tmp_path.iterdir()) == ["antt.gpkg"]
