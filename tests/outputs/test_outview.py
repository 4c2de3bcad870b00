"""geo/outputs/outview: outputs take the page's view (classes, values, provenance) as is and compute none of it
again. Each case gives an output a view that differs from what recomputing from the bare table would give."""

import csv
import io
import re

import pytest

from geo.analysis.classify import classify
from geo.analysis.view import ViewMeta
from geo.outputs import brief, exports
from geo.outputs.outview import default_classification, output_view
from geo.reference.catalog import load_catalog
from tests.outputs.helpers import SET

CAT = load_catalog()
IID = "teams_security"


def _chosen(frame):
    """A classification the page chose (manual bounds, two classes, another scheme): never the default."""
    values = frame[IID].astype(float)
    return classify(values, "manual", 2, breaks=[float(values.median())], scheme="Reds")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_view_keeps_what_the_page_computed(units, frame):
    cls = _chosen(frame)
    values = frame[IID].astype(float) * 0 + 1
    view = output_view(units, frame, indicator_id=IID, classification=cls, values=values)
    assert view.classification is cls and view.values is values
    assert view.showing(IID) is view  # the same indicator: nothing computed again
    other = view.showing("teams_per_1000")
    assert other.classification.colors == default_classification(frame, "teams_per_1000").colors
    assert other.provenance is view.provenance


def test_the_map_html_draws_the_views_classes(units, frame):
    cls = _chosen(frame)
    default = default_classification(frame, IID)
    assert list(cls.colors) != list(default.colors)
    text = exports.map_html(output_view(units, frame, indicator_id=IID, classification=cls)).decode("utf-8")
    palette = re.search(r'"palette":(\[[^\]]*\])', text).group(1)
    assert palette == "[" + ",".join(f'"{c}"' for c in cls.colors) + "]"


def test_the_map_png_draws_the_views_classes(units, frame):
    chosen = exports.map_png(output_view(units, frame, indicator_id=IID, classification=_chosen(frame)), dpi=50)
    default = exports.map_png(output_view(units, frame, indicator_id=IID), dpi=50)
    assert chosen != default


def test_the_ranking_chart_takes_the_views_colours(frame):
    cls = _chosen(frame)
    svg = exports.chart("ranking", output_view(None, frame, indicator_id=IID, classification=cls), fmt="svg")
    default = exports.chart("ranking", output_view(None, frame, indicator_id=IID), fmt="svg")
    text = svg.decode("utf-8").lower()
    assert all(c.lower() in text for c in cls.colors) and svg != default


@pytest.mark.parametrize("output, read", [
    (lambda v: exports.map_html(v.showing(IID)), lambda b: b.decode("utf-8")),
    (lambda v: exports.data_csv(v), lambda b: "\n".join(",".join(r) for r in csv.reader(
        io.StringIO(b.decode("utf-8-sig"))))),
    (lambda v: brief.commune_brief_pdf(v, "03384", public=False), _pdf_text),
])
def test_outputs_name_the_views_period_and_version_not_the_tables(units, frame, output, read):
    """The view says 2018, version 42, not sample; the bare table's attrs say 2017, no version, sample."""
    assert frame.attrs.get("period") == "2017" and frame.attrs.get("sample")
    meta = ViewMeta(SET, "2018", version=42, sample=False)
    text = read(output(output_view(units, frame, meta=meta)))
    assert "2018" in text and "42" in text
    assert "Năm 2017" not in text and "DỮ LIỆU MẪU" not in text
