"""安全生产信用 in headless Chromium: an enterprise's second 较大 accident within 12 months makes the rules'
job propose a listing with its facts; the clerk tells the enterprise (告知, the 陈述申辩 recorded), the
leader decides on the phone, the clerk publishes, and the public page lists the unit — not the facts."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser


@pytest.fixture
def proposal(tree, orgs, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.credit import tasks
    from yingji.credit.models import Listing
    from yingji.incidents.models import Incident

    now = timezone.now()
    for days, deaths in ((300, 3), (20, 5)):
        at = now - datetime.timedelta(days=days)
        Incident.objects.create(title=f"大瑶花炮厂爆炸事故{days}", event_type="21500", occurred_at=at, received_at=at,
                                address="厂区", region=orgs["a"].region, organization=orgs["a"], deaths=deaths,
                                description="工房爆炸")
    assert tasks.propose_listings() == 1  # the periodic job
    return Listing.objects.get()


def quiet_page(browser, **kw):  # noqa: F811
    page = browser.new_context(**kw).new_page()
    page.route("**/live/stream**", lambda route: route.abort())
    return page


def test_proposal_notice_decision_published(live_server, proposal, browser, monkeypatch):  # noqa: F811
    base = live_server.url
    record = f"{base}/registry/credit-listings/{proposal.pk}/"
    clerk = quiet_page(browser, viewport={"width": 1280, "height": 900})
    login(clerk, base, "staff")
    clerk.goto(record)
    main = clerk.inner_text("main")
    assert "拟列入" in main and "12个月内发生2起较大事故" in main and proposal.facts[1]["number"] in main
    # one control per step: 告知 is its declared operation's button, not also an inline form
    assert clerk.locator("[data-operation=notify], [data-transition=notify]").count() == 1
    clerk.click("a[data-operation=notify]")
    clerk.fill("#id_principal_name", "王建国")
    clerk.click("main form button.btn-lg[type=submit]")
    clerk.wait_for_selector("text=已告知")
    assert clerk.query_selector("a[data-document=notice]") is not None
    clerk.click("a[data-operation=record-statement]")
    clerk.fill("#id_statement", "两起事故均已整改到位，请求不予列入。")
    clerk.click("main form button.btn-lg[type=submit]")
    clerk.wait_for_selector("text=已登记陈述申辩意见")

    leader = quiet_page(browser, viewport={"width": 390, "height": 844})  # the leader decides on the phone
    login(leader, base, "leader")
    leader.goto(record)
    leader.click("button[data-transition=decide]")
    leader.wait_for_selector("text=已决定列入")

    clerk.goto(record)
    assert clerk.query_selector("a[data-document=decision]") is not None
    assert clerk.locator("[data-operation=publish], [data-transition=publish]").count() == 1
    clerk.click("button[data-transition=publish]")
    clerk.wait_for_selector("text=已公布")
    clerk.screenshot(path=str(OUTPUT / "credit-published.png"), full_page=True)

    public = quiet_page(browser, viewport={"width": 390, "height": 844})
    public.goto(f"{base}/public/credit/")
    table = public.inner_text("[data-testid=credit-cards]")  # cards on a phone
    assert "大瑶花炮厂" in table and "12个月内累计发生2起以上较大生产安全事故" in table
    assert "王建国" not in table and proposal.facts[0]["number"] not in table
    public.screenshot(path=str(OUTPUT / "credit-public.png"), full_page=True)

    # 12 months on (the clock moved in the live server's process): the enterprise applies for early removal
    from yingji.credit import services
    from yingji.credit.listing import add_months

    monkeypatch.setattr(services, "today", lambda: add_months(timezone.localdate(), 12))
    clerk.goto(record)
    clerk.click("a[data-operation=apply-removal]")
    for key in ("penalty_done", "rectified", "no_new", "commitment"):
        clerk.check(f"#id_{key}")
    clerk.fill("#id_evidence", "罚款缴纳凭证\n整改验收报告\n信用承诺书")
    clerk.click("main form button.btn-lg[type=submit]")
    clerk.wait_for_selector("text=已受理提前移出申请")
    assert "已受理（待审核）" in clerk.inner_text("main")
