"""geo/carto/legend: classes, then the no-data class, every text escaped."""

import pytest

from geo.analysis.classify import NO_DATA_COLOR, classify
from geo.carto.maps import legend_html, legend_items
from geo.reference.frames import indicator_values
from tests.carto.helpers import CAT, _frame


def test_legend_lists_classes_then_no_data(units):
    frame = _frame(units)
    values = indicator_values(frame, "weapons_recovered", CAT)
    cls = classify(values, "quantiles", 5)
    items = legend_items(cls, CAT["weapons_recovered"], "vi")
    assert [i.no_data for i in items] == [True]
    assert items[-1].count == 14 and items[-1].color == NO_DATA_COLOR
    values = indicator_values(frame, "teams_per_1000", CAT)
    cls = classify(values, "quantiles", 4)
    items = legend_items(cls, CAT["teams_per_1000"], "vi")
    assert len(items) == 5 and sum(i.count for i in items) == 14
    assert "," in items[0].label  # Vietnamese decimal comma
    block = legend_html(items, "<b>tổ</b>", "vi")
    assert "&lt;b&gt;tổ&lt;/b&gt;" in block and NO_DATA_COLOR in block


@pytest.mark.parametrize("provinces, lang, counted, not_counted", [
    (False, "vi", "xã)", "tỉnh/thành phố)"),
    (True, "vi", "tỉnh/thành phố)", "xã)"),
    (False, "en", "units)", "provinces)"),
    (True, "en", "provinces)", "units)"),
])
def test_legend_counts_what_the_map_shows(units, provinces, lang, counted, not_counted):
    values = indicator_values(_frame(units), "teams_per_1000", CAT)
    items = legend_items(classify(values, "quantiles", 4), CAT["teams_per_1000"], lang)
    block = legend_html(items, "t", lang, provinces=provinces)
    assert block.count(counted) == len(items) and not_counted not in block
