from django.db import models


class Kind(models.TextChoices):
    DISASTER = "disaster", "报告灾情"
    LOSS = "loss", "报告损失（房屋受损等）"
    HELP = "help", "需要救助"


class DeclarantKind(models.TextChoices):
    PUBLIC = "public", "群众"
    SOCIAL_FORCE = "social_force", "社会应急力量"


class RegionSource(models.TextChoices):
    LOCATION = "location", "手机定位"
    PLACE = "place", "填写的地点"
    TEXT = "text", "文字中的地名"
    DEFAULT = "default", "未识别（默认本县）"


class State(models.TextChoices):
    NEW = "new", "待处理"
    DISASTER = "disaster", "已纳入灾情统计"
    INCIDENT = "incident", "已作为突发事件处置"
    DISMISSED = "dismissed", "不予采纳"
