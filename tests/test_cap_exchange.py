"""预警信息互通 (warnings/exchange.py, feeds.py): what the platform sends — every release a message of
its own, references to the earlier ones, Test never sent to anyone — what it receives — kept whole once
per sender + identifier + sent, Update and Cancel applied through references, colours from the message
or the rules — re-issue after review, the Atom index, subscriptions, and a county and a city exchanging
warnings through their feeds over HTTP."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from tests.conftest import make_user
from tests.test_warning_operations import warning  # noqa: F401  (the county's draft warning)
from yingji.core.framework import workflow
from yingji.core.models import Person
from yingji.warnings import cap, exchange, feeds
from yingji.warnings.models import CapColourRule, CapFeed, CapMessage, Recipient, Warning

DATA = Path(__file__).parent / "data" / "cap"
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def outside(identifier="qx.1", *, sender="hunan-qxt@example.cn", msg_type="Alert", status="Actual", references=None,
            sent=None, hours=6, **info) -> bytes:
    now = timezone.now()
    sent = sent or cap.cap_time(now)
    defaults = dict(language="zh-CN", categories=["Met"], event="暴雨", urgency="Expected", severity="Severe",
                    certainty="Likely", effective=sent, expires=cap.cap_time(now + datetime.timedelta(hours=hours)),
                    senderName="湖南省气象台", headline="湖南省气象台发布暴雨橙色预警", description="预计未来6小时有大暴雨。",
                    instruction="注意防范。",
                    areas=[cap.Area("大瑶镇", polygons=["27.9,113.7 27.9,113.9 28.1,113.9 28.1,113.7 27.9,113.7"],
                                    geocodes=[("统计用区划代码", "430181110000")])])
    defaults.update(info)
    return cap.render(cap.Alert(identifier=identifier, sender=sender, sent=sent, status=status, msgType=msg_type,
                                scope="Public", references=references, infos=[cap.Info(**defaults)]))




def release(w, users, capture):
    with capture(execute=True):
        workflow.apply(users["staff"], w, "submit")
        workflow.apply(users["leader"], w, "approve")
    w.refresh_from_db()
    return w


def sent_messages(w):
    return list(CapMessage.objects.filter(outgoing=True, warning=w).order_by("sent", "pk"))


# --- out ----------------------------------------------------------------------------------------------

def test_every_update_and_cancel_is_a_new_message_referencing_the_earlier_ones(warning, users,  # noqa: F811
                                                                              django_capture_on_commit_callbacks):
    w = release(warning, users, django_capture_on_commit_callbacks)
    newer = Warning.objects.create(event_type="rainstorm", level="red", title="大瑶镇暴雨红色预警", content="升级。",
                                   effective=w.effective, expires=w.expires, region=w.region, target_regions=w.target_regions,
                                   supersedes=w)
    newer = release(newer, users, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(users["leader"], newer, "cancel", comment="降雨减弱")
    first, = sent_messages(w)
    update, cancel = sent_messages(newer)
    assert [m.msg_type for m in (first, update, cancel)] == ["Alert", "Update", "Cancel"]
    keys = {(m.sender, m.identifier, m.sent_text) for m in (first, update, cancel)}
    assert len(keys) == 3 and len({m.identifier for m in (first, update, cancel)}) == 3  # new identifier each time
    assert first.sent < update.sent < cancel.sent  # and a later sent
    ref = lambda m: f"{m.sender},{m.identifier},{m.sent_text}"  # noqa: E731
    assert update.references == ref(first)
    assert cancel.references.split() == [ref(first), ref(update)]  # never itself
    for m in (first, update, cancel):
        alert = cap.parse(m.xml.encode())  # valid against the schema, as stored and served
        assert TIME.match(alert.sent) and all(TIME.match(t) for t in (alert.infos[0].effective, alert.infos[0].expires))
    assert exchange.document(newer) == cancel.xml.encode()  # the record's CAP document is the last message


def test_a_test_message_is_never_sent_to_anyone(warning, users, tree, django_capture_on_commit_callbacks):  # noqa: F811
    Person.objects.create(name="王镇长", mobile="13800000001", region=tree["a"], contact_role="township_leader")
    warning.cap_status = "Test"
    warning.save()
    w = release(warning, users, django_capture_on_commit_callbacks)
    assert w.state == "published" and not Recipient.objects.filter(warning=w).exists()
    m, = sent_messages(w)
    assert m.status == "Test" and cap.parse(m.xml.encode()).status == "Test"
    assert m not in feeds.feed_messages()  # nor offered to other systems
    exercise = Warning.objects.create(event_type="gale", level="blue", title="大风演练", content="演练。",
                                      effective=w.effective, expires=w.expires, region=w.region,
                                      target_regions=tree["a"].code, cap_status="Exercise")
    exercise = release(exercise, users, django_capture_on_commit_callbacks)
    assert Recipient.objects.filter(warning=exercise).count() == 1  # an exercise reaches its participants


# --- in -----------------------------------------------------------------------------------------------

def test_an_update_replaces_and_a_cancel_ends_keeping_history(tree):
    first, created = exchange.receive(outside("qx.1"), region=tree["county"])
    again, twice = exchange.receive(outside("qx.1", sent=first.sent_text), region=tree["county"])
    assert created and not twice and again == first  # sender + identifier + sent: once
    later = cap.cap_time(first.sent + datetime.timedelta(minutes=30))
    update, _ = exchange.receive(outside("qx.2", msg_type="Update", sent=later, severity="Extreme",
                                         headline="湖南省气象台升级暴雨红色预警",
                                         references=f"{first.sender},{first.identifier},{first.sent_text}"),
                                 region=tree["county"])
    first.refresh_from_db()
    assert (first.state, first.superseded_by, first.review) == ("updated", update, "")
    assert (update.state, update.review, update.level) == ("active", "pending", "red")
    end = cap.cap_time(first.sent + datetime.timedelta(hours=1))
    cancel, _ = exchange.receive(outside("qx.3", msg_type="Cancel", sent=end,
                                         references=f"{update.sender},{update.identifier},{update.sent_text}"),
                                 region=tree["county"])
    update.refresh_from_db()
    assert update.state == "cancelled" and cancel.state == "info" and cancel.review == ""
    assert CapMessage.objects.filter(outgoing=False).count() == 3  # the history: every message kept


def test_an_update_of_a_reissued_message_becomes_an_update_of_the_local_warning(tree, users):
    from yingji.core.models import Notification

    first, _ = exchange.receive(outside("u.1"), region=tree["county"])
    w1 = exchange.reissue(users["staff"], first, event_type="rainstorm")
    workflow.apply(users["staff"], w1, "submit")
    workflow.apply(users["leader"], w1, "approve")
    later = cap.cap_time(first.sent + datetime.timedelta(minutes=20))
    update, _ = exchange.receive(outside("u.2", msg_type="Update", sent=later, headline="暴雨红色预警",
                                         parameters=[("预警级别", "红色预警")],
                                         references=f"{first.sender},{first.identifier},{first.sent_text}"),
                                 region=tree["county"])
    assert Notification.objects.filter(user=users["staff"], title__startswith="外部预警已更新").exists()
    w2 = exchange.reissue(users["staff"], update, event_type="rainstorm")
    assert (w2.supersedes, w2.level) == (w1, "red")
    workflow.apply(users["staff"], w2, "submit")
    workflow.apply(users["leader"], w2, "approve")
    w1.refresh_from_db()
    assert w1.state == "updated"  # the local chain follows the upstream one
    sent = cap.parse(exchange.document(w2))
    assert sent.msgType == "Update" and len(sent.referenced()) == 2  # the source, then w1's Alert


def test_colour_from_the_message_then_the_sender_rule_and_unknown_is_mapped(tree):
    red_moderate = outside("m.1", severity="Moderate", parameters=[("awareness_level", "4; red; Extreme")])
    m, _ = exchange.receive(red_moderate, region=tree["county"])
    assert m.level == "red" and "awareness_level" in m.level_basis
    CapColourRule.objects.create(region=tree["city"], sender="met.example", severity="Moderate", level="orange",
                                 basis="发送方 CAP 规范")
    ruled, _ = exchange.receive(outside("m.2", sender="met.example", severity="Moderate"), region=tree["county"])
    assert ruled.level == "orange" and "met.example" in ruled.level_basis  # the city's rule reaches the county
    plain, _ = exchange.receive(outside("m.3", severity="Moderate"), region=tree["county"])
    assert plain.level == "yellow"
    unknown, _ = exchange.receive(outside("m.4", severity="Unknown"), region=tree["county"])
    assert unknown.level == "blue" and "复核" in unknown.level_basis


def test_reissue_after_review_keeps_the_source(tree, api, users):
    long_headline = "湖南省气象台" + "暴雨" * 70
    point = cap.Area("浏阳河水文站", circles=["28.1,113.6 0"])  # a circle of radius 0: legal, kept
    m, _ = exchange.receive(outside("r.1", headline=long_headline, language="zh-CN",
                                    areas=[cap.Area("大瑶镇", polygons=["27.9,113.7 27.9,113.9 28.1,113.9 28.1,113.7 27.9,113.7"],
                                                    geocodes=[("统计用区划代码", "430181110000"), ("EMMA_ID", "430181")]),
                                           point]),
                            region=tree["county"])
    rest = api("staff")
    kept = rest.get(f"/api/cap-messages/{m.pk}/documents/cap/")  # the whole message, as received
    assert kept.status_code == 200 and cap.parse(kept.content) == m.message() and kept.content == m.xml.encode()
    assert api("township_b").get(f"/api/cap-messages/{m.pk}/documents/cap/").status_code == 404  # the county's
    done = rest.post(f"/api/cap-messages/{m.pk}/reissue/", {"level": "orange", "event_type": "rainstorm"}, format="json")
    assert done.status_code == 200, done.json()
    w = Warning.objects.get(pk=done.json()["id"])
    assert (w.state, w.level, w.source, w.source_message, w.target_regions) == ("draft", "orange", "cap", m, "430181110")
    assert len(w.title) == 120 and w.title.endswith("…") and long_headline in w.content  # shortened visibly
    assert "超过 120 字" in done.json()["message"] and done.json()["notice"]
    m.refresh_from_db()
    assert (m.review, m.warning) == ("reissued", w)
    assert rest.post(f"/api/cap-messages/{m.pk}/reissue/", {"level": "orange"}, format="json").status_code == 409
    # The export keeps the source's language and areas, and names the source in <references>.
    workflow.apply(users["staff"], w, "submit")
    workflow.apply(users["leader"], w, "approve")
    sent = cap.parse(exchange.document(w))
    assert sent.infos[0].language == "zh-CN" and [a.areaDesc for a in sent.infos[0].areas] == ["大瑶镇", "浏阳河水文站"]
    assert sent.infos[0].areas[1].circles == ["28.1,113.6 0"]
    assert ("EMMA_ID", "430181") in sent.infos[0].areas[0].geocodes  # a foreign geocode is not relabelled
    assert sent.references.split()[0] == f"{m.sender},{m.identifier},{m.sent_text}"


def test_test_messages_and_cancels_are_not_reissued(tree, api, web):
    test, _ = exchange.receive(outside("t.1", status="Test"), region=tree["county"])
    refused = api("staff").post(f"/api/cap-messages/{test.pk}/reissue/", {"level": "blue"}, format="json")
    assert refused.status_code == 409 and "测试" in refused.json()["detail"]  # the message's nature, said
    assert "转发为本地预警" not in web("staff").get(f"/registry/cap-messages/{test.pk}/").content.decode()
    dismissed, _ = exchange.receive(outside("t.2"), region=tree["county"])
    no = api("staff").post(f"/api/cap-messages/{dismissed.pk}/dismiss/", {}, format="json")
    assert no.status_code == 400 and "comment" in no.json()
    assert api("staff").post(f"/api/cap-messages/{dismissed.pk}/dismiss/", {"comment": "与本县无关"},
                             format="json").status_code == 200
    dismissed.refresh_from_db()
    assert (dismissed.review, dismissed.review_note) == ("dismissed", "与本县无关")
    assert api("township_b").post(f"/api/cap-messages/{test.pk}/reissue/", {}, format="json").status_code == 404


def test_the_operations_are_in_the_openapi_schema(api):
    paths = api("staff").get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/warnings/import-cap/", "/api/cap-messages/{id}/reissue/", "/api/cap-messages/{id}/dismiss/",
                 "/api/cap-feeds/{id}/poll/"):
        assert "post" in paths[path], path
    assert "/api/warnings/{id}/documents/{name}/" in paths


# --- feeds --------------------------------------------------------------------------------------------

def atom_schema():
    return etree.RelaxNG(etree.parse(str(DATA / "atom-rfc4287.rng")))


def test_the_feed_is_valid_atom_public_and_links_each_message(warning, users, client, django_capture_on_commit_callbacks):  # noqa: F811
    w = release(warning, users, django_capture_on_commit_callbacks)
    response = client.get("/public/cap/feed.atom")  # no login
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    atom_schema().assertValid(feed)
    ns = {"a": feeds.ATOM, "c": cap.NS}
    entry, = feed.findall("a:entry", ns)
    url = entry.find("a:link", ns).get("href")
    m, = sent_messages(w)
    assert entry.findtext("c:identifier", namespaces=ns) == m.identifier
    message = client.get(url.replace("http://testserver", ""))
    assert message.status_code == 200 and cap.parse(message.content) == m.message()
    assert "Content-Security-Policy" in message  # the site's policy on public documents too
    assert client.get("/public/cap/feed.atom?region=430100").content.count(b"<entry>") == 0  # the city issued none
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(users["leader"], w, "cancel", comment="解除")
    after = etree.fromstring(client.get("/public/cap/feed.atom").content)
    atom_schema().assertValid(after)
    assert [e.findtext("c:msgType", namespaces=ns) for e in after.findall("a:entry", ns)] == ["Cancel"]
    draft = Warning.objects.create(event_type="gale", level="blue", title="拟稿", content="c", effective=w.effective,
                                   expires=w.expires, region=w.region)
    assert exchange.document(draft).find(b"<status>Draft</status>") > 0
    assert not CapMessage.objects.filter(warning=draft).exists()  # a preview is not a message sent


def test_a_feed_that_fails_is_reported_on_its_row(tree):
    feed = CapFeed.objects.create(name="坏的源", url="http://127.0.0.1:9/feed.atom", region=tree["county"])
    assert feeds.poll(feed) == {"new": 0, "seen": 0, "failed": 1}
    feed.refresh_from_db()
    assert feed.last_result.startswith("拉取失败") and feed.last_polled_at


@pytest.mark.django_db(transaction=True)
def test_a_county_and_a_city_exchange_warnings_through_their_feeds(live_server, tree, users, settings):
    """Two levels, one process: each reads the other's Atom index over HTTP (the live server), as two
    installations would; ?region= gives each level's own feed."""
    county_user, city_user = users["staff"], make_user("city_staff", "staff", region=tree["city"])
    city_leader = make_user("city_leader", "leader", region=tree["city"])
    now = timezone.now()
    county_w = Warning.objects.create(event_type="flood", level="yellow", title="浏阳河洪水黄色预警", content="水位上涨。",
                                      effective=now, expires=now + datetime.timedelta(hours=8), region=tree["county"],
                                      target_regions=tree["a"].code)
    workflow.apply(county_user, county_w, "submit")
    workflow.apply(users["leader"], county_w, "approve")
    city_w = Warning.objects.create(event_type="rainstorm", level="orange", title="长沙市暴雨橙色预警", content="全市大暴雨。",
                                    effective=now, expires=now + datetime.timedelta(hours=8), region=tree["city"])
    workflow.apply(city_user, city_w, "submit")
    workflow.apply(city_leader, city_w, "approve")

    # The city subscribes to the county's feed: the county's warning appears in the city's overview.
    at_city = CapFeed.objects.create(name="浏阳市预警", url=f"{live_server.url}/public/cap/feed.atom?region=430181",
                                     region=tree["city"])
    assert feeds.poll(at_city) == {"new": 1, "seen": 0, "failed": 0}
    seen_by_city = CapMessage.objects.get(outgoing=False, region=tree["city"])
    assert seen_by_city.headline == "浏阳河洪水黄色预警" and seen_by_city.level == "yellow"
    assert seen_by_city.message() == sent_messages(county_w)[0].message()  # the whole message crossed over
    # The county subscribes to the city's: the city's warning arrives for re-issue, once.
    at_county = CapFeed.objects.create(name="长沙市预警", url=f"{live_server.url}/public/cap/feed.atom?region=430100",
                                       region=tree["county"])
    assert feeds.poll(at_county)["new"] == 1
    assert feeds.poll(at_county) == {"new": 0, "seen": 1, "failed": 0}  # deduplicated before fetching
    incoming = CapMessage.objects.get(outgoing=False, region=tree["county"])
    local = exchange.reissue(county_user, incoming, level=incoming.level, event_type="rainstorm")
    assert (local.state, local.level, local.title) == ("draft", "orange", "长沙市暴雨橙色预警")
    # The city lifts its warning: the county's copy is marked lifted through the references.
    workflow.apply(city_leader, city_w, "cancel", comment="雨停")
    assert feeds.poll(at_county)["new"] == 1
    incoming.refresh_from_db()
    assert incoming.state == "cancelled"
    from yingji.core.models import Notification

    told = Notification.objects.get(user=county_user, title__startswith="外部预警已解除")  # it had been re-issued
    assert local.code in told.body and Warning.objects.get(pk=local.pk).state == "draft"  # the bureau's to lift


def test_the_scheduler_polls_every_active_subscription(tree):
    from django.apps import apps

    from yingji.warnings import tasks

    job, = [j for j in apps.get_app_config("warnings").periodic_jobs if j.name == "warnings-feeds"]
    assert job.task == tasks.poll_feeds.name and job.every_s == 300
    CapFeed.objects.create(name="停用的源", url="http://127.0.0.1:9/a.atom", region=tree["county"], active=False)
    CapFeed.objects.create(name="坏的源", url="http://127.0.0.1:9/b.atom", region=tree["county"])
    assert tasks.poll_feeds() == {"feeds": 1, "new": 0, "seen": 0, "failed": 1}
    assert CapFeed.objects.get(name="停用的源").last_polled_at is None


def test_the_external_list_shows_what_waits_for_review(tree, web):
    waiting, _ = exchange.receive(outside("l.1", headline="甲镇外部预警"), region=tree["county"])
    done, _ = exchange.receive(outside("l.2", headline="乙镇外部预警"), region=tree["county"])
    exchange.dismiss(None, done, comment="无关")
    page = web("staff").get("/warnings/external/", follow=True).content.decode()
    assert "甲镇外部预警" in page and "乙镇外部预警" not in page
    assert "/warnings/external/" in web("staff").get("/registry/warnings/").content.decode()  # from the warnings list


def test_an_odd_shape_stays_in_the_message_and_the_regions_still_target(tree, users):
    odd, _ = exchange.receive(outside("o.1", areas=[cap.Area("大瑶镇", polygons=["27.9,113.7 28.1,113.9"],
                                                             geocodes=[("GB/T 2260", "430181")])]),
                              region=tree["county"])
    w = exchange.reissue(users["staff"], odd)
    assert (w.area, w.target_regions) == ("", "430181")
    assert odd.message().infos[0].areas[0].polygons == ["27.9,113.7 28.1,113.9"]
