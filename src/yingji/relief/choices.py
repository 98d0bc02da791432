"""Choices of the relief app (生活救助: 《自然灾害救助条例》, 《国家自然灾害救助应急预案》)."""

from django.db import models


class ItemKind(models.TextChoices):
    EMERGENCY = "emergency", "应急救助（紧急生活救助）"
    TRANSITION = "transition", "过渡期生活救助"
    DEATH_COMFORT = "death_comfort", "遇难人员家属抚慰金"
    HOUSE_COLLAPSED = "house_collapsed", "倒塌住房恢复重建补助"
    HOUSE_DAMAGED = "house_damaged", "损坏住房维修补助"
    WINTER_SPRING = "winter_spring", "冬春生活救助"


class Basis(models.TextChoices):
    HOUSEHOLD = "household", "每户"
    PERSON = "person", "每人"
    PERSON_DAY = "person_day", "每人每天"


class Category(models.TextChoices):
    EMERGENCY = "emergency", "需紧急生活救助"
    TRANSITION = "transition", "需过渡期生活救助"
    WINTER_SPRING = "winter_spring", "冬春生活救助"


class Placement(models.TextChoices):
    SHELTER = "shelter", "集中安置（避难场所）"
    DISPERSED = "dispersed", "分散安置（投亲靠友等）"
    AT_HOME = "at_home", "在家"


class Source(models.TextChoices):
    SHELTER = "shelter", "避难场所安置登记"
    DISASTER_LIST = "disaster_list", "灾情一览表"
    MANUAL = "manual", "人工登记或导入"


class BatchState(models.TextChoices):
    DRAFT = "draft", "草拟"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已审批"
    NOTICE = "notice", "公示中"
    DISTRIBUTING = "distributing", "发放中"
    DONE = "done", "已签收"
    CANCELLED = "cancelled", "已作废"


class SignMethod(models.TextChoices):
    SIGNATURE = "signature", "手写签名"
    PHOTO = "photo", "签收照片"


# The kinds an item of each household category may be (a batch for 需过渡期生活救助 pays 过渡期生活救助 …).
CATEGORY_KINDS = {
    Category.EMERGENCY: (ItemKind.EMERGENCY, ItemKind.DEATH_COMFORT, ItemKind.HOUSE_COLLAPSED, ItemKind.HOUSE_DAMAGED),
    Category.TRANSITION: (ItemKind.TRANSITION, ItemKind.HOUSE_COLLAPSED, ItemKind.HOUSE_DAMAGED),
    Category.WINTER_SPRING: (ItemKind.WINTER_SPRING,),
}

# 基本生活: what a household needing emergency relief must have received (the hours target).
NEEDS = (("food", "食"), ("water", "饮用水"), ("clothing", "衣被"), ("shelter", "临时住所"), ("medical", "医疗"))
VULNERABLE = ("老", "幼", "孕", "残", "病")
