"""Choices of the donations app (捐赠: 《中华人民共和国慈善法》, 《救灾捐赠管理办法》)."""

from django.db import models


class LotKind(models.TextChoices):
    GOODS = "goods", "物资"
    MONEY = "money", "资金"


class DonorKind(models.TextChoices):
    PERSON = "person", "个人"
    COMPANY = "company", "单位"


class Use(models.TextChoices):
    """What a donation may be used for: 非定向 (any of the others), or 定向 to one of them."""

    ANY = "any", "不限（非定向）"
    RELIEF = "relief", "受灾群众生活救助"
    REBUILD = "rebuild", "灾后恢复重建"
    RESCUE = "rescue", "抢险救援"
    MEDICAL = "medical", "医疗救治"


class PledgeState(models.TextChoices):
    PLEDGED = "pledged", "已登记，待送达"
    RECEIVED = "received", "已接收"
    CANCELLED = "cancelled", "已取消"


class LotState(models.TextChoices):
    RECEIVED = "received", "已接收，待查验"
    ACCEPTED = "accepted", "已入库（到账）"
    REFUSED = "refused", "拒收"
    CLOSED = "closed", "已分配使用完毕"


class DisclosureKind(models.TextChoices):
    EMERGENCY = "emergency", "应急阶段公开"
    PERIODIC = "periodic", "定期公开（每三个月）"
    FINAL = "final", "结束后全面公开"


class DisclosureState(models.TextChoices):
    DUE = "due", "待公开"
    PUBLISHED = "published", "已公开"


class RuleKey(models.TextChoices):
    """The disclosure rules (data/donation-rules.json holds the national values with their sources)."""

    LONG_CAMPAIGN_MONTHS = "long_campaign_months", "须定期公开的募捐周期（超过，月）"
    PERIODIC_MONTHS = "periodic_months", "定期公开间隔（月）"
    FINAL_WITHIN_MONTHS = "final_within_months", "结束后全面公开期限（月）"
    EMERGENCY_DAYS = "emergency_days", "应急阶段公开间隔（天，0 为不设）"
