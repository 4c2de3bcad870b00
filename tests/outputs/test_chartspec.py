"""One spec, two renderers: what plotly draws in the app and what matplotlib draws in the PNG / SVG file come
from the same ChartSpec, so their titles, category order and values agree."""

import html

import pytest

from geo.analysis.classify import classify
from geo.analysis.join import joined_table
from geo.outputs import chartfiles, charts
from geo.outputs.chartspec import CHART_KINDS, chart_spec
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.reference.sample import SAMPLES, sample_table
from geo.units.boundaries import display_geometry, load_boundary_set

CAT = load_catalog()


@pytest.fixture(scope="module")
def frame():
    f, _ = joined_table(display_geometry(load_boundary_set("dien-bien-dong-pre2025")), sample_table())
    return f


@pytest.fixture(scope="module")
def frame_2025():
    f, _ = joined_table(display_geometry(load_boundary_set("dien-bien-dong-2025")), sample_table(SAMPLES[1]))
    return f


def _plotly_drawn(fig):
    """(title, categories top to bottom / left to right, [(series name, values)]) as plotly shows them."""
    title = html.unescape(fig.layout.title.text)
    first = fig.data[0]
    if first.orientation == "h":
        cats = [html.unescape(y) for y in first.y]
        assert fig.layout.yaxis.autorange == "reversed"  # first category on top
        series = [(html.unescape(tr.name or ""), [float(v) for v in tr.x]) for tr in fig.data]
    else:
        cats = [html.unescape(x) for x in first.x]
        series = [(html.unescape(tr.name or ""), [0.0 if v is None else float(v) for v in tr.y]) for tr in fig.data]
    return title, cats, series


def _matplotlib_drawn(fig, n_series):
    """The same, read back from the matplotlib figure: title, tick labels, bar lengths per series."""
    ax = fig.axes[0]
    cats = [tk.get_text() for tk in ax.get_yticklabels()]
    assert ax.yaxis_inverted()  # first category on top
    bars = [p for p in ax.patches if p.get_width() is not None]
    n = len(cats)
    assert len(bars) == n * n_series
    series = [[float(b.get_width()) for b in bars[k * n:(k + 1) * n]] for k in range(n_series)]
    names = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else [""] * n_series
    return ax.get_title(loc="left"), cats, list(zip(names, series))


def _plotly_colors(fig, n):
    out = []
    for tr in fig.data:
        c = tr.marker.color
        out += [c.lower()] * n if isinstance(c, str) else [x.lower() for x in c]
    return out


def _matplotlib_colors(fig):
    from matplotlib.colors import to_hex

    return [to_hex(p.get_facecolor()) for p in fig.axes[0].patches]


@pytest.mark.parametrize("kind", CHART_KINDS)
@pytest.mark.parametrize("which", ["2017", "2025"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_both_renderers_draw_the_same_spec(frame, frame_2025, kind, which, lang):
    f = frame if which == "2017" else frame_2025
    iid = "teams_per_1000" if which == "2017" else "teams_security"
    cls = classify(indicator_values(f, iid, CAT), "quantiles", 5) if kind == "ranking" else None
    spec = chart_spec(kind, f, iid, lang=lang, classification=cls, catalog=CAT)
    p_title, p_cats, p_series = _plotly_drawn(charts.figure(spec))
    m_title, m_cats, m_series = _matplotlib_drawn(chartfiles.draw(spec), len(spec.series))
    assert p_title == m_title == spec.title
    assert p_cats == m_cats == list(spec.categories)
    assert len(p_cats) == len(f)
    assert [v for _, v in p_series] == [v for _, v in m_series] == \
        [[0.0 if v is None else v for v in s.values] for s in spec.series]
    assert _plotly_colors(charts.figure(spec), len(p_cats)) == _matplotlib_colors(chartfiles.draw(spec)) == \
        [c.lower() for ser in spec.series for c in ser.colors]
    if len(spec.series) > 1:  # legends name the same series
        assert [n for n, _ in p_series] == [n for n, _ in m_series] == [s.name for s in spec.series]


def test_the_spec_has_the_table_values_in_ranking_order(frame):
    spec = chart_spec("ranking", frame, "teams_security", catalog=CAT)
    expected = frame["teams_security"].astype(float).sort_values(ascending=False, kind="stable")
    assert list(spec.series[0].values) == list(expected.values)
    assert sorted(spec.codes) == sorted(frame.index)
    assert sum(spec.series[0].values) == 233  # the 2017 report's district total
    assert spec.sample_stamp and "Dữ liệu mẫu" in spec.provenance


def test_the_file_carries_provenance_and_sample_stamp(frame):
    fig = chartfiles.draw(chart_spec("tips", frame, catalog=CAT))
    texts = [t.get_text() for t in fig.texts]
    assert any(t.startswith("Dữ liệu mẫu — ") for t in texts) and "DỮ LIỆU MẪU" in texts


@pytest.mark.parametrize("which, present, absent", [
    ("2017", "teams_street_protection", "teams_security_order"),
    ("2025", "teams_security_order", "teams_street_protection"),
])
def test_team_types_follow_the_law_of_the_period_in_both(frame, frame_2025, which, present, absent):
    f = frame if which == "2017" else frame_2025
    spec = chart_spec("teams", f, catalog=CAT)
    names = [s.name for s in spec.series]
    assert CAT[present].vi in names and CAT[absent].vi not in names
    legend = [t.get_text() for t in chartfiles.draw(spec).axes[0].get_legend().get_texts()]
    assert legend == names


@pytest.mark.parametrize("kind, fmt, error", [("pie", "png", "unknown chart"), ("teams", "gif", "unknown chart format")])
def test_unknown_kind_or_format(frame, kind, fmt, error):
    with pytest.raises(ValueError, match=error):
        chartfiles.chart_file(chart_spec(kind, frame, catalog=CAT), fmt)


def test_the_trend_spec_has_the_law_change_and_the_figure_draws_it():
    """Street-protection teams until 2024-Q2, protection teams from 2024-Q3: the spec carries one break between
    Quý 2 and Quý 3, the new series' values in their periods only, the old one dashed beside it."""
    from geo.analysis.change import series_breaks, trend
    from geo.outputs.chartspec import segments, trend_spec
    from geo.reference.frames import rows_to_table

    def table(p, old, new):
        return rows_to_table([{"unit_code": "A", "unit_name": "Xã A", "values": {
            "teams_street_protection": old, "teams_security_order": new}}], "s", p)

    tables = {p: table(p, o, n) for p, o, n in [("2024-Q1", 3, None), ("2024-Q2", 4, None), ("2024-Q3", None, 9),
                                                ("2024-Q4", None, 10)]}
    units, dist = trend(tables, "teams_security_order")
    _, old = trend(tables, "teams_street_protection")
    spec = trend_spec(units, dist, "teams_security_order", "vi", CAT, breaks=series_breaks(tables, "teams_security_order"),
                      linked=[("teams_street_protection", old)])
    assert spec.categories == ("Quý 1/2024", "Quý 2/2024", "Quý 3/2024", "Quý 4/2024")
    assert [b.position for b in spec.breaks] == [1.5]
    by_name = {s.name: s for s in spec.series}
    assert by_name["Xã A"].values == (None, None, 9.0, 10.0)
    assert by_name["Toàn địa bàn"].values == (None, None, 9.0, 10.0) and by_name["Toàn địa bàn"].axis == "y2"
    linked = by_name[CAT["teams_street_protection"].vi]
    assert linked.values == (3.0, 4.0, None, None) and linked.dash == "dash"
    assert segments(spec, linked.values) == [[0, 1]]  # never across the break
    fig = charts.figure(spec)
    assert list(fig.layout.xaxis.categoryarray) == list(spec.categories)
    assert [s.x0 for s in fig.layout.shapes] == [1.5]
    drawn = {(tr.name, tuple(tr.y)) for tr in fig.data}
    assert (html.escape(linked.name, quote=False), (3.0, 4.0)) in drawn
