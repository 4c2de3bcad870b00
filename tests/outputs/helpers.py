"""What the export and static-map tests share: the real Điện Biên Đông polygons, the 2017 sample joined to
them, and how much of a picture is drawn."""

import io

import numpy as np

from geo.analysis.join import joined_table
from geo.reference.sample import sample_table
from geo.units.boundaries import display_geometry, load_boundary_set

SET = "dien-bien-dong-pre2025"


def sample_units():
    return display_geometry(load_boundary_set(SET))


def sample_frame(units):
    f, _ = joined_table(units, sample_table())
    return f


def view_of(units, frame, indicator_id=None, **kw):
    """The output view a page would hand over (geo.outputs.outview), default classes when none are given."""
    from geo.outputs.outview import output_view

    return output_view(units, frame, indicator_id=indicator_id, **kw)


def non_white(png: bytes) -> tuple[tuple[int, int], float]:
    """(width, height) and the share of pixels that are not white."""
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return (img.shape[1], img.shape[0]), float((img.sum(axis=2) < 3 * 245).mean())
