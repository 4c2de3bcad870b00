"""The map page's download buttons (pages/shared/downloads.py): the files, cached in pages/shared/data.py, are
keyed on what they are built from."""

from __future__ import annotations

import pytest


@pytest.fixture
def districts():
    """Two areas of one set, period and data version with as many units each (as two districts can be)."""
    from geo.reference.sample import sample_table

    table = sample_table()
    first, second = table.iloc[:7].copy(), table.iloc[7:14].copy()
    for part in (first, second):
        part.attrs.update(table.attrs)
    assert len(first) == len(second) and set(first.index).isdisjoint(second.index)
    return first, second


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_two_areas_with_as_many_units_get_their_own_data_file(districts, fmt):
    from pages.shared.data import data_file as _data
    from pages.shared.data import frame_key as _key

    first, second = districts
    set_id = first.attrs["boundary_set"]
    from geo.outputs.outview import output_view

    a = _data(_key(first, set_id), fmt, "vi", True, output_view(None, first, set_id=set_id))
    b = _data(_key(second, set_id), fmt, "vi", True, output_view(None, second, set_id=set_id))
    assert _key(first, set_id) != _key(second, set_id)
    if fmt == "csv":
        text = b.decode("utf-8-sig")
        assert all(name in text for name in second["unit_name"])
        assert not any(name in text for name in first["unit_name"])
    else:
        assert a != b
