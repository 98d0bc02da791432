"""Browser: an officer on a phone takes a case from 立案 through 裁量, 询问笔录 and 告知 to the party's
陈述申辩; the head of the bureau decides; the 行政处罚决定书 downloaded from the page says what was
decided. (The finding → case step is the on-site check's; this starts from the case it opens.)"""

import io

import pytest
from docx import Document

from tests.conftest import OUTPUT
from tests.test_browser import browser, login  # noqa: F401  (the shared Chromium fixture)
from yingji.supervision import caseservices
from yingji.supervision.casechoices import DocKind

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def as_user(browser, base, username, viewport):  # noqa: F811
    page = browser.new_context(viewport=viewport).new_page()
    login(page, base, username)
    return page


def test_a_case_from_filing_to_decision_in_the_browser(live_server, tree, orgs, users, browser):  # noqa: F811
    base = live_server.url
    case = caseservices.open_case(users["staff"], cause="未按照规定对从业人员进行安全生产教育和培训案",
                                  facts="3 名新入职装药工未经三级安全教育即上岗作业。", region=orgs["a"].region,
                                  organization=orgs["a"])
    url = f"{base}/registry/enforcement-cases/{case.pk}/"

    officer = as_user(browser, base, "staff", PHONE)
    officer.goto(url)
    officer.click("[data-transition=investigate]")
    officer.wait_for_selector("[data-testid=state]:has-text('调查取证')")

    officer.goto(f"{url}do/set-discretion/")
    officer.select_option("#id_entry", "AQSCF-97-3")
    officer.select_option("#id_q_overdue", "否")
    officer.fill("#id_fine_cny", "1.5")
    officer.screenshot(path=str(OUTPUT / "case-discretion-phone.png"), full_page=True)
    officer.click("form button[type=submit]")
    officer.wait_for_selector("text=裁量阶次：责令限期改正")

    officer.goto(f"{url}do/record-interview/")
    officer.fill("#id_person", "李四")
    officer.fill("#id_position", "安全员")
    officer.fill("#id_place", "该厂办公室")
    officer.fill("#id_record", "问：新员工是否经过培训？\n答：没有。")
    officer.click("form button[type=submit]")
    officer.wait_for_selector("text=已制作询问笔录")

    officer.goto(url)
    officer.click("[data-transition=notify]")
    officer.wait_for_selector("[data-testid=state]:has-text('已告知')")
    officer.goto(f"{url}do/record-statement/")
    officer.fill("#id_statement", "我单位已组织补训，请求从轻处罚。")
    officer.click("form button[type=submit]")
    officer.wait_for_selector("text=已制作陈述申辩笔录")
    officer.goto(url)
    officer.screenshot(path=str(OUTPUT / "case-notified-phone.png"), full_page=True)

    head = as_user(browser, base, "leader", {"width": 1280, "height": 900})
    head.goto(url)
    head.click("[data-transition=decide]")
    head.wait_for_selector("[data-testid=state]:has-text('已决定')")
    log = head.inner_text("[data-testid=transition-log]")
    for step in ("开始调查取证", "告知", "作出处罚决定"):
        assert step in log
    head.screenshot(path=str(OUTPUT / "case-decided.png"), full_page=True)

    decision = case.documents.get(kind=DocKind.DECISION)
    answer = head.request.get(f"{base}/registry/case-documents/{decision.pk}/documents/paper.docx")
    assert answer.ok
    paper = Document(io.BytesIO(answer.body()))
    text = "\n".join([p.text for p in paper.paragraphs] + [c.text for t in paper.tables for r in t.rows for c in r.cells])
    assert decision.number in text and "行政处罚决定书" in text and "大瑶花炮厂" in text
    assert "罚款人民币1.5万元" in text and "第九十七条第（三）项" in text and "本机关已听取当事人的陈述、申辩" in text
