from django.db import models


class ItemKind(models.TextChoices):
    VEHICLE = "vehicle", "交通工具"
    EQUIPMENT = "equipment", "工程机械和设备"
    SITE = "site", "场地和房屋"
    FACILITY = "facility", "设施"
    MATERIAL = "material", "物资"
    BUSINESS = "business", "企业（生产能力）"


class State(models.TextChoices):
    DRAFTED = "drafted", "拟定"
    APPROVED = "approved", "已批准"
    SERVED = "served", "已送达"
    IN_USE = "in_use", "使用中"
    RETURNED = "returned", "已返还"
    COMPENSATED = "compensated", "已补偿"
    CANCELLED = "cancelled", "已撤销"


class Condition(models.TextChoices):
    INTACT = "intact", "完好"
    DAMAGED = "damaged", "毁损（可修复）"
    LOST = "lost", "灭失（含无法修复）"
    CONSUMED = "consumed", "已消耗（物资）"


class LogSource(models.TextChoices):
    MANUAL = "manual", "登记"
    DISPATCH = "dispatch", "物资调度"
