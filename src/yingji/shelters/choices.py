"""Choices of shelter operations, defined once."""

from django.db import models

# Special needs of a person (GB/T 33744 居民安置需求登记表): the words relief reads (households_for_relief).
FLAGS = ("老", "幼", "孕", "残", "病", "三无", "三孤")
FLAG_HINTS = {"老": "老年人（60 岁及以上）", "幼": "婴幼儿、儿童", "孕": "孕产妇", "残": "残疾人", "病": "伤病员、慢性病患者",
              "三无": "无劳动能力、无生活来源、无法定赡养抚养扶养义务人", "三孤": "孤老、孤残、孤儿"}


class ActivationState(models.TextChoices):
    ACTIVATED = "activated", "已启用"
    RUNNING = "running", "运行中"
    CLOSED = "closed", "安置运行结束"


class Occupancy(models.TextChoices):
    """Occupancy against usable capacity, with the word beside the colour (UI guide)."""
    GREEN = "green", "有空位"
    AMBER = "amber", "接近满员"
    RED = "red", "满员"


class LogKind(models.TextChoices):
    """The parts of GB/T 33744's 运行情况日志表."""
    DUTY = "duty", "值班人员"
    OCCUPANCY = "occupancy", "分区入住"
    SUPPLIES = "supplies", "物资"
    INCIDENT = "incident", "突发情况"
    INSPECTION = "inspection", "巡查"


class StayState(models.TextChoices):
    IN = "in", "在住"
    OUT = "out", "已离开"


class StayEnd(models.TextChoices):
    CHECKOUT = "checkout", "离开安置点"
    TRANSFER = "transfer", "转移到其他安置点"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    OTHER = "other", "其他"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"
