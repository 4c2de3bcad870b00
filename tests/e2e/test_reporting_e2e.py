"""The 2025 reporting chain in a real browser (issue 20; headless Chromium against ``streamlit run``):

1. a commune editor (scope: one commune, account made with the CLI) on a 390×844 page fills in the form
   "Nhập số liệu" with the keyboard alone, saves a draft ("Lưu nháp") and sends it;
2. the province editor sees that commune's state change on "Tiến độ báo cáo" (its table and its live map,
   states as classes) and approves it;
3. the commune editor's next submission is refused, naming who approved and when;
4. each step is in the audit log.
Screenshots (the phone form, the status page) go to $ANTT_SCREENSHOT_DIR when set.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from geo.access.auth import authorized_store
from tests.e2e.conftest import ROOT, layer_count, map_frame, screenshot_dir, start_app, stop_app

pytestmark = pytest.mark.e2e

SET, P = "dien-bien-dong-2025", "2026"  # a year: the recognition fields are offered (not in quarters)
XA, TINH, PASSWORD = "xa-na-son", "tinh-dien-bien", "nhap-so-lieu-e2e"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chain_app(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reporting")
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp / "data"))
    env.pop("ANTT_DATABASE_URL", None)
    for name, scope in ((XA, "03203"), (TINH, "Điện Biên")):
        done = subprocess.run([sys.executable, "-m", "geo", "users", "add", name, "--role", "editor", "--scope", scope],
                              cwd=ROOT, env=env, input=PASSWORD + "\n", text=True, capture_output=True, timeout=180)
        assert done.returncode == 0, done.stderr
    proc, url = start_app(tmp)
    yield url, tmp
    stop_app(proc)


def _nav(page, label: str) -> None:
    """Follow a sidebar link; on a phone the sidebar is folded away and is opened first."""
    link = page.locator("[data-testid='stSidebarNav']").get_by_text(label, exact=True)
    link.wait_for(state="attached", timeout=60_000)
    on_screen = "el => { const r = el.getBoundingClientRect(); return r.right > 0 && r.left < innerWidth; }"
    if not link.evaluate(on_screen):
        page.locator("[data-testid='stExpandSidebarButton']").first.click()
        page.wait_for_function(f"el => ({on_screen})(el)", arg=link.element_handle(), timeout=30_000)
        page.wait_for_timeout(400)  # the sidebar slides in
        link.click()
        page.wait_for_timeout(800)
        if page.locator("[data-testid='stSidebar'][data-collapsed='false']").count():  # it covers the page
            page.locator("[data-testid='stSidebarCollapseButton'] button, "
                         "button[data-testid='stSidebarCollapseButton']").first.click()
            page.wait_for_selector("[data-testid='stSidebar'][data-collapsed='true']", state="attached",
                                   timeout=30_000)
        return
    link.click()


def _sign_in(browser, url: str, name: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    page.goto(f"{url}/?boundaries={SET}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Tổng quan", state="attached", timeout=60_000)
    _nav(page, "Đăng nhập")
    page.wait_for_selector("input[type='password']", timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Nhập số liệu", state="attached", timeout=60_000)
    return page


def _open_form(page) -> None:
    _nav(page, "Nhập số liệu")
    period = page.get_by_role("textbox", name="Kỳ cần nhập")
    period.wait_for(timeout=60_000)
    period.fill(P)
    period.press("Enter")
    page.get_by_text("Na Son, Năm 2026").wait_for(timeout=60_000)


def _type(page, label: str, text: str) -> None:
    """Keyboard only: focus moves with Tab until the field is reached, the value is typed, Tab leaves it.
    A rerun that changed the period keeps the old period's field on screen until it ends, so wait for one."""
    page.wait_for_function("(l) => [...document.querySelectorAll('input')].filter(e => e.ariaLabel === l).length === 1",
                           arg=label, timeout=60_000)
    field = page.get_by_label(label, exact=True)
    for _ in range(200):
        if field.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached {label}")
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    page.wait_for_function("([el, v]) => el.value === v", arg=[field.element_handle(), text], timeout=30_000)


def _press_with_keyboard(page, label: str = "Gửi báo cáo") -> None:
    send = page.get_by_role("button", name=label)
    page.wait_for_function("(label) => [...document.querySelectorAll('button')].some(b => "
                           "b.innerText.includes(label) && !b.disabled)", arg=label, timeout=60_000)
    for _ in range(200):
        if send.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached '{label}'")
    page.keyboard.press("Enter")


def _state_of(page, unit: str, state: str) -> None:
    """Wait until the status page's unit picker shows ``unit`` in ``state`` (the table is drawn on a canvas)."""
    pick = page.get_by_role("combobox", name="Đơn vị cần duyệt")
    pick.wait_for(timeout=60_000)
    page.wait_for_function("([el, want]) => el.value.includes(want)", arg=[pick.element_handle(), f"({unit}) — {state}"],
                           timeout=60_000)


def _coloured(page, colour: str, n: int) -> None:
    """Wait until exactly ``n`` units of the status map are filled with ``colour`` (the map is a live layer:
    its classes change in place)."""
    frame = map_frame(page)
    assert layer_count(frame, page) == 6
    js = "(c) => window.anttLayer.getLayers().filter(l => l.options.fillColor === c).length"
    for _ in range(120):
        if frame.evaluate(js, colour) == n:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"{frame.evaluate(js, colour)} units in {colour}, expected {n}")


def test_commune_reports_province_approves_commune_is_locked(browser, chain_app):
    url, tmp = chain_app
    shots = screenshot_dir(tmp)

    # 1. the commune editor, on a phone, keyboard only
    phone = _sign_in(browser, url, XA, PHONE)
    _open_form(phone)
    assert phone.get_by_role("combobox", name="Đơn vị").input_value() == "Na Son (03203)"
    _type(phone, "Số khu dân cư đăng ký xây dựng đạt chuẩn An toàn về ANTT (khu dân cư)", "10")
    _type(phone, "Số khu dân cư được công nhận đạt chuẩn An toàn về ANTT (khu dân cư)", "12")
    phone.get_by_text("lớn hơn 'Số khu dân cư đăng ký").first.wait_for(timeout=60_000)  # the live check
    _press_with_keyboard(phone, "Lưu nháp")  # a draft may keep a value still wrong
    phone.get_by_text("Đã lưu nháp Na Son, Năm 2026: 2 ô").wait_for(timeout=60_000)
    _type(phone, "Số khu dân cư được công nhận đạt chuẩn An toàn về ANTT (khu dân cư)", "9")
    _type(phone, "Tổ an ninh nhân dân (tổ)", "7")
    phone.wait_for_function("() => !document.body.innerText.includes(\"lớn hơn 'Số khu dân cư đăng ký\")",
                            timeout=60_000)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the form is {width}px wide on a 390px phone"
    phone.screenshot(path=str(shots / "entry_phone_filled.png"), full_page=False)
    _press_with_keyboard(phone)
    phone.get_by_text("Đã gửi báo cáo của Na Son, Năm 2026: 3 chỉ số").wait_for(timeout=60_000)
    phone.screenshot(path=str(shots / "entry_phone_sent.png"), full_page=False)

    # 2. the province editor sees the state change and approves
    desk = _sign_in(browser, url, TINH, {"width": 1280, "height": 900})
    _nav(desk, "Tiến độ báo cáo")
    period = desk.get_by_role("textbox", name="Kỳ báo cáo")
    period.wait_for(timeout=60_000)
    period.fill(P)
    period.press("Enter")
    try:
        desk.get_by_text("1/6 đơn vị đã báo cáo").wait_for(timeout=60_000)
    except Exception:
        desk.screenshot(path=str(shots / "status_failed.png"), full_page=True)
        raise
    _state_of(desk, "03203", "Gửi đúng hạn")
    _coloured(desk, "#21c354", 1)  # the status map: one commune on time (geo.analysis.status.MAP_STATES)
    desk.screenshot(path=str(shots / "status_province_submitted.png"), full_page=True)
    desk.get_by_role("button", name="Duyệt").click()
    desk.get_by_text("1 đã duyệt").wait_for(timeout=60_000)
    _state_of(desk, "03203", "Đã duyệt")
    _coloured(desk, "#1c83e1", 1)  # approved, in place
    _coloured(desk, "#21c354", 0)
    desk.locator("iframe").first.scroll_into_view_if_needed()
    desk.screenshot(path=str(shots / "status_province_map.png"))
    desk.screenshot(path=str(shots / "status_province_approved.png"), full_page=True)

    # 3. the commune editor's next submission is refused, naming who approved and when
    phone2 = _sign_in(browser, url, XA, PHONE)
    _open_form(phone2)
    phone2.get_by_text(f"đã được {TINH} duyệt lúc").wait_for(timeout=60_000)
    _type(phone2, "Tổ an ninh nhân dân (tổ)", "8")
    _press_with_keyboard(phone2)
    refusal = phone2.locator("[data-testid='stAlertContentError']").filter(has_text="đã khóa")
    refusal.wait_for(timeout=60_000)
    text = refusal.inner_text()
    assert f"{TINH} duyệt lúc" in text and "03203" in text and P in text
    phone2.screenshot(path=str(shots / "entry_phone_locked.png"), full_page=False)
    for p in (phone, desk, phone2):
        p.close()

    # 4. every step is in the audit log
    store = authorized_store(f"sqlite:///{tmp / 'data' / 'antt.sqlite'}")
    try:
        log = store.audit_log()
        imports = [e for e in log if e["action"] == "import" and e["user"] == XA]
        approvals = [e for e in log if e["action"] == "unit_approve"]
        refusals = [e for e in log if e["action"] == "entry_refused"]
        drafts = [e for e in log if e["action"] == "entry_draft"]
        assert len(imports) == 1 and imports[0]["detail"]["period"] == P
        assert [(e["user"], e["detail"]["unit_code"]) for e in approvals] == [(TINH, "03203")]
        assert [(e["user"], e["detail"]["reason"]) for e in refusals] == [(XA, "store_unit_locked")]
        assert [(e["user"], e["detail"]["n_values"]) for e in drafts] == [(XA, 2)]
        order = [log.index(e) for e in (refusals[0], approvals[0], imports[0], drafts[0])]
        assert order == sorted(order)  # newest first: draft, submission, approval, refusal
        table = store.current_table(SET, P)
        assert (table.loc["03203", "teams_security"], table.loc["03203", "villages_recognized"]) == (7, 9)
    finally:
        store.dispose()
