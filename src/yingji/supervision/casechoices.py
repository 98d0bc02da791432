"""Choices of enforcement cases (执法案件) and their papers."""

from django.db import models


class CaseState(models.TextChoices):
    FILED = "filed", "已立案"
    INVESTIGATING = "investigating", "调查取证"
    NOTIFIED = "notified", "已告知（陈述申辩/听证）"
    REVIEWING = "reviewing", "法制审核中"
    REVIEWED = "reviewed", "法制审核通过"
    DISCUSSED = "discussed", "已集体讨论"
    DECIDED = "decided", "已决定（待执行）"
    EXECUTED = "executed", "已执行（待结案）"
    CLOSED = "closed", "已结案"
    REVOKED = "revoked", "已撤销立案"


class PartyKind(models.TextChoices):
    UNIT = "unit", "单位"
    PERSON = "person", "个人"


class DocKind(models.TextChoices):
    """The papers of a case, each numbered per kind and year (abbreviation in the number)."""

    FILING = "filing", "立案审批表"
    INTERVIEW = "interview", "询问笔录"
    PENALTY_NOTICE = "penalty_notice", "行政处罚告知书"
    HEARING_NOTICE = "hearing_notice", "听证告知书"
    STATEMENT = "statement", "陈述申辩笔录"
    HEARING_SUMMONS = "hearing_summons", "听证通知书"
    HEARING_RECORD = "hearing_record", "听证笔录"
    HEARING_REPORT = "hearing_report", "听证报告"
    DECISION = "decision", "行政处罚决定书"
    CLOSING = "closing", "结案审批表"


DOC_ABBREVIATION = {  # the word in the paper's number: 浏阳应急罚告〔2026〕3号
    DocKind.FILING: "立", DocKind.INTERVIEW: "询", DocKind.PENALTY_NOTICE: "罚告", DocKind.HEARING_NOTICE: "听告",
    DocKind.STATEMENT: "陈", DocKind.HEARING_SUMMONS: "听通", DocKind.HEARING_RECORD: "听录",
    DocKind.HEARING_REPORT: "听报", DocKind.DECISION: "罚", DocKind.CLOSING: "结",
}
SERVED_TO_PARTY = {DocKind.PENALTY_NOTICE, DocKind.HEARING_NOTICE, DocKind.HEARING_SUMMONS, DocKind.DECISION}  # 送达 tracked


class ServiceMethod(models.TextChoices):
    """送达方式 (民事诉讼法 第七章第二节, as 行政处罚法 第六十一条 refers to it)."""

    DIRECT = "direct", "直接送达"
    LEFT = "left", "留置送达"
    ELECTRONIC = "electronic", "电子送达"
    ENTRUSTED = "entrusted", "委托送达"
    POST = "post", "邮寄送达"
    PUBLIC = "public", "公告送达"
