import pytest

from geo.analysis.classify import classify
from geo.analysis.join import joined_table
from geo.outputs.chartspec import TEAM_IDS
from geo.outputs.charts import coverage_bars, ranking_bar, team_composition, tip_rate_bars
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.reference.sample import sample_table
from geo.units.boundaries import display_geometry, load_boundary_set

CAT = load_catalog()


@pytest.fixture(scope="module")
def frame():
    f, _ = joined_table(display_geometry(load_boundary_set("dien-bien-dong-pre2025")), sample_table())
    return f


def test_ranking_is_sorted_and_uses_the_map_colours(frame):
    values = indicator_values(frame, "teams_per_1000", CAT)
    cls = classify(values, "quantiles", 5)
    fig = ranking_bar(frame, "teams_per_1000", cls, "vi", CAT)
    bar = fig.data[0]
    xs = list(bar.x)
    assert xs == sorted(xs, reverse=True)
    assert len(xs) == 14
    expected = [cls.color_of(c) for c in values.sort_values(ascending=False).index]
    assert list(bar.marker.color) == expected
    assert "," in bar.text[0]  # Vietnamese decimal comma


def test_team_composition_stacks_four_types(frame):
    fig = team_composition(frame, "en", CAT)
    assert len(fig.data) == 4 and fig.layout.barmode == "stack"
    total = sum(sum(tr.x) for tr in fig.data)
    assert total == sum(frame[i].sum() for i in TEAM_IDS)


def test_coverage_has_the_100_percent_target(frame):
    fig = coverage_bars(frame, "vi", CAT)
    assert len(fig.data) == 3
    assert any(s.y0 == 100 for s in fig.layout.shapes)


def test_tip_rate_hover_has_counts(frame):
    fig = tip_rate_bars(frame, "vi", CAT)
    assert len(fig.data[0].customdata) == 14


def test_names_are_escaped_in_charts(frame):
    f = frame.copy()
    f.loc["03205", "unit_name"] = "<b onclick=alert(1)>X</b>"
    fig = ranking_bar(f, "teams_security", None, "vi", CAT)
    assert "&lt;b onclick=alert(1)&gt;X&lt;/b&gt;" in list(fig.data[0].y)
    assert not any("<b" in y for y in fig.data[0].y)


def test_trend_across_a_change_in_the_law_has_a_marker_and_no_line_across_it():
    """Street-protection teams until 2024-Q2, protection teams from 2024-Q3: never one line through both."""
    from geo.analysis.change import series_breaks, trend
    from geo.outputs.charts import trend_chart
    from geo.reference.frames import rows_to_table

    def table(p, old, new):
        return rows_to_table([{"unit_code": "A", "unit_name": "Xã A", "values": {
            "teams_street_protection": old, "teams_security_order": new}}], "s", p)

    tables = {"2024-Q1": table("2024-Q1", 3, None), "2024-Q2": table("2024-Q2", 3, None),
              "2024-Q3": table("2024-Q3", None, 9), "2024-Q4": table("2024-Q4", None, 10)}
    units, dist = trend(tables, "teams_security_order")
    _, old = trend(tables, "teams_street_protection")
    breaks = series_breaks(tables, "teams_security_order")
    fig = trend_chart(units, dist, "teams_security_order", "vi", breaks=breaks,
                      linked=[("teams_street_protection", old)])
    shapes = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(shapes) == 1 and shapes[0].x0 == 1.5  # between Quý 2/2024 and Quý 3/2024
    assert any(a.text == "Thay đổi quy định" for a in fig.layout.annotations)
    order = ["Quý 1/2024", "Quý 2/2024", "Quý 3/2024", "Quý 4/2024"]
    for tr in fig.data:  # no trace has points on both sides of the break
        xs = [order.index(x) for x, y in zip(tr.x, tr.y) if y is not None]
        assert not (xs and min(xs) <= 1 and max(xs) >= 2), tr.name
    dashed = [tr for tr in fig.data if tr.line.dash == "dash"]
    assert dashed and list(dashed[0].y) == [3, 3]


def test_2025_charts_use_the_new_law():
    """Protection teams instead of street-protection teams; recognition rates instead of commitment coverage."""
    from geo.reference.sample import SAMPLES, sample_table

    df = sample_table(SAMPLES[1])
    names = [tr.name for tr in team_composition(df).data]
    assert "Tổ bảo vệ an ninh, trật tự" in names and "Tổ bảo vệ dân phố" not in names
    cov = [tr.name for tr in coverage_bars(df).data]
    assert cov == [load_catalog()[i].vi for i in ("village_recognition_rate", "agency_recognition_rate",
                                                   "school_recognition_rate")]
