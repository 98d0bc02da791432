"""演练评估 on a phone in headless Chromium: an evaluator opens the 现场评估 page of a drill under way,
records two timed observations and sees the score the weights give."""

import datetime
from decimal import Decimal

import pytest

from tests.test_browser import browser, login  # noqa: F401  (the Chromium fixture and the login steps)

pytestmark = pytest.mark.browser


@pytest.fixture
def evaluation(tree, users):
    # Database work happens before Playwright starts (its greenlets would get a connection of their own).
    from yingji.core.framework import workflow
    from yingji.incidents.models import Drill, Plan
    from yingji.reviews import services
    from yingji.reviews.models import Criterion, DrillEvaluation

    plan = Plan.objects.create(name="危化品事故专项预案", kind="special", region=tree["county"],
                               approved_on=datetime.date(2024, 1, 1))
    drill = Drill.objects.create(plan=plan, date=datetime.date(2026, 6, 12), kind="field", scenario="爆炸", participants="p")
    ev = services.created(users["staff"], DrillEvaluation(drill=drill, lead_evaluator="周局长"))
    Criterion.objects.create(evaluation=ev, position=1, section="预警与信息报告", text="按时报告", weight=Decimal("10"))
    Criterion.objects.create(evaluation=ev, position=2, section="现场处置", text="处置正确", weight=Decimal("30"))
    workflow.apply(users["staff"], ev, "start")
    return ev


def test_two_observations_on_a_phone_give_the_weighted_score(live_server, evaluation, browser):  # noqa: F811
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    page.route("**/live/stream**", lambda route: route.abort())
    base = live_server.url
    login(page, base, "staff")
    page.goto(f"{base}/reviews/evaluations/{evaluation.pk}/field/")
    assert page.inner_text("[data-testid=score]") == "—"
    for section, score in (("预警与信息报告", "70"), ("现场处置", "90")):
        page.select_option("#id_criterion", label=next(o for o in page.locator("#id_criterion option").all_inner_texts()
                                                       if section in o))
        page.fill("#id_score", score)
        page.fill("#id_note", f"{section}观察")
        page.click("[data-testid=observe] button[type=submit]")
        page.wait_for_selector(f"[data-testid=recent] >> text={section}观察")
    assert page.inner_text("[data-testid=score]") == "85.0"  # (10 × 70 + 30 × 90) / 40
    assert page.inner_text("[data-testid=grade]") == "良好"
    assert page.locator("[data-testid=recent] li").count() == 2
    # the page fits the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
