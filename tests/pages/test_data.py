"""pages/shared/data.py: what keys the shared caches (issue 22: the classification is keyed on a digest of the
values, not on Streamlit's per-element hash of the Series)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pages.shared.data import values_digest

BASE = pd.Series([1.0, 2.5, np.nan, 4.0], index=pd.Index(["03203", "03208", "03214", "03370"]))


@pytest.mark.parametrize("other, same", [
    (BASE.copy(), True),
    (pd.Series(BASE.to_numpy(), index=pd.Index(list(BASE.index), dtype=object)), True),  # index type alone
    (BASE.rename("teams_security"), True),                                      # the name is not a value
    (BASE.set_axis(["03203", "03208", "03214", "03371"]), False),               # another unit
    (BASE.iloc[[1, 0, 2, 3]], False),                                           # other order: other assignment
    (BASE.fillna(0.0), False),                                                  # no data is not zero
    (BASE.replace(4.0, 4.000000001), False),
    (BASE.iloc[:3], False),
    (pd.Series([1.0, 2.5, np.nan, 4.0], index=["0320", "303208", "03214", "03370"]), False),  # codes run together
])
def test_the_digest_follows_codes_and_values(other, same):
    assert (values_digest(other) == values_digest(BASE)) is same


def test_integer_values_and_codes_are_digested_too():
    s = pd.Series([3, 4], index=[3203, 3208])
    assert values_digest(s) == values_digest(s.astype(float)) != values_digest(s.set_axis([3203, 3209]))
