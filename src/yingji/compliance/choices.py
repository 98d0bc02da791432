from django.db import models


class Post(models.TextChoices):
    """三项岗位人员."""

    PRINCIPAL = "principal", "主要负责人"
    SAFETY_MANAGER = "safety_manager", "安全生产管理人员"
    SPECIAL = "special", "特种作业人员"


class CertificateKind(models.TextChoices):
    MANAGEMENT = "management", "安全生产知识和管理能力考核合格证"
    SPECIAL = "special", "特种作业操作证"


class TrainingKind(models.TextChoices):
    INITIAL = "initial", "初次培训"
    REFRESHER = "refresher", "再培训"


class AlertKind(models.TextChoices):
    UNINSURED = "uninsured", "应投保未投保"
    LAPSED = "lapsed", "保单已到期脱保"
    LAPSING = "lapsing", "保单即将到期"
    LIMIT_LOW = "limit_low", "责任限额低于下限"
    HEADCOUNT_LOW = "headcount_low", "投保人数少于从业人数"
    CERT_EXPIRED = "cert_expired", "证书已过期"
    CERT_EXPIRING_30 = "cert_expiring_30", "证书30日内到期"
    CERT_EXPIRING_60 = "cert_expiring_60", "证书60日内到期"
    REVIEW_OVERDUE = "review_overdue", "证书逾期未复审"
    REVIEW_DUE_30 = "review_due_30", "证书30日内应复审"
    REVIEW_DUE_60 = "review_due_60", "证书60日内应复审"
    TRAINING_SHORT = "training_short", "年度培训学时不足"


INSURANCE_KINDS = ("uninsured", "lapsed", "lapsing", "limit_low", "headcount_low")


class AlertState(models.TextChoices):
    OPEN = "open", "待处理"
    EXPLAINED = "explained", "已说明待核实"
    CLEARED = "cleared", "已消除"
    WAIVED = "waived", "已核销"


OPEN_STATES = (AlertState.OPEN, AlertState.EXPLAINED)


class CertStatus(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRING = "expiring", "即将到期"
    EXPIRED = "expired", "已过期"
