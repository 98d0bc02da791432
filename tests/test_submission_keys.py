"""The daily clean-up of submission keys (core SubmissionKey, Operation.idempotent): keys older than
YINGJI_SUBMISSION_KEY_DAYS go, younger ones stay, with time moved."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yingji.core.framework import tasks
from yingji.core.framework.contributions import beat_schedule
from yingji.core.framework.models import SubmissionKey


def test_old_submission_keys_are_deleted_after_the_retention_period(db, users, monkeypatch):
    now = timezone.now()
    for key, age in (("k-old", 31), ("k-edge", 29), ("k-new", 0)):
        SubmissionKey.objects.create(key=key, user=users["staff"], operation="shelter-activations/check-in")
        SubmissionKey.objects.filter(key=key).update(created_at=now - datetime.timedelta(days=age))
    assert tasks.clean_submission_keys(now=now) == "已清理 1 个过期的提交标识"  # default 30 days
    assert sorted(SubmissionKey.objects.values_list("key", flat=True)) == ["k-edge", "k-new"]
    later = now + datetime.timedelta(days=2)  # time moved: the 29-day-old key is now past 30 days
    assert tasks.clean_submission_keys(now=later) == "已清理 1 个过期的提交标识"
    monkeypatch.setenv("YINGJI_SUBMISSION_KEY_DAYS", "1")  # a setting, not a constant
    assert tasks.clean_submission_keys(now=later) == "已清理 1 个过期的提交标识"
    assert not SubmissionKey.objects.exists()
    assert any(entry["task"] == "yingji.core.framework.tasks.clean_submission_keys"
               for entry in beat_schedule().values())
