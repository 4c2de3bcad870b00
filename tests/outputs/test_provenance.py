"""What every exported file says about itself (geo.outputs.provenance): set, period, version, sample; file names."""

import io

import pytest

from geo.outputs.provenance import file_name, provenance, slug, write_out
from geo.reference.sample import SAMPLES, sample_table


@pytest.mark.parametrize("text, expected", [
    ("Xã Tìa Dình", "xa-tia-dinh"),
    ("Điện Biên Đông", "dien-bien-dong"),
    ("dien-bien-dong-pre2025", "dien-bien-dong-pre2025"),
    ("2017-Q1", "2017-q1"),
    ("  ../../etc/passwd  ", "etc-passwd"),
    ("<script>", "script"),
    ("", "x"),
    ("Đ", "d"),
])
def test_slug(text, expected):
    assert slug(text) == expected


@pytest.mark.parametrize("attrs, args, expected", [
    ({"boundary_set": "dien-bien-dong-pre2025", "period": "2017", "sample": True}, ("ban-do", "png", "teams"),
     "antt_ban-do_dien-bien-dong-pre2025_2017_teams_mau.png"),
    ({"boundary_set": "dien-bien-dong-2025", "period": "2025-Q3", "sample": False}, ("so-lieu", "csv", None),
     "antt_so-lieu_dien-bien-dong-2025_2025-q3.csv"),
    ({}, ("bao-cao", "pdf", None), "antt_bao-cao.pdf"),
])
def test_file_name(attrs, args, expected):
    table = sample_table().iloc[0:0]
    table.attrs.clear()
    table.attrs.update(attrs)
    what, ext, extra = args
    assert file_name(what, table, ext, extra) == expected


@pytest.mark.parametrize("sample, version, lang, starts, has", [
    (True, None, "vi", "Dữ liệu mẫu — ", "Phiên bản dữ liệu: —"),
    (False, 7, "vi", "Ranh giới", "Phiên bản dữ liệu: 7"),
    (True, 3, "en", "Sample data — ", "2017"),
])
def test_the_provenance_line(sample, version, lang, starts, has):
    table = sample_table()
    table.attrs.update(sample=sample, version=version)
    line = provenance(table, lang=lang).line(lang)
    assert line.startswith(starts) and has in line


def test_the_2025_sample_names_its_own_set_and_period():
    p = provenance(sample_table(SAMPLES[1]))
    assert (p.set_id, p.period, p.period_label, p.sample) == ("dien-bien-dong-2025", "2025", "Năm 2025", True)


def test_write_out_to_a_path_a_file_or_nowhere(tmp_path):
    assert write_out(b"abc", None) == b"abc"
    buf = io.BytesIO()
    write_out(b"abc", buf)
    write_out(b"abc", tmp_path / "f.bin")
    assert buf.getvalue() == b"abc" == (tmp_path / "f.bin").read_bytes()
