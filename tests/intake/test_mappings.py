from geo.access.auth import authorized_store
from geo.intake.mappings import remember_mapping, remembered_mapping


def test_mapping_is_remembered_per_set_and_shared_between_store_objects(tmp_path):
    url = f"sqlite:///{tmp_path}/m.sqlite"
    a = authorized_store(url)
    a.ensure_ready()
    assert remembered_mapping(a, "dien-bien-dong-pre2025") == {}
    remember_mapping(a, "dien-bien-dong-pre2025", {"Số tổ tự quản": "teams_security", "Cột lạ": ""}, "lan")
    remember_mapping(a, "dien-bien-dong-2025", {"X": "tips_received"}, "lan")
    remember_mapping(a, "dien-bien-dong-pre2025", {"Số tổ tự quản": "teams_mediation"}, "binh")
    b = authorized_store(url)  # another app process
    assert remembered_mapping(b, "dien-bien-dong-pre2025") == {"Số tổ tự quản": "teams_mediation"}
    assert remembered_mapping(b, "dien-bien-dong-2025") == {"X": "tips_received"}
    assert [r["user"] for r in b.audit_log(action="column_mapping")] == ["binh", "lan", "lan"]
    a.dispose()
    b.dispose()
