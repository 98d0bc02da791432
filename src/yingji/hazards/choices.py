from django.db import models


class Channel(models.TextChoices):
    SELF_INSPECTION = "self_inspection", "企业自查"
    GOVERNMENT_INSPECTION = "government_inspection", "政府检查"
    GRID_WORKER = "grid_worker", "网格员上报"
    PUBLIC_TIP_OFF = "public_tip_off", "群众举报"
    DEPARTMENT_TRANSFER = "department_transfer", "部门移交"


class Category(models.TextChoices):
    # 安全生产事故隐患排查治理暂行规定 and common practice: 基础管理类 / 现场管理类.
    BASIC_MANAGEMENT = "basic_management", "基础管理类"
    ON_SITE = "on_site", "现场管理类"


class Grade(models.TextChoices):
    GENERAL = "general", "一般事故隐患"
    MAJOR = "major", "重大事故隐患"


class State(models.TextChoices):
    REPORTED = "reported", "上报待核实"
    REJECTED = "rejected", "已驳回"
    RECTIFYING = "rectifying", "整改中"
    OVERDUE = "overdue", "逾期（督办中）"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "待验收"
    CLOSED = "closed", "已销号"
