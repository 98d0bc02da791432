"""预警发布流程: 拟稿 → 待审核 → 已发布 → 已解除; an update is a new version that, once
published, marks the one it replaces 已更新 (CAP msgType Update)."""

from django.utils import timezone

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting

DRAFTERS = ("admin", "staff", "duty")
REVIEWERS = ("admin", "leader")


def _publishable(w) -> str | None:
    if w.expires <= timezone.now():
        return "失效时间已过，不能发布"
    if w.supersedes_id and w.supersedes.state != "published":
        return "被更新的预警已不在发布状态"
    return None


WARNING_FLOW = StateMachine(
    states={"draft": "拟稿", "review": "待审核", "published": "已发布", "updated": "已更新", "cancelled": "已解除"},
    initial="draft", final=frozenset({"updated", "cancelled"}),
    waiting={"review": Waiting("待审核", ("approve", "reject"), due="effective")},
    transitions=(
        Transition("submit", "提交审核", ("draft",), "review", roles=DRAFTERS),
        Transition("reject", "退回修改", ("review",), "draft", roles=REVIEWERS, requires=("comment",)),
        Transition("approve", "审核并发布", ("review",), "published", roles=REVIEWERS, guard=_publishable),
        Transition("cancel", "解除预警", ("published",), "cancelled", roles=REVIEWERS + ("duty",), requires=("comment",)),
        Transition("supersede", "被新版本更新", ("published",), "updated", automatic=True),
    ),
)
