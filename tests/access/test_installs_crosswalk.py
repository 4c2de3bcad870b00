"""An admin replaces the district crosswalk: checked against both boundary sets, installed atomically, audited."""

import shutil

import pytest

from geo.access import auth
from geo.access.auth import authorized_store
from geo.access.installs import install_crosswalk_file
from geo.units.boundaries import boundary_dir
from geo.units.crosswalk import CrosswalkError, check_crosswalk_upload

CW = "dien-bien-dong-2025"
GOOD = (boundary_dir() / "dien_bien_dong_crosswalk_2025.csv").read_bytes()


@pytest.mark.parametrize("data, message", [
    (b"", "rỗng"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "không phải bảng chuyển đổi"),
    (b"old_gso_code,new_code\n03203,03203\n", "chưa được chuyển đổi"),  # 13 old units missing
    (GOOD.replace("03384,Xã Tìa Dình,Xã,Huyện Điện Biên Đông,03385".encode(),
                  "03384,Xã Tìa Dình,Xã,Huyện Điện Biên Đông,99999".encode()), "không có trong bộ ranh giới: 99999"),
    (b"a,b\n1,2\n", "thiếu cột 'old_gso_code'"),
])
def test_bad_crosswalks_are_refused(data, message):
    with pytest.raises(CrosswalkError, match=message):
        check_crosswalk_upload(data, "cw.csv", CW)


def test_the_real_crosswalk_passes():
    cw = check_crosswalk_upload(GOOD, "cw.csv", CW)
    assert len(cw.links) == 14


@pytest.fixture
def setup(tmp_path):
    folder = tmp_path / "geodata"
    folder.mkdir()
    shutil.copyfile(boundary_dir() / "dien_bien_dong_crosswalk_2025.csv", folder / "dien_bien_dong_crosswalk_2025.csv")
    store = authorized_store(f"sqlite:///{tmp_path}/s.sqlite")
    store.ensure_ready()
    auth.add_user(store, "quan", "admin", password="mat-khau-quan-tri", by=auth.Actor.cli())
    auth.add_user(store, "bien", "editor", password="mat-khau-bien-tap", by=auth.Actor.cli())
    yield store, folder
    store.dispose()


def test_admin_installs_a_checked_crosswalk_and_it_is_audited(setup):
    store, folder = setup
    admin = auth.sign_in(store, "quan", "mat-khau-quan-tri", client="test")
    new = GOOD.replace(b"\n", b"\r\n")  # same content, other line ends: a different file
    summary = install_crosswalk_file(store, new, "cw.csv", CW, by=admin, folder=folder)
    assert summary["old_units"] == 14 and (folder / "dien_bien_dong_crosswalk_2025.csv").read_bytes() == new
    assert list(folder.glob("*.bak"))
    assert store.audit_log(action="crosswalk_upload")[0]["user"] == "quan"


def test_a_refused_crosswalk_leaves_the_folder_untouched(setup):
    store, folder = setup
    admin = auth.sign_in(store, "quan", "mat-khau-quan-tri", client="test")
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    with pytest.raises(CrosswalkError):
        install_crosswalk_file(store, b"old_gso_code,new_code\n03203,03203\n", "cw.csv", CW, by=admin, folder=folder)
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before


def test_only_an_admin_may_install(setup):
    store, folder = setup
    editor = auth.sign_in(store, "bien", "mat-khau-bien-tap", client="test")
    with pytest.raises(auth.AccessDenied):
        install_crosswalk_file(store, GOOD, "cw.csv", CW, by=editor, folder=folder)
    with pytest.raises(auth.AccessDenied):
        install_crosswalk_file(store, GOOD, "cw.csv", CW, by="quan", folder=folder)  # a bare name is not an actor
