"""The district's real display polygons (through the configured boundary folder), once per module."""

import pytest

from geo.units.boundaries import display_geometry, load_boundary_set


@pytest.fixture(scope="module")
def units():
    return display_geometry(load_boundary_set("dien-bien-dong-pre2025"))
