import pandas as pd
import pytest

from geo.analysis.classify import NO_DATA_COLOR, ClassifyError, classify, diverging_classify, scheme_colors

VALUES = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, None, 10], index=list("abcdefghij"), dtype=float)


@pytest.mark.parametrize("method, k, upper, counts", [
    ("quantiles", 4, [3.0, 5.0, 7.0, 10.0], [3, 2, 2, 2]),
    ("equal_interval", 4, [3.25, 5.5, 7.75, 10.0], [3, 2, 2, 2]),
    ("natural_breaks", 4, [2.0, 5.0, 8.0, 10.0], [2, 3, 3, 1]),
    ("natural_breaks", 3, [3.0, 6.0, 10.0], [3, 3, 3]),
])
def test_breaks(method, k, upper, counts):
    c = classify(VALUES, method, k)
    assert c.upper == pytest.approx(upper)
    assert c.counts == counts
    assert c.no_data_count == 1
    assert c.assignment["i"] == -1
    assert c.color_of("i") == NO_DATA_COLOR
    assert len(c.colors) == len(upper)


@pytest.mark.parametrize("breaks, upper, counts", [
    ([3, 6], [3.0, 6.0, 10.0], [3, 3, 3]),  # the top is extended to the maximum
    ([6, 3, 20], [3.0, 6.0, 20.0], [3, 3, 3]),  # unsorted input is sorted
])
def test_manual_breaks(breaks, upper, counts):
    c = classify(VALUES, "manual", breaks=breaks)
    assert c.upper == upper and c.counts == counts


def test_constant_values_give_one_class_not_an_error():
    c = classify(pd.Series([100.0, 100.0, None]), "quantiles", 5)
    assert c.k == 1 and c.counts == [2] and c.no_data_count == 1


def test_all_missing_gives_only_no_data():
    c = classify(pd.Series([None, None], dtype=float), "quantiles", 5)
    assert c.k == 0 and c.no_data_count == 2


@pytest.mark.parametrize("kwargs", [dict(method="nope"), dict(k=2), dict(k=8), dict(method="manual")])
def test_bad_arguments(kwargs):
    with pytest.raises(ClassifyError):
        classify(VALUES, **kwargs)


def test_zero_is_a_value_not_missing():
    c = classify(pd.Series([0.0, 5.0, None]), "equal_interval", 3)
    assert c.assignment.iloc[0] == 0 and c.assignment.iloc[2] == -1


def test_reverse_flips_colours():
    a = classify(VALUES, "quantiles", 4)
    b = classify(VALUES, "quantiles", 4, reverse=True)
    assert a.colors == b.colors[::-1]


def test_scheme_colors_count():
    for n in range(1, 8):
        assert len(scheme_colors("YlGnBu", n)) == n


def test_diverging_is_centred_on_zero():
    c = diverging_classify(pd.Series([-3.0, 0.0, 5.0, None]), k=5)
    assert c.lower[0] == -5 and c.upper[-1] == 5
    assert c.assignment.iloc[1] == 2  # zero in the middle class
    assert c.no_data_count == 1


@pytest.mark.parametrize("values, method, k, breaks", [
    ([48, 48, 48, 48, 48], "manual", 5, [0, 5, 15]),  # the upload preview's "values changed" map (was "48 – 0")
    ([3, 3, 3, 3, 3, 48], "manual", 5, [0, 5, 15]),
    ([20, 30, 48], "manual", 5, [0, 5, 15]),
    ([0] * 12 + [1, 48], "manual", 5, [0, 5, 15]),
    ([0] * 12 + [1, 48], "quantiles", 5, None),
    ([0] * 12 + [1, 48], "natural_breaks", 5, None),
    ([0] * 12 + [1, 48], "equal_interval", 5, None),
    ([1, 2, 3, 1000], "quantiles", 5, None),
])
def test_no_class_has_its_lower_bound_above_its_upper(values, method, k, breaks):
    from geo.carto.maps import legend_items
    from geo.reference.catalog import load_catalog

    c = classify(pd.Series(values, dtype=float), method, k, breaks=breaks)
    assert all(lo <= up for lo, up in zip(c.lower, c.upper)), list(zip(c.lower, c.upper))
    assert c.lower == sorted(c.lower)
    labels = [item.label for item in legend_items(c, load_catalog()["teams_security"], "vi")][:-1]  # no-data last
    for label in labels:  # "a – b" reads low to high
        parts = [float(x.strip("> ").replace(".", "").replace(",", ".")) for x in label.split(" – ")]
        assert parts == sorted(parts), label


def _arrays():
    import numpy as np

    rng = np.random.default_rng(22)
    return [
        ("ints with ties", rng.integers(0, 60, 3321).astype(float)),
        ("rates", rng.random(11163) * 37.5),
        ("few distinct", np.repeat([0.0, 1.0, 2.0, 7.5], [900, 50, 30, 20])),
        ("skewed", np.exp(rng.normal(0, 2, 500))),
        ("negative and tiny", rng.normal(0, 1e-9, 97) - 3),
        ("two values", np.array([1.0, 3.0])),
        ("small", np.array([0.1, 0.2, 0.3, 5.0, 5.0, 9.9, 10.0])),
    ]


@pytest.mark.parametrize("name, y", _arrays(), ids=[a[0] for a in _arrays()])
@pytest.mark.parametrize("method", ["quantiles", "equal_interval"])
@pytest.mark.parametrize("k", [2, 3, 5, 7])
def test_breaks_are_mapclassifys_to_the_last_bit(name, y, method, k):
    """Quantiles and equal intervals are computed without importing mapclassify (issue 22: the import brings
    scipy, scikit-learn and matplotlib into a restarted server's first map); the bounds are exactly its."""
    import warnings

    import mapclassify

    from geo.analysis.classify import _bins

    kk = min(k, len(set(y.tolist())))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = (mapclassify.Quantiles if method == "quantiles" else mapclassify.EqualInterval)(y, k=kk)
    assert _bins(y, method, kk) == [float(b) for b in ref.bins]
