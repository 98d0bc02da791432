"""The demo county, assembled from the apps' demo steps.

``yingji demo`` / ``loaddemo`` call ``load``: every installed app's demo step (``demo`` on its
AppConfig: the directory's county first, then e.g. ``yingji/risk/demo.py``) runs in ascending order
in one transaction with one seeded random generator, so the same seed gives the same county. This
module knows no app: the county itself is the directory's step (core/directory/demo.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.db import transaction

SURNAMES = "李 王 张 刘 陈 杨 黄 赵 周 吴 徐 孙 胡 朱 高 林 何 郭 罗 彭 邓 谭 唐 曾 肖 欧阳 汤 罗 袁 易".split()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 涛 明 超 秀英 华 平 刚 桂英 建华 志强 国庆 红梅 文 斌 辉 "
         "鹏 浩 宇 婷 雪 琳 建国 海燕 立新 湘 浏生 卫东 小红 春华 秋菊 冬梅 志刚").split()


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _mobile(rng):
    return rng.choice(["138", "139", "135", "137", "150", "151", "152", "158", "159", "173", "180", "187", "189"]) + \
        f"{rng.randrange(10**8):08d}"


class AlreadyLoaded(Exception):
    """Raised by a step (the directory's, first) when the demo county is already in the database."""


@dataclass
class DemoContext:
    """What the demo's steps share. the directory's step fills the county (towns, villages, organizations); every
    app's step (``demo`` on its AppConfig) adds its records and reports what it made."""

    rng: random.Random
    towns: list = field(default_factory=list)
    villages: list = field(default_factory=list)
    orgs: list = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # "N 个风险点": joined into the summary's first line
    lines: list[str] = field(default_factory=list)  # lines of their own ("应急资源：…")
    after: list[Callable[[], str]] = field(default_factory=list)  # run after the data is committed (files)
    password: str = ""
    accounts: list[str] = field(default_factory=list)  # the summary's last lines: the demo accounts

    def name(self) -> str:
        return _name(self.rng)

    def mobile(self) -> str:
        return _mobile(self.rng)


def load(seed: int = 2026, log=print) -> list[str]:
    """Load the demo county once; returns a summary. Deterministic for a given seed.

    Every installed app's demo step runs in ascending order (the directory's county first), all in one
    transaction and with one random generator, so the same seed gives the same county."""
    from yingji.core.framework import todos
    from yingji.core.framework.contributions import apps, resolve

    steps = sorted((config.demo for config in apps() if config.demo), key=lambda step: step.order)
    ctx = DemoContext(rng=random.Random(seed))
    try:
        # The county's history is loaded, not lived: its open to-dos are in the inboxes, nobody is told.
        with transaction.atomic(), disable_auditlog(), todos.quietly():
            for step in steps:
                resolve(step.loader)(ctx)
    except AlreadyLoaded:
        return ["演示县已存在，跳过加载（如需重建请删除数据库后重新运行 yingji demo）"]
    from yingji.core.framework.registry import registries
    from yingji.core.framework.search import refresh_statistics

    refresh_statistics([reg.model._meta.db_table for reg in registries()])  # a bulk load: fresh plans, merged indexes
    after = [write() for write in ctx.after]
    return [f"演示县：湖南省浏阳市 — {'、'.join(ctx.facts)}", *ctx.lines, *after, *ctx.accounts]


