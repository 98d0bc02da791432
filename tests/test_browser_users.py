"""用户与权限 in headless Chromium, as the user guide tells a new administrator to do it: create a
township user and an enterprise user with their scopes; each signs in with the one-time password,
sets a password of their own, and sees only their own data and menus."""

import pytest

from tests.conftest import OUTPUT
from tests.test_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def county_lists(tree):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.resources.models import Expert

    Expert.objects.create(name="县应急专家", specialties="地质", region=tree["county"], mobile="13800000009")


def sign_in(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def menu_of(page) -> set[str]:
    return {t.strip() for t in page.locator("#sidebar .yj-menu-item").all_inner_texts()}


def new_user(page, base, username, name, role_label, *, region="", org=""):
    """用户操作指南, 用户与权限 → 新建用户: the steps as written there."""
    page.goto(f"{base}/")
    page.click("#sidebar >> text=用户与权限")
    page.click("text=＋ 新增")
    page.fill("#id_username", username)
    page.fill("#id_first_name", name)
    page.check(f"#id_groups >> text={role_label}")
    if region:
        page.fill("#id_scope_region", region)
    if org:
        page.fill("#id_scope_organization", org)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=shown-once]")
    return page.inner_text("[data-testid=secret]").strip()


def first_sign_in(browser, base, username, one_time, own):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.route("**/live/stream**", lambda route: route.abort())
    sign_in(page, base, username, one_time)
    page.wait_for_selector("[data-testid=password-page]")  # a one-time password leads here first
    page.fill("#id_old_password", one_time)
    page.fill("#id_new_password1", own)
    page.fill("#id_new_password2", own)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_an_administrator_onboards_a_township_user_and_an_enterprise_user(live_server, tree, orgs, users,
                                                                           county_lists, browser):  # noqa: F811
    base = live_server.url
    admin = browser.new_page(viewport={"width": 1280, "height": 900})
    admin.route("**/live/stream**", lambda route: route.abort())
    sign_in(admin, base, "admin", "pw-for-tests-1")
    assert {"用户与权限", "专家"} <= menu_of(admin)

    township_pw = new_user(admin, base, "dayao_office", "大瑶镇应急办张三", "乡镇用户", region="430181110")
    admin.screenshot(path=str(OUTPUT / "user-created.png"), full_page=True)
    assert "只显示这一次" in admin.inner_text("main")
    firm_pw = new_user(admin, base, "dayao_firework", "花炮厂安全员李四", "企业用户", org=orgs["a"].credit_code)
    admin.click("text=已记下，查看用户")
    summary = admin.inner_text("[data-testid=account-summary]")
    assert "只能看到“大瑶花炮厂”（位于大瑶村）这一家单位的数据" in summary and "企业用户" in summary
    admin.screenshot(path=str(OUTPUT / "user-page.png"), full_page=True)

    township = first_sign_in(browser, base, "dayao_office", township_pw, "Liuyang#Safe2026")
    township.goto(f"{base}/registry/organizations/")
    text = township.inner_text("main")
    assert "大瑶花炮厂" in text and "金刚化工" not in text
    menu = menu_of(township)
    assert "隐患排查治理" in menu and not {"用户与权限", "操作日志"} & menu  # accounts are not theirs to manage
    township.screenshot(path=str(OUTPUT / "township-user.png"), full_page=True)

    firm = first_sign_in(browser, base, "dayao_firework", firm_pw, "Huapao#Safety2026")
    firm.goto(f"{base}/registry/organizations/")
    assert "共 1 条" in firm.inner_text("[data-testid=result-count]") and "大瑶花炮厂" in firm.inner_text("main")
    assert firm.goto(f"{base}/registry/organizations/{orgs['b'].pk}/").status == 404
    assert not {"用户与权限", "专家", "操作日志"} & menu_of(firm)  # 专家: the county's, nothing for the firm
    firm.goto(f"{base}/account/")
    assert "只能看到“大瑶花炮厂”" in firm.inner_text("[data-testid=account-summary]")
    firm.screenshot(path=str(OUTPUT / "enterprise-user.png"), full_page=True)
