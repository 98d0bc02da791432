"""Choices of the disaster-statistics app (自然灾害情况统计调查制度, 应急〔2020〕19号)."""

from django.db import models


class ReportKind(models.TextChoices):
    INITIAL = "initial", "初报"
    FOLLOWUP = "followup", "续报"
    FINAL = "final", "核报"


class ReportLevel(models.TextChoices):
    VILLAGE = "village", "村（社区）"
    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY = "county", "县级"
    CITY = "city", "市级"


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已接收"
    RETURNED = "returned", "已退回"


class EventState(models.TextChoices):
    NEW = "new", "待初报"
    REPORTING = "reporting", "报送中"  # 初报 and 续报 until 灾情稳定
    STABLE = "stable", "灾情稳定"
    FINAL = "final", "核报中"
    CLOSED = "closed", "已核报"


class Casualty(models.TextChoices):
    DEAD = "dead", "死亡"
    MISSING = "missing", "失踪"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class HouseDamage(models.TextChoices):
    COLLAPSED = "collapsed", "倒塌"
    SEVERE = "severe", "严重损坏"
    GENERAL = "general", "一般损坏"
