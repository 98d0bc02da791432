"""CAP feeds: the platform's messages as an Atom index (as aggregators consume it), and the polling
of subscribed upstream feeds (CapFeed rows, job ``warnings-feeds``).

The index lists, per warning, its latest message while it is in force, and a Cancel for a day after
it is sent (so a subscriber hears of the lifting); each entry links the message by URL
(``/public/cap/<id>.xml``) and names its sender, identifier and sent in the CAP namespace, so a
subscriber drops what it has without fetching it again.
"""

from __future__ import annotations

import datetime
import urllib.request
from urllib.parse import urljoin

from django.db import transaction
from django.utils import timezone
from lxml import etree

from yingji.warnings import cap, exchange
from yingji.warnings.models import CapFeed, CapMessage

ATOM = "http://www.w3.org/2005/Atom"
CAP_MEDIA = "application/cap+xml"
MAX_BYTES = 5_000_000
TIMEOUT_S = 15
CANCEL_SHOWN = datetime.timedelta(days=1)


def feed_messages(region_code: str = ""):
    """The outgoing messages the index lists (public scope; not drafts, and not Test messages, which
    nobody outside is to act on)."""
    now = timezone.now()
    qs = (CapMessage.objects.filter(outgoing=True, scope="Public").exclude(status__in=("Draft", "Test"))
          .select_related("warning"))
    if region_code:
        qs = qs.filter(region__code=region_code)
    latest = {}
    for m in qs.order_by("sent", "pk"):
        latest[m.warning_id] = m
    shown = []
    for m in latest.values():
        w = m.warning
        if m.msg_type == "Cancel" and m.sent > now - CANCEL_SHOWN:
            shown.append(m)
        elif w is not None and w.state == "published" and w.expires > now and m.msg_type in ("Alert", "Update"):
            shown.append(m)
    return sorted(shown, key=lambda m: m.sent, reverse=True)


def _a(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def atom(messages, *, self_url: str, message_url, title: str) -> bytes:
    """The Atom index (RFC 4287) of ``messages``; ``message_url(m)`` is each message's address."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "cap": cap.NS})
    _a(root, "id", self_url)
    _a(root, "title", title)
    updated = max((m.sent for m in messages), default=timezone.now())
    _a(root, "updated", cap.cap_time(updated))
    author = _a(root, "author")
    _a(author, "name", exchange.sender())
    _a(root, "link", rel="self", href=self_url, type="application/atom+xml")
    for m in messages:
        entry = _a(root, "entry")
        url = message_url(m)
        _a(entry, "id", url)
        _a(entry, "title", m.headline or m.event or m.identifier)
        _a(entry, "updated", m.sent_text)
        _a(entry, "link", rel="alternate", href=url, type=CAP_MEDIA)
        _a(entry, "summary", f"{m.get_msg_type_display()}｜{m.event}｜{m.area_desc}")
        for tag, text in (("identifier", m.identifier), ("sender", m.sender), ("sent", m.sent_text),
                          ("status", m.status), ("msgType", m.msg_type), ("severity", m.severity)):
            etree.SubElement(entry, f"{{{cap.NS}}}{tag}").text = text
        if m.expires:
            etree.SubElement(entry, f"{{{cap.NS}}}expires").text = cap.cap_time(m.expires)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- subscribing ------------------------------------------------------------------------------------

def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": f"application/atom+xml, {CAP_MEDIA}, application/xml",
                                                   "User-Agent": "yingji-cap/1"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (configured http(s) URLs)
        body = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise ValueError(f"超过 {MAX_BYTES // 1_000_000} MB")
    return body


def _entries(feed_xml: bytes, base: str):
    """(key or None, url or None, embedded alert or None) per Atom entry."""
    root = etree.fromstring(feed_xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    if root.tag == f"{{{cap.NS}}}alert":  # the URL is one message
        yield None, None, feed_xml
        return
    if root.tag != f"{{{ATOM}}}feed":
        raise ValueError("不是 Atom 索引，也不是 CAP 消息")
    for entry in root.findall(f"{{{ATOM}}}entry"):
        key = tuple((entry.findtext(f"{{{cap.NS}}}{t}") or "").strip() for t in ("sender", "identifier", "sent"))
        embedded = entry.find(f".//{{{cap.NS}}}alert")
        links = entry.findall(f"{{{ATOM}}}link")
        link = next((x for x in links if x.get("type") == CAP_MEDIA), None)
        if link is None:
            link = next((x for x in links if x.get("rel", "alternate") == "alternate"), None)
        yield (key if all(key) else None, urljoin(base, link.get("href")) if link is not None else None,
               etree.tostring(embedded) if embedded is not None else None)


def poll(feed: CapFeed) -> dict:
    """Bring in what the feed has that this region has not (dedupe by sender + identifier + sent, before
    fetching where the entry names them). Each message in its own transaction: one bad message is
    reported and skipped, the rest still arrive."""
    counts = {"new": 0, "seen": 0, "failed": 0}
    errors = []
    try:
        entries = list(_entries(fetch(feed.url), feed.url))
    except Exception as exc:  # unreachable, not XML, not a feed: said on the feed's row
        _done(feed, f"拉取失败：{exc}")
        return {**counts, "failed": 1}
    for key, url, embedded in entries:
        if key and CapMessage.objects.filter(outgoing=False, region=feed.region, sender=key[0], identifier=key[1],
                                             sent_text=key[2]).exists():
            counts["seen"] += 1
            continue
        try:
            xml = embedded or (fetch(url) if url else None)
            if xml is None:
                raise ValueError("条目没有消息链接")
            with transaction.atomic():
                _, created = exchange.receive(xml, region=feed.region, feed=feed)
            counts["new" if created else "seen"] += 1
        except Exception as exc:
            counts["failed"] += 1
            errors.append(f"{url or key}: {exc}")
    _done(feed, f"新 {counts['new']}，已有 {counts['seen']}，失败 {counts['failed']}" +
          (f"（{errors[0][:150]}）" if errors else ""))
    return counts


def _done(feed: CapFeed, result: str) -> None:
    CapFeed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now(), last_result=result[:300])


def poll_all() -> dict:
    totals = {"feeds": 0, "new": 0, "seen": 0, "failed": 0}
    for feed in CapFeed.objects.filter(active=True).select_related("region"):
        counts = poll(feed)
        totals["feeds"] += 1
        for k, v in counts.items():
            totals[k] += v
    return totals
