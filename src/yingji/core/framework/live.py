"""Live updates for open pages: server-sent events fed by the LiveEvent table.

``publish`` stores an event (after the surrounding transaction commits, so a page never hears of a
record it cannot load yet) and, when the broker is Redis, announces it on the ``yingji:live``
channel. Every web worker's ``/live/stream`` wakes on that announcement — or polls twice a second
in the embedded default — and sends each user only the events inside their scope.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging

from asgiref.sync import sync_to_async
from django import db
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from yingji import config

log = logging.getLogger(__name__)
REDIS_CHANNEL = "yingji:live"
POLL_S = 0.5
HEARTBEAT_S = 15.0
MAX_STREAM_S = 300  # the browser's EventSource reconnects with Last-Event-ID; bounds a worker's stream


def _redis_url() -> str | None:
    url = config.env("YINGJI_BROKER_URL")
    return url if url.startswith(("redis://", "rediss://")) else None


def publish(channel: str, data: dict, *, region, organization_id: int | None = None) -> None:
    """Queue ``data`` for pages whose user's scope covers ``region`` (and ``organization_id``)."""
    from yingji.core.framework.models import LiveEvent

    def send():
        event = LiveEvent.objects.create(channel=channel, data=data, region=region, organization_id=organization_id)
        url = _redis_url()
        if url:
            try:
                import redis

                redis.Redis.from_url(url, socket_timeout=1).publish(REDIS_CHANNEL, event.pk)
            except Exception as exc:  # pages still get it by polling
                log.warning("live: could not announce event %s: %s", event.pk, exc)

    transaction.on_commit(send)


def prune(now: datetime.datetime | None = None, keep: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    from yingji.core.framework.models import LiveEvent

    return LiveEvent.objects.filter(created_at__lt=(now or timezone.now()) - keep).delete()[0]


def visible_after(user, last_id: int, channels: list[str], limit: int = 200) -> list:
    from yingji.core.framework.access import restrict
    from yingji.core.framework.models import LiveEvent

    return list(restrict(LiveEvent.objects.filter(id__gt=last_id, channel__in=channels), user).order_by("id")[:limit])


def _latest_id() -> int:
    from yingji.core.framework.models import LiveEvent

    return LiveEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _released(read):
    """``read``, handing its database connection back after each call: a stream lives minutes and
    every open page has one, so holding a pooled connection between polls would empty the pool."""

    def call(*args):
        try:
            return read(*args)
        finally:
            for conn in db.connections.all(initialized_only=True):  # this thread's
                if not conn.in_atomic_block:  # (a test's transaction stays open)
                    conn.close()  # back to the pool (PostgreSQL), closed (SQLite)

    return call


def _frame(event) -> str:
    return f"id: {event.id}\nevent: {event.channel}\ndata: {json.dumps(event.data, ensure_ascii=False)}\n\n"


# Not an operation: a server-sent-events stream (long-lived GET, ASGI); it only reads.
async def stream(request):
    """GET /live/stream?channels=alarms,warnings — text/event-stream of events in the user's scope."""
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("请先登录", status=401)
    channels = [c for c in request.GET.get("channels", "alarms").split(",") if c]
    try:  # a bad number is the caller's error, not the server's
        max_s = min(float(request.GET.get("max_s") or MAX_STREAM_S), MAX_STREAM_S)
    except ValueError:
        return HttpResponse("max_s 应为秒数", status=400, content_type="text/plain; charset=utf-8")
    if not max_s > 0:  # also NaN
        return HttpResponse("max_s 应为正的秒数", status=400, content_type="text/plain; charset=utf-8")
    resume = request.headers.get("Last-Event-ID") or request.GET.get("after")
    last = int(resume) if resume and resume.isdigit() else await sync_to_async(_released(_latest_id))()

    async def events():
        nonlocal last
        loop = asyncio.get_running_loop()
        deadline, beat = loop.time() + max_s, loop.time() + HEARTBEAT_S
        pubsub = await _subscribe()
        try:
            yield f"retry: 2000\nid: {last}\n\n"
            while loop.time() < deadline:
                for event in await sync_to_async(_released(visible_after))(user, last, channels):
                    last = event.id
                    yield _frame(event)
                if loop.time() > beat:
                    beat = loop.time() + HEARTBEAT_S
                    yield ": keep-alive\n\n"
                if pubsub is not None:
                    await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                else:
                    await asyncio.sleep(POLL_S)
        finally:
            if pubsub is not None:
                await pubsub.aclose()

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


async def _subscribe():
    url = _redis_url()
    if not url:
        return None
    try:
        import redis.asyncio as aioredis

        pubsub = aioredis.Redis.from_url(url).pubsub()
        await pubsub.subscribe(REDIS_CHANNEL)
        return pubsub
    except Exception as exc:
        log.warning("live: broker unavailable, polling instead: %s", exc)
        return None
