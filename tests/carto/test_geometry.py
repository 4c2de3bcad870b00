"""geo/carto/geometry: the compact encoding, its grid, its content-hashed file name."""

import re

import pytest


def test_compact_geometry_decodes_to_the_display_polygons(units):
    import shapely
    from shapely.geometry import shape

    from geo.carto.maps import decode_display_layer, prepare_display_layer

    layer = prepare_display_layer(units, "dien-bien-dong-pre2025")
    feats = decode_display_layer(layer)
    assert [f["id"] for f in feats] == list(units["code"])
    for f, original in zip(feats, units.geometry):
        decoded = shape(f["geometry"])
        # within one grid step of the display geometry
        assert shapely.hausdorff_distance(decoded, original) <= 2 * layer.quantum
        assert abs(decoded.area - original.area) / original.area < 0.01
    assert layer.quantum == 1e-5


@pytest.mark.parametrize("bounds, quantum", [
    ((103.0, 21.0, 103.4, 21.4), 1e-5),
    ((102.1, 8.5, 109.5, 23.4), 1e-3),
    ((0, 0, 0, 0), 1e-10),
])
def test_quantum_follows_the_extent(bounds, quantum):
    from geo.carto.maps import quantum_for

    assert quantum_for(bounds) == pytest.approx(quantum)




def test_geometry_file_name_follows_the_content(units):
    from geo.carto.maps import geometry_file_name, prepare_display_layer

    a = prepare_display_layer(units, "dien-bien-dong-pre2025")
    b = prepare_display_layer(units.iloc[:5], "dien-bien-dong-pre2025")
    assert geometry_file_name(a) == geometry_file_name(prepare_display_layer(units, "dien-bien-dong-pre2025"))
    assert geometry_file_name(a) != geometry_file_name(b)
    assert re.fullmatch(r"dien-bien-dong-pre2025-[0-9a-f]{16}\.json", geometry_file_name(a))


def test_an_outline_file_never_shares_its_layers_name(units):
    """The by-province map draws the provinces as a layer and as outlines above them: two files of one layer,
    each written once under its name (the outlines carry label points the layer's file lacks)."""
    from geo.carto.maps import geometry_file_name, prepare_display_layer

    layer = prepare_display_layer(units, "vn-2025-provinces")
    names = {geometry_file_name(layer), geometry_file_name(layer, kind="outline"), geometry_file_name(layer, ("a",))}
    assert len(names) == 3
    assert re.fullmatch(r"vn-2025-provinces-outline-[0-9a-f]{16}\.json", geometry_file_name(layer, kind="outline"))
