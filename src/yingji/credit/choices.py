from django.db import models


class ListingState(models.TextChoices):
    PROPOSED = "proposed", "拟列入"
    NOTIFIED = "notified", "已告知（陈述申辩期）"
    DECIDED = "decided", "已决定列入（待公布）"
    PUBLISHED = "published", "已公布（管理期内）"
    OBJECTION = "objection", "异议核查中"
    REMOVED = "removed", "已提前移出"
    EXPIRED = "expired", "管理期满移出"
    REVOKED = "revoked", "已撤销列入（异议成立）"
    DISMISSED = "dismissed", "不予列入"


IN_FORCE = (ListingState.DECIDED, ListingState.PUBLISHED, ListingState.OBJECTION)  # listed now
PUBLIC = (ListingState.PUBLISHED, ListingState.OBJECTION)  # on the public page
OPEN = (ListingState.PROPOSED, ListingState.NOTIFIED) + IN_FORCE  # a proposal or a listing not ended


class RemovalState(models.TextChoices):
    SUBMITTED = "submitted", "已受理（待审核）"
    APPROVED = "approved", "同意提前移出"
    REJECTED = "rejected", "不予提前移出"
    REVOKED = "revoked", "已撤销（弄虚作假，恢复列入）"


class CreditClassCode(models.TextChoices):
    A = "A", "A级（守信）"
    B = "B", "B级（一般）"
    C = "C", "C级（失信）"
    D = "D", "D级（严重失信）"
