from django.db import models


class MeasureState(models.TextChoices):
    PENDING = "pending", "待落实"
    OVERDUE = "overdue", "逾期未落实"
    DONE = "done", "已落实（待复核）"
    VERIFIED = "verified", "复核通过（待销号）"
    CLOSED = "closed", "已销号"


class InvestigationState(models.TextChoices):
    INVESTIGATING = "investigating", "调查中"
    REPORTED = "reported", "报告待批复"
    CLOSED = "closed", "已结案"


class SubjectKind(models.TextChoices):
    PERSON = "person", "个人"
    UNIT = "unit", "单位"


class LiabilityKind(models.TextChoices):
    CRIMINAL = "criminal", "追究刑事责任"
    DISCIPLINE = "discipline", "党纪政务处分"
    ADMINISTRATIVE = "administrative", "行政处罚"
    SUGGESTION = "suggestion", "处理建议"


class LookbackState(models.TextChoices):
    DUE = "due", "待评估"
    DONE = "done", "已评估"


class ReviewKind(models.TextChoices):
    DISASTER = "disaster", "灾害调查评估"
    POST_EVENT = "post_event", "复盘"


class ReviewState(models.TextChoices):
    DRAFTING = "drafting", "评估中"
    FINAL = "final", "已定稿"


class EvaluationState(models.TextChoices):
    PLANNED = "planned", "评估准备"
    OBSERVING = "observing", "演练评估中"
    SCORED = "scored", "已评分"
    CLOSED = "closed", "报告已完成"


class SelfRating(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "较好"
    PASS = "pass", "一般"
    POOR = "poor", "差"


class AlertState(models.TextChoices):
    OPEN = "open", "演练逾期"
    RESOLVED = "resolved", "已组织演练"
    EXPLAINED = "explained", "已说明"


class RuleKey(models.TextChoices):
    LOOKBACK_OPEN = "lookback_open_months", "回头看开始（结案后月数）"
    LOOKBACK_DUE = "lookback_due_months", "回头看完成期限（结案后月数）"
    DRILL_ENTERPRISE = "drill_enterprise_months", "企业综合或专项预案演练间隔（月）"
    DRILL_ONSITE = "drill_onsite_months", "现场处置方案演练间隔（月）"
