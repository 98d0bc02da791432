"""Declared lifecycles of disaster statistics (自然灾害情况统计调查制度).

An event's reports come in order: 待初报 → (初报) 报送中 (初报、续报) → (灾情稳定) → 核报中 → 已核报. Opening a report
of a kind is a transition of the event, so a 续报 before the 初报, a second 核报 or a 续报 after the
核报 is refused (409) by the machine itself. 灾情稳定 is a declared action: it starts the 核报 clock.

A report (a village's or township's entry, the county's report): 草稿 → 已提交 (to the level above)
→ 已接收, or 已退回 (with why) → edited → 已提交 again. Submission runs the plausibility checks first
(operations.submit: errors 400 on the field, findings refused until explained).
"""

from yingji.core.framework.statemachine import StateMachine, Transition, Waiting
from yingji.disasters.choices import EventState, ReportState

COUNTY = ("admin", "staff", "duty")  # the bureau's 救灾 section, and the duty desk at night
REPORTERS = ("admin", "staff", "duty", "township", "village")
RECEIVERS = ("admin", "staff", "duty", "township")  # the level above accepts or sends back
INPUTS = {"comment": "意见", "reason": "理由", "photos": "照片"}

EVENT_FLOW = StateMachine(
    states=dict(EventState.choices), initial=EventState.NEW, final=frozenset({EventState.CLOSED}),
    input_labels=INPUTS,
    transitions=(
        Transition("open_initial", "起草初报", (EventState.NEW,), EventState.REPORTING, automatic=True),
        Transition("open_followup", "起草续报", (EventState.REPORTING,), EventState.REPORTING, automatic=True),
        Transition("declare_stable", "灾情稳定", (EventState.REPORTING,), EventState.STABLE, roles=COUNTY,
                   requires=("comment",)),
        Transition("open_final", "起草核报", (EventState.STABLE,), EventState.FINAL, automatic=True),
        Transition("close", "核报完成", (EventState.FINAL,), EventState.CLOSED, automatic=True),
    ),
)


def report_due(report):
    """A report waiting to be submitted is due by its level's open clock (the township's 1 hour, the
    county's 初报 2 hours …), the earliest one still running for its event and unit."""
    from yingji.disasters import services

    return services.due_for(report)


REPORT_FLOW = StateMachine(
    states=dict(ReportState.choices), initial=ReportState.DRAFT, final=frozenset({ReportState.ACCEPTED}),
    input_labels=INPUTS,
    waiting={ReportState.DRAFT: Waiting("待填报", ("submit",), due=report_due),
             ReportState.RETURNED: Waiting("退回待改", ("submit",), due=report_due),
             ReportState.SUBMITTED: Waiting("待接收", ("accept", "return_back"))},
    transitions=(
        Transition("submit", "提交", (ReportState.DRAFT, ReportState.RETURNED), ReportState.SUBMITTED, roles=REPORTERS),
        Transition("accept", "接收", (ReportState.SUBMITTED,), ReportState.ACCEPTED, roles=RECEIVERS,
                   separate_from=("submit",)),
        Transition("return_back", "退回", (ReportState.SUBMITTED,), ReportState.RETURNED, roles=RECEIVERS,
                   requires=("reason",), separate_from=("submit",)),
    ),
)
