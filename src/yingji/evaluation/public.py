"""The public comment on a draft evaluation (no login): the shared spam gate of every public form
(honeypot, signed form time: core/directory/public_forms.py), then per-client and global limits counted
in the database, as the donations' pledge form; clients are salted hashes, never IPs."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from yingji.core.directory.public_forms import Refused, Throttled, check_gate, client_hash, form_token  # noqa: F401
from yingji.evaluation.models import PublicComment

PER_CLIENT_PER_HOUR = 5
PER_CLIENT_PER_DAY = 20
ALL_CLIENTS_PER_HOUR = 500


def check_rate(client: str):
    now = timezone.now()
    recent = PublicComment.objects.filter(created_at__gte=now - datetime.timedelta(hours=1))
    if recent.filter(client_hash=client).count() >= PER_CLIENT_PER_HOUR or PublicComment.objects.filter(
            client_hash=client, created_at__gte=now - datetime.timedelta(days=1)).count() >= PER_CLIENT_PER_DAY:
        raise Throttled("您提交得太频繁了，请稍后再试")
    if recent.count() >= ALL_CLIENTS_PER_HOUR:
        raise Throttled("提交意见的人较多，请稍后再试")


def submit(*, ip: str, token: str, honeypot: str, evaluation_id, name: str, contact: str, text: str) -> PublicComment:
    from yingji.evaluation.services import open_for_comment

    check_gate(honeypot, token)
    evaluation = open_for_comment().filter(pk=evaluation_id).first() if str(evaluation_id).isdigit() else None
    if evaluation is None:
        raise Refused("该评估报告不在征求意见期内")
    text, name, contact = (text or "").strip(), (name or "").strip(), (contact or "").strip()
    if not 5 <= len(text) <= 2000:
        raise Refused("请填写意见建议（5 至 2000 字）")
    if len(name) > 64 or len(contact) > 40:
        raise Refused("姓名不超过 64 字，联系方式不超过 40 字")
    client = client_hash(ip)
    check_rate(client)
    with transaction.atomic():
        return PublicComment.objects.create(evaluation=evaluation, name=name, contact=contact, text=text,
                                            client_hash=client)
