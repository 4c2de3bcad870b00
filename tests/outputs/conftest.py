"""Fixtures of the output tests: the real Điện Biên Đông polygons and the 2017 sample joined to them (a test
module with its own ``frame`` fixture uses that one instead)."""

import pytest

from tests.outputs.helpers import sample_frame, sample_units


@pytest.fixture(scope="module")
def units():
    return sample_units()


@pytest.fixture(scope="module")
def frame(units):
    return sample_frame(units)
