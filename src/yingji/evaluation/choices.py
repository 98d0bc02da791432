"""Choices of plan evaluation (规划指标与评估)."""

from django.db import models


class TargetKind(models.TextChoices):
    AT_MOST = "at_most", "不高于（≤）"
    AT_LEAST = "at_least", "不低于（≥）"
    CHANGE_PCT = "change_pct", "较基期变化（%）"


class Binding(models.TextChoices):
    BINDING = "binding", "约束性"
    EXPECTED = "expected", "预期性"


class Aggregate(models.TextChoices):
    YEAR = "year", "当年"
    PERIOD = "period", "规划期累计（年均）"


class ProjectState(models.TextChoices):
    PLANNED = "planned", "未开工"
    BUILDING = "building", "在建"
    DONE = "done", "已完成"
    DELAYED = "delayed", "滞后"


class TaskState(models.TextChoices):
    OPEN = "open", "推进中"
    DONE = "done", "已完成"


class EvaluationKind(models.TextChoices):
    YEARLY = "yearly", "年度监测"
    MIDTERM = "midterm", "中期评估"
    FINAL = "final", "总结评估"


class EvaluationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    COMMENT = "comment", "公开征求意见"
    FINAL = "final", "已定稿"
