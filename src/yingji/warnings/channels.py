"""Dissemination channels. Each adapter sends one batch and answers, per recipient, delivered or
failed (with the reason); nothing here touches the database except the in-app channel.

- ``inapp``: a notification to the platform user whose phone is the person's mobile.
- ``sms``: a JSON POST to an SMS gateway in the common shape ``{"sign", "mobiles": [...],
  "content"}`` answered with ``{"code": 0, "results": [{"mobile", "code", "msgid"}]}`` (code 0 =
  accepted); with no YINGJI_SMS_URL the SMS are written to the log instead (demo, tests).
- ``email``: SMTP through Django's mail backend; with no YINGJI_EMAIL_HOST, logged.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass

from yingji import config
from yingji.core.framework.choices import NotificationLevel

log = logging.getLogger("yingji.warnings.channels")
SMS_BATCH = 200  # the address book requires a mobile number, so every message has one


@dataclass
class Message:
    recipient_id: int
    name: str
    mobile: str
    email: str
    title: str
    text: str
    url: str


@dataclass
class Result:
    recipient_id: int
    delivered: bool
    error: str = ""
    ref: str = ""


def send_inapp(messages: list[Message], level: str = NotificationLevel.URGENT) -> list[Result]:
    from django.contrib.auth import get_user_model

    from yingji.core.framework import notify

    by_phone = {u.phone: u for u in get_user_model().objects.filter(is_active=True, phone__in=[m.mobile for m in messages])}
    results = []
    for m in messages:
        user = by_phone.get(m.mobile)
        if user is None:
            results.append(Result(m.recipient_id, False, "该人员没有平台账号（按手机号匹配）"))
            continue
        notify.notify([user], m.title, body=m.text, url=m.url, level=level, key=f"warning-recipient-{m.recipient_id}-{m.url}")
        results.append(Result(m.recipient_id, True))
    return results


def send_sms(messages: list[Message], prompt: str = "收到请点击确认：") -> list[Result]:
    url, sign = config.env("YINGJI_SMS_URL"), config.env("YINGJI_SMS_SIGN")
    results = []
    for start in range(0, len(messages), SMS_BATCH):
        batch = messages[start:start + SMS_BATCH]
        if not url:
            for m in batch:
                log.info("SMS → %s %s：【%s】%s %s", m.name, m.mobile, sign, m.text, m.url)
                results.append(Result(m.recipient_id, True, ref="logged"))
            continue
        # One gateway call per distinct text: each recipient's text carries their own ack link.
        for m in batch:
            body = json.dumps({"sign": sign, "mobiles": [m.mobile], "content": f"{m.text} {prompt}{m.url}"})
            request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {config.env('YINGJI_SMS_KEY')}"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    answer = json.loads(response.read() or b"{}")
                item = (answer.get("results") or [{}])[0]
                ok = answer.get("code") == 0 and item.get("code", 0) == 0
                results.append(Result(m.recipient_id, ok, "" if ok else str(answer.get("message") or item)[:300],
                                      str(item.get("msgid", ""))[:64]))
            except Exception as exc:  # gateway down or refused: recorded, retried on re-send
                results.append(Result(m.recipient_id, False, f"短信网关错误：{exc}"[:300]))
    return results


def send_email(messages: list[Message], prompt: str = "收到请点击确认：") -> list[Result]:
    from django.core.mail import get_connection, send_mail

    results = []
    host = config.env("YINGJI_EMAIL_HOST")
    connection = get_connection() if host else None
    for m in messages:
        if not m.email:
            results.append(Result(m.recipient_id, False, "没有电子邮箱"))
            continue
        if connection is None:
            log.info("E-mail → %s <%s>：%s", m.name, m.email, m.title)
            results.append(Result(m.recipient_id, True, ref="logged"))
            continue
        try:
            send_mail(m.title, f"{m.text}\n\n{prompt}{m.url}", config.env("YINGJI_EMAIL_FROM"), [m.email],
                      connection=connection)
            results.append(Result(m.recipient_id, True))
        except Exception as exc:
            results.append(Result(m.recipient_id, False, f"邮件发送失败：{exc}"[:300]))
    return results


CHANNELS = {"inapp": send_inapp, "sms": send_sms, "email": send_email}


# ---- the same gateways for the platform's other notifications (to-dos): NotificationChannel on the
# AppConfig, chosen by YINGJI_NOTIFY_CHANNELS; called after commit by core/framework/notify.py.

def _to_users(users, title: str, body: str, url: str, *, need: str) -> list[Message]:
    link = config.env("YINGJI_PUBLIC_URL").rstrip("/") + url if url.startswith("/") else url
    text = f"{title}{'，' + body if body else ''}"
    return [Message(u.pk, u.display_name, u.phone, u.email, title, text, link) for u in users if getattr(u, need)]


def notify_by_sms(users, title: str, body: str, url: str) -> list[Result]:
    """A notification to the users' 手机 (accounts without one are skipped)."""
    return send_sms(_to_users(users, title, body, url, need="phone"), prompt="详情：")


def notify_by_email(users, title: str, body: str, url: str) -> list[Result]:
    """A notification to the users' e-mail addresses (accounts without one are skipped)."""
    return send_email(_to_users(users, title, body, url, need="email"), prompt="详情：")
CHANNEL_LABELS = {"inapp": "站内", "sms": "短信", "email": "邮件"}
