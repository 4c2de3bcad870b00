"""TCVN3 (ABC, .VnTime) and VNI-Windows decoding."""

from __future__ import annotations

import pytest

from geo.text.legacy import decode_tcvn3, decode_vni, detect_and_decode, encode_tcvn3, encode_vni

NAMES = ["Xã Tìa Dình", "Thị trấn Điện Biên Đông", "Mường Luân", "Xã Luân Giới", "Xã Pú Nhi", "Xã Phì Nhừ",
         "Xã Chiềng Sơ", "Xã Phình Giàng", "Xã Pú Hồng", "Xã Háng Lìa", "Tổ an ninh nhân dân", "Trường học",
         "Ký cam kết", "Người có uy tín", "Vật liệu nổ", "Hộ gia đình được nhắc nhở, giáo dục"]


@pytest.mark.parametrize("name", NAMES)
def test_round_trip(name):
    assert decode_tcvn3(encode_tcvn3(name)) == name
    assert decode_vni(encode_vni(name)) == name


@pytest.mark.parametrize("legacy,expected,encoding", [
    ("§iÖn Biªn §«ng", "Điện Biên Đông", "tcvn3"),
    ("M\u00adêng Lu©n", "Mường Luân", "tcvn3"),
    ("X· T×a D×nh", "Xã Tìa Dình", "tcvn3"),
    ("Ñieän Bieân Ñoâng", "Điện Biên Đông", "vni"),
    ("Möôøng Luaân", "Mường Luân", "vni"),
    ("Xaõ Tìa Dình", "Xã Tìa Dình", "vni"),
])
def test_detect(legacy, expected, encoding):
    assert detect_and_decode(legacy) == (expected, encoding)


@pytest.mark.parametrize("text", NAMES + ["Na Son", "Văn hoá", "Thuý Hoà", "Quảng Ngãi", "Khoẻ", "Hoặc", "La Êê",
                                          "Tà Pơơ", "", "12 tổ"])
def test_unicode_text_left_alone(text):
    assert detect_and_decode(text) == (text, None)
