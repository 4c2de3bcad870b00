"""The presentation's slide HTML (geo.outputs.slides) on the 2017 sample: the district totals of the report, small
counts as "< N", names escaped, only public indicators."""

import pytest

from geo.outputs import slides
from geo.reference.catalog import load_catalog
from geo.reference.sample import sample_table

CAT = load_catalog()


@pytest.fixture(scope="module")
def frame():
    return sample_table()


def test_headline_has_the_report_totals(frame):
    out = slides.headline(frame, "2017", None, 5, "vi", CAT)
    assert out.startswith('<div class="pz-grid">')
    assert ">233<small>tổ</small>" in out and "Tổ an ninh nhân dân" in out
    assert ">153<small>tin</small>" in out and ">17<small>buổi</small>" in out


@pytest.mark.parametrize("text, size", [("233", 10), ("12.345", 8.5), ("100,0 %", 8.5), ("1.234.567", 7)])
def test_long_numbers_get_smaller_type(text, size):
    assert slides.num_size(text) == size


def test_ranking_shows_the_first_15_and_escapes_names(frame):
    f = frame.copy()
    f.loc[f.index[0], "unit_name"] = "<script>x</script>"
    out = slides.ranking(f, "teams_security", 5, "vi", CAT, top=10)
    assert out.count('<div class="n">') == 10
    assert '<div class="pz-sub">… và 4 đơn vị khác</div>' in out
    assert "<script>" not in out


def test_forums_hide_small_counts_of_a_commune(frame):
    code = frame["tips_received"].astype(float).idxmin()
    out = slides.forums(frame, code, 1000, "vi", CAT)  # every count is "small" under this threshold
    assert out.count(">&lt; 1000<") == 2  # tips and valuable tips; forums and opinions are not people counts


def test_the_whole_slide_names_its_key_period_and_badge():
    out = slides.slide("map", "Bản đồ: <b>", "<p>body</p>", period_label="Năm 2017", counter="2 / 5",
                       notes=["a", "b"], sample_badge="DỮ LIỆU MẪU")
    assert 'data-slide="map"' in out and "Bản đồ: &lt;b&gt;" in out and "<p>body</p>" in out
    assert "DỮ LIỆU MẪU" in out and "a · b" in out and "Năm 2017" in out
    assert "pz-badge" not in slides.slide("map", "x", "", period_label="", counter="", notes=[])
