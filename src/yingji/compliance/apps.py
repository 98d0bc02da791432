from yingji.core.framework.contributions import (
    CheckAid,
    DemoStep,
    EnterpriseFact,
    MenuEntry,
    PeriodicJob,
    ProfilePanel,
    YingjiAppConfig,
)


class ComplianceConfig(YingjiAppConfig):
    name = "yingji.compliance"
    label = "compliance"
    verbose_name = "安责险与持证上岗"
    # Above supervision (25: the 名录库's industry class, the on-site checklist it aids). Nothing below
    # imports it; credit (62) and it never import each other.
    order = 64

    menu = (
        MenuEntry("监管执法", "安全生产责任保险", registry="safety-policies"),
        MenuEntry("监管执法", "事故预防技术服务", registry="prevention-visits"),
        MenuEntry("监管执法", "三项岗位人员", registry="post-holders"),
        MenuEntry("监管执法", "岗位人员证书", registry="post-certificates"),
        MenuEntry("监管执法", "安全培训学时", registry="post-trainings"),
        MenuEntry("监管执法", "安责险与持证预警", registry="compliance-alerts"),
        MenuEntry("监管执法", "安责险与持证规则", registry="compliance-rules"),
    )
    # The enterprise's own safety manager enters its policies, visits, people, certificates and hours and
    # explains an alert (core's "*": "v" for the rest, within its organization); a township does the same
    # for its enterprises (core's "*": "vac"); the office (staff, "*": vacd) waives. Rules are the
    # county's: townships and enterprises read them.
    role_grants = {
        "enterprise": {"compliance.policy": "vac", "compliance.preventionvisit": "vac", "compliance.worker": "vacd",
                       "compliance.certificate": "vacd", "compliance.training": "vacd", "compliance.alert": "vc"},
        "township": {"compliance.compliancerule": "v"},
    }
    periodic_jobs = (PeriodicJob("compliance-checks", "yingji.compliance.tasks.run_checks", 3600),)
    demo = DemoStep("yingji.compliance.demo:load", order=64)
    engines = ("alerts", "rules")
    api_enum_names = {"ComplianceAlertKindEnum": "yingji.compliance.choices.AlertKind",
                      "ComplianceAlertStateEnum": "yingji.compliance.choices.AlertState",
                      "CertificateStatusEnum": "yingji.compliance.choices.CertStatus"}
    check_aids = (
        CheckAid("special-operators", "特种作业人员持证上岗", ("持证上岗", "特种作业人员持证"), "compliance/check_aid.html",
                 "yingji.compliance.services:special_staff"),
        CheckAid("post-managers", "主要负责人、安全管理人员考核合格", ("主要负责人、安全管理人员经考核合格",),
                 "compliance/check_aid.html", "yingji.compliance.services:managers"),
    )
    # The enterprise profile (yingji.profiles) shows these beside the other apps' panels.
    profile_panels = (
        ProfilePanel("safety-policies", "安全生产责任保险", "safety-policies",
                     counts=(("保险期内", {"starts_on__lte": "@today", "ends_on__gte": "@today"}),),
                     dates=(("starts_on", "安责险起保"), ("ends_on", "安责险期满")), order=75),
        ProfilePanel("post-holders", "三项岗位人员", "post-holders", order=76),
        ProfilePanel("compliance-alerts", "安责险与持证提醒", "compliance-alerts", breakdown="kind",
                     counts=(("未处理", {"state__in": ["open", "explained"]}),),
                     dates=(("opened_on", "合规提醒"), ("closed_on", "合规提醒消除")), order=77),
    )
    enterprise_facts = (
        EnterpriseFact("compliance.insured", "已投保安全生产责任保险", "yingji.compliance.services:insured_facts"),
        EnterpriseFact("compliance.insurance_adequate", "安责险限额和投保人数达标", "yingji.compliance.services:limit_facts"),
        EnterpriseFact("compliance.certificates_valid", "三项岗位人员证书均在有效期内",
                       "yingji.compliance.services:certificate_facts"),
    )

    def ready(self):
        from yingji.compliance import operations, registries, services, tasks  # noqa: F401  (registries, operations, jobs)

        services.connect()
