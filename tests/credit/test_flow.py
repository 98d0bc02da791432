"""The serious-dishonesty list through the API as a bureau uses it: the rules propose from the platform's
own incidents and cases (a second 较大 accident within 12 months, not 13 months apart), 告知 → 决定 → 公布
with the papers, refusals (409), roles (403), scope (404), objections, the 3-year end and early removal
after 12 months with the clock moved, fraud restoring the listing, the public page, and the credit
class feeding the inspection frequency."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document

from yingji.credit import listing as engine
from yingji.credit import services
from yingji.credit.models import CreditRating, Listing
from yingji.incidents.models import Incident

API = "/api/credit-listings/"
DAY = datetime.timedelta(days=1)


def accident(org, when, deaths=3, **kw):
    return Incident.objects.create(title=kw.pop("title", f"{org.name}爆炸事故"), event_type="21500", occurred_at=when,
                                   received_at=when, address="厂区", region=org.region, organization=org, deaths=deaths,
                                   description="工房爆炸", **kw)


def months_ago(n, days=0):
    today = timezone.localdate()
    day = engine.add_months(today, -n) - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def post(api, who, url, data=None):
    return api(who).post(url, data or {}, format="json")


def step(api, who, row, name, data=None):
    return post(api, who, f"{API}{row.pk}/{name}/", data)


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


@pytest.fixture
def proposed(api, orgs):
    """orgs a: a second 较大 accident 11 months after the first; the rules run by the bureau."""
    accident(orgs["a"], months_ago(11, days=10))
    accident(orgs["a"], months_ago(0, days=10), deaths=4)
    response = post(api, "staff", f"{API}run-rules/")
    assert response.status_code == 200, response.json()
    [pk] = response.json()["proposed"]
    return Listing.objects.get(pk=pk)


def to_published(api, row):
    assert step(api, "staff", row, "notify", {"principal_name": "王建国"}).status_code == 200
    assert step(api, "staff", row, "record-statement", {"statement": "两起事故均已整改，请求从轻。"}).status_code == 200
    assert step(api, "leader", row, "decide", {"comment": "经复核，不予采纳"}).status_code == 200
    assert step(api, "staff", row, "publish").status_code == 200
    row.refresh_from_db()
    assert row.state == "published"
    return row


def test_a_second_larger_accident_within_12_months_is_proposed_with_its_facts(proposed, orgs, api):
    assert proposed.state == "proposed" and proposed.organization == orgs["a"] and proposed.proposed_by.username == "staff"
    assert proposed.rule_code == "accident-larger-twice" and "第六条" in proposed.article
    numbers = [f["number"] for f in proposed.facts]
    assert numbers == list(Incident.objects.filter(organization=orgs["a"]).order_by("occurred_at")
                           .values_list("number", flat=True))
    assert post(api, "staff", f"{API}run-rules/").json()["proposed"] == []  # the same facts never twice
    page = api("staff").get(f"{API}{proposed.pk}/")
    assert page.status_code == 200


def test_13_months_apart_is_not_proposed(api, orgs):
    accident(orgs["a"], months_ago(14))
    accident(orgs["a"], months_ago(1))
    assert post(api, "staff", f"{API}run-rules/").json()["proposed"] == []
    assert services.propose() == []


def test_a_major_accident_and_a_114_fine_above_the_tier_are_proposed(orgs, users):
    from yingji.supervision.casemodels import EnforcementCase

    accident(orgs["b"], months_ago(2), deaths=12)  # 重大
    EnforcementCase.objects.create(
        number="AJ-T-0001", cause="生产安全事故案", organization=orgs["a"], party_name=orgs["a"].name,
        party_code=orgs["a"].credit_code, region=orgs["a"].region, facts="较大事故，情节特别严重", state="decided",
        filed_on=timezone.localdate() - 60 * DAY, decided_on=timezone.localdate() - 5 * DAY,
        discretion_entry="AQSCF-114", fine_cny=Decimal("5000000"),
        discretion={"entry": "AQSCF-114", "tier": "较大事故", "fines": [{"party": "unit", "low": "1000000",
                                                                       "high": "2000000"}]})
    made = {(r.organization_id, r.rule_code) for r in services.propose(users["staff"])}
    assert made == {(orgs["b"].pk, "accident-major"), (orgs["a"].pk, "fine-114-multiple")}


def test_notice_decision_and_publication(api, proposed, orgs, django_capture_on_commit_callbacks):
    assert step(api, "staff", proposed, "notify", {"principal_name": "王建国"}).status_code == 200
    proposed.refresh_from_db()
    assert proposed.notice_number.startswith("浏阳应急信告〔") and proposed.statement_due > proposed.notified_on
    notice = api("staff").get(f"{API}{proposed.pk}/documents/notice/")
    assert notice.status_code == 200
    text = docx_text(notice.content)
    assert "陈述" in text and f"{proposed.statement_due:%Y年%m月%d日}" in text and proposed.facts[0]["number"] in text
    # 决定 before the 陈述申辩 period is over and without a statement: 409, naming the date
    early = step(api, "leader", proposed, "decide")
    assert early.status_code == 409 and f"{proposed.statement_due:%Y-%m-%d}" in str(early.json())
    assert step(api, "enterprise_a", proposed, "decide").status_code in (403, 404)
    assert step(api, "township_a", proposed, "decide").status_code == 403
    assert step(api, "staff", proposed, "decide").status_code == 403  # the leader decides
    assert step(api, "staff", proposed, "record-statement", {"statement": "请求从轻"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert step(api, "leader", proposed, "decide", {"comment": "不予采纳"}).status_code == 200
    proposed.refresh_from_db()
    assert proposed.state == "decided" and proposed.ends_on == engine.add_months(proposed.decided_on, 36)
    decision = docx_text(api("staff").get(f"{API}{proposed.pk}/documents/decision/").content)
    assert proposed.decision_number in decision and "3 年" in decision and "提前移出" in decision
    assert CreditRating.objects.get(organization=orgs["a"]).credit_class == "D"
    client = api("nobody")
    client.force_authenticate(None)
    assert orgs["a"].name not in client.get("/public/credit/").content.decode()  # decided, not yet published
    assert step(api, "staff", proposed, "publish").status_code == 200
    page = client.get("/public/credit/").content.decode()
    assert orgs["a"].name in page and orgs["a"].credit_code in page and proposed.decision_number in page
    assert "王建国" not in page and proposed.facts[0]["number"] not in page  # no person, no facts behind it
    csv = client.get("/public/credit.csv").content.decode("utf-8-sig")
    assert orgs["a"].credit_code in csv and "王建国" not in csv


@pytest.mark.parametrize("state, who, name, data", [
    ("proposed", "staff", "publish", {}),
    ("proposed", "staff", "record-statement", {"statement": "x"}),
    ("notified", "staff", "notify", {}),
    ("decided", "leader", "dismiss", {"reason": "x"}),
    ("decided", "staff", "object", {"objection": "x"}),
    ("notified", "staff", "apply-removal", {"evidence": "x", "penalty_done": True, "rectified": True, "no_new": True,
                                            "commitment": True}),
    ("expired", "staff", "publish", {}),
    ("removed", "staff", "object", {"objection": "x"}),
])
def test_a_step_the_state_does_not_allow_is_409(api, proposed, state, who, name, data):
    Listing.objects.filter(pk=proposed.pk).update(state=state, notified_on=timezone.localdate(),
                                                  statement_due=timezone.localdate(), decided_on=timezone.localdate(),
                                                  ends_on=timezone.localdate() + 1000 * DAY)
    assert step(api, who, proposed, name, data).status_code == 409
    assert Listing.objects.get(pk=proposed.pk).state == state


def test_out_of_scope_is_404_and_a_role_without_the_step_is_403(api, proposed):
    assert step(api, "all_in_org_a", proposed, "notify").status_code == 200  # in scope: the org's own admin may
    other = Listing.objects.create(organization=proposed.organization, rule_code="accident-major", rule_title="x",
                                   article="第六条第（一）项", basis_key="t:other")
    Listing.objects.filter(pk=other.pk).update(region=proposed.region.parent.parent)  # 县 level: out of town a
    assert step(api, "all_in_a", other, "notify").status_code == 404
    assert step(api, "readonly", proposed, "dismiss", {"reason": "x"}).status_code == 403
    assert post(api, "township_a", f"{API}run-rules/").status_code == 403


def test_objection_kept_or_upheld(api, proposed):
    row = to_published(api, proposed)
    assert step(api, "staff", row, "object", {"objection": "第二起事故不是本单位的"}).status_code == 200
    assert step(api, "leader", row, "reject-objection").status_code == 400  # needs the reply
    assert step(api, "leader", row, "reject-objection", {"comment": "经核查，事故单位无误"}).json()["state"] == "published"
    assert step(api, "staff", row, "object", {"objection": "再次提出"}).status_code == 200
    public = api("nobody").get("/public/credit/").content.decode()
    assert row.organization.name in public  # still published while the objection is checked
    assert step(api, "leader", row, "uphold-objection", {"reason": "事故调查报告改定为他单位"}).json()["state"] == "revoked"
    assert row.organization.name not in api("nobody").get("/public/credit/").content.decode()


def test_the_3_year_period_ends_by_itself(api, proposed, orgs):
    row = to_published(api, proposed)
    assert services.expire_due(on=row.ends_on) == 0  # the last day is still inside
    assert services.expire_due(on=row.ends_on + DAY) == 1
    row.refresh_from_db()
    assert row.state == "expired" and row.ended_on is not None
    assert orgs["a"].name not in api("staff").get("/public/credit/").content.decode()


def test_the_periodic_jobs_end_periods_and_refresh_classes(api, proposed, orgs):
    from yingji.credit import tasks

    row = to_published(api, proposed)
    assert tasks.end_periods() == 0
    Listing.objects.filter(pk=row.pk).update(ends_on=timezone.localdate() - DAY)  # the period over yesterday
    assert tasks.end_periods() == 1 and Listing.objects.get(pk=row.pk).state == "expired"
    assert tasks.refresh_classes() >= 2
    assert CreditRating.objects.get(organization=orgs["a"]).credit_class == "C"  # ended under 12 months ago


def test_early_removal_after_12_months_and_fraud_restores(api, proposed, monkeypatch):
    row = to_published(api, proposed)
    full = {"evidence": "罚款缴纳凭证；整改验收报告；信用承诺书", "penalty_done": True, "rectified": True,
            "no_new": True, "commitment": True}
    too_soon = step(api, "staff", row, "apply-removal", full)
    assert too_soon.status_code == 409 and "12" in str(too_soon.json())
    # the clock moved: 12 months after the decision
    monkeypatch.setattr(services, "today", lambda: engine.add_months(row.decided_on, 12))
    assert step(api, "staff", row, "apply-removal", {**full, "commitment": False}).status_code == 400
    made = step(api, "staff", row, "apply-removal", full)
    assert made.status_code == 200, made.json()
    app = f"/api/credit-removals/{made.json()['id']}/"
    assert step(api, "staff", row, "apply-removal", full).status_code == 409  # one open application at a time
    assert api("staff").post(f"{app}approve/", {"comment": "同意"}, format="json").status_code == 403
    assert api("leader").post(f"{app}approve/", {"comment": "材料齐全，同意"}, format="json").status_code == 200
    row.refresh_from_db()
    assert row.state == "removed"
    assert api("leader").post(f"{app}revoke/", {}, format="json").status_code == 400  # why, in writing
    assert api("leader").post(f"{app}revoke/", {"reason": "整改验收报告系伪造"}, format="json").status_code == 200
    row.refresh_from_db()
    assert row.state == "published" and row.ended_on is None


def test_the_credit_class_feeds_the_inspection_frequency(proposed, orgs, users):
    from yingji.supervision import caps
    from yingji.supervision import services as supervision
    from yingji.supervision.models import FrequencyRule, InspectionObject

    entry = InspectionObject.objects.create(organization=orgs["a"], region=orgs["a"].region)
    FrequencyRule.objects.create(region=orgs["a"].region.parent.parent, credit_class="D", frequency_per_year=4,
                                 cap_per_year=6, source_document="测试：失信企业加密检查",
                                 effective_from=datetime.date(2020, 1, 1))
    services.refresh_classes()
    entry.refresh_from_db()
    assert entry.credit_class == "C"  # two accidents with deaths this year, not yet listed
    Listing.objects.filter(pk=proposed.pk).update(state="published", decided_on=timezone.localdate(),
                                                  ends_on=timezone.localdate() + 1000 * DAY)
    services.refresh_classes()
    entry.refresh_from_db()
    assert entry.credit_class == "D"
    rating = CreditRating.objects.get(organization=orgs["a"])
    assert "严重失信" in rating.reasons[0]
    freq = caps.applicable(supervision.rules_for(entry.region), supervision.enterprise_facts(entry), 1, 2)
    assert (freq.frequency_per_year, freq.cap_per_year) == (4, 6)
