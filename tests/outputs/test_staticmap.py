"""The static choropleth (geo.outputs.staticmap.map_png) on the real Điện Biên Đông polygons and the 2017 sample."""

from geo.outputs.staticmap import map_png
from geo.outputs.outview import default_classification
from tests.outputs.helpers import non_white, view_of


def test_map_png_has_size_and_drawing(units, frame):
    png = map_png(view_of(units, frame, "teams_per_1000"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    (w, h), ink = non_white(png)
    assert (w, h) == (1650, 1200)
    assert 0.15 < ink < 0.9  # polygons, legend and text drawn; not a blank or a flood-filled picture


def test_map_png_highlight_changes_the_picture(units, frame):
    view = view_of(units, frame, "teams_security")
    a = map_png(view, dpi=60)
    b = map_png(view, dpi=60, highlight="03384")
    assert a != b


def test_suppressed_units_change_the_picture(units, frame):
    """Small counts left out (the presentation): those units are drawn in their own hatched class."""
    values = frame["tips_received"].astype(float)
    small = list(values.nsmallest(3).index)
    view = view_of(units, frame, "tips_received")
    a = map_png(view, dpi=60)
    shown = values.drop(small).reindex(values.index)
    b = map_png(view, dpi=60, classification=default_classification(frame, "tips_received", values=shown),
                suppressed=small)
    assert a != b
