"""Early warnings (预警信息), their recipients and per-channel deliveries."""

from __future__ import annotations

import json
import secrets

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from yingji.core.directory.choices import ContactRole
from yingji.core.framework import numbering
from yingji.core.models import DomainModel, Organization, Person, Region

LEVELS = [("red", "红色"), ("orange", "橙色"), ("yellow", "黄色"), ("blue", "蓝色")]
LEVEL_NUMBER = {"red": "一级", "orange": "二级", "yellow": "三级", "blue": "四级"}
EVENT_TYPES = [  # event type → (label, CAP category)
    ("rainstorm", "暴雨", "Met"), ("typhoon", "台风", "Met"), ("heat", "高温", "Met"), ("cold_wave", "寒潮", "Met"),
    ("gale", "大风", "Met"), ("hail", "冰雹", "Met"), ("thunder", "雷电", "Met"), ("fog", "大雾", "Met"),
    ("icing", "道路结冰", "Met"), ("snowstorm", "暴雪", "Met"), ("drought", "干旱", "Met"),
    ("flood", "洪水", "Geo"), ("flash_flood", "山洪", "Geo"), ("geohazard", "地质灾害", "Geo"),
    ("forest_fire", "森林火险", "Fire"), ("hazmat", "危险化学品事故", "CBRNE"), ("gas_leak", "燃气泄漏", "Safety"),
    ("other", "其他", "Other"),
]
EVENT_CHOICES = [(code, label) for code, label, _ in EVENT_TYPES]
TARGET_ROLES = [ContactRole.TOWNSHIP_LEADER, ContactRole.VILLAGE_CADRE, ContactRole.GRID_WORKER,
                ContactRole.DISASTER_OFFICER, ContactRole.SAFETY_MANAGER, ContactRole.LEGAL_REPRESENTATIVE,
                ContactRole.DEPARTMENT_CONTACT, ContactRole.BUREAU_LEADER]


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_code() -> str:
    """YJ + today + the day's serial: YJ20261123001 (from the day's number sequence, in the caller's transaction)."""
    return numbering.dated_number(Warning, "code", "YJ", 3)


class Warning(DomainModel):
    """预警信息: drafted, reviewed, published to target regions and groups, updated or lifted."""

    SOURCES = [("manual", "人工编制"), ("alarm", "监测报警"), ("forecast", "气象水文预报"), ("cap", "外部CAP导入")]
    STATES = [("draft", "拟稿"), ("review", "待审核"), ("published", "已发布"), ("updated", "已更新"),
              ("cancelled", "已解除")]

    code = models.CharField("预警编号", max_length=16, unique=True, editable=False)
    event_type = models.CharField("预警类别", max_length=16, choices=EVENT_CHOICES)
    level = models.CharField("预警级别", max_length=8, choices=LEVELS)
    title = models.CharField("标题", max_length=120)
    content = models.TextField("预警内容")
    measures = models.TextField("防御指南", blank=True)
    effective = models.DateTimeField("生效时间")
    expires = models.DateTimeField("失效时间")
    issuer = models.ForeignKey(Organization, verbose_name="发布单位", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="warnings")
    region = models.ForeignKey(Region, verbose_name="发布区划", on_delete=models.PROTECT, related_name="warnings_issued")
    target_regions = models.CharField("预警区域（区划代码）", max_length=2000, blank=True,
                                      help_text="逗号分隔的区划代码，如 430181110,430181111；含下级区划")
    area = models.TextField("预警范围（多边形或圆）", blank=True,
                            help_text='GeoJSON 多边形，或 {"circle": [经度, 纬度, 半径公里]}；可在地图上圈定')
    target_roles = models.CharField("通知对象", max_length=300, blank=True,
                                    help_text="勾选要通知的人员类别（如乡镇领导、村干部、网格员、企业安全员）；"
                                              "导入和接口填写类别名称或代码，逗号分隔")
    ack_minutes = models.PositiveIntegerField("叫应时限（分钟）", default=30)
    source = models.CharField("来源", max_length=10, choices=SOURCES, default="manual")
    forecast = models.TextField("预报依据", blank=True, help_text="气象、水文部门的预报原文或要点")
    alarm = models.ForeignKey("monitoring.Alarm", verbose_name="来源报警", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="warnings")
    supersedes = models.ForeignKey("self", verbose_name="更新的预警", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="updates")
    state = models.CharField("状态", max_length=10, choices=STATES, default="draft", editable=False, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField("解除时间", null=True, blank=True, editable=False)
    cap_identifier = models.CharField("CAP 标识", max_length=120, blank=True, editable=False)
    cap_sender = models.CharField("CAP 发送方", max_length=120, blank=True, editable=False)
    cap_status = models.CharField("信息性质", max_length=10, default="Actual",
                                  choices=[("Actual", "正式"), ("Exercise", "演练"), ("Test", "测试（不发送）")],
                                  help_text="测试消息不向任何人发送；演练消息标明【演练】")
    source_message = models.ForeignKey("CapMessage", verbose_name="转发自外部预警", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="reissues", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "预警信息"
        ordering = ["-effective"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        with transaction.atomic():  # the day's serial is held from numbering until the warning is written
            if not self.code:
                self.code = new_code()
            super().save(*args, **kwargs)

    # --- targets --------------------------------------------------------------------------------
    def region_codes(self) -> list[str]:
        return [c.strip() for c in self.target_regions.replace("，", ",").split(",") if c.strip()]

    def role_codes(self) -> list[str]:
        return [c.strip() for c in self.target_roles.replace("，", ",").split(",") if c.strip()]

    def display_target_regions(self) -> str:
        names = dict(Region.objects.filter(code__in=self.region_codes()).values_list("code", "name"))
        return "、".join(f"{names.get(c, '未知区划')}（{c}）" for c in self.region_codes())

    def display_target_roles(self) -> str:
        labels = dict(ContactRole.choices)
        return "、".join(str(labels.get(c, c)) for c in self.role_codes())

    def shape(self):
        """The target area as a Shapely geometry (circle → polygon in degrees), or None."""
        from yingji.warnings.geometry import parse_area

        return parse_area(self.area) if self.area.strip() else None

    def clean(self):
        super().clean()
        errors = {}
        if self.effective and self.expires and self.expires <= self.effective:
            errors["expires"] = "失效时间应晚于生效时间"
        codes = self.region_codes()
        known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown := [c for c in codes if c not in known]:
            errors["target_regions"] = f"未知的区划代码：{'、'.join(unknown)}"
        valid_roles = {c for c, _ in ContactRole.choices}
        by_label = {str(label): c for c, label in ContactRole.choices}
        roles = [by_label.get(c, c) for c in self.role_codes()]  # 乡镇领导 as well as township_leader
        if bad := [c for c in roles if c not in valid_roles]:
            errors["target_roles"] = (f"未知的通知对象：{'、'.join(bad)}"
                                      f"（可选：{'、'.join(str(label) for _, label in ContactRole.choices)}）")
        else:
            self.target_roles = ",".join(dict.fromkeys(roles))
        if self.area.strip():
            try:
                self.shape()
            except ValueError as exc:
                errors["area"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def on_transition(self, name, before, after, inputs, actor=None):
        """Stamp the record; sending is dissemination's, once the transaction commits."""
        from yingji.warnings import dissemination, exchange

        if name == "approve":
            self.published_at = timezone.now()
            self.cap_identifier = self.cap_identifier or f"yingji.{self.region.code}.{self.code}"
            exchange.record_outgoing(self, "Update" if self.supersedes_id else "Alert")
            dissemination.released(self)
        elif name == "cancel":
            self.cancelled_at = timezone.now()
            exchange.record_outgoing(self, "Cancel")
            dissemination.lifted(self)

    @property
    def is_active(self) -> bool:
        return self.state == "published" and self.expires > timezone.now()

    def area_json(self) -> str:
        return json.dumps(self.shape().__geo_interface__) if self.area.strip() else ""


class Recipient(models.Model):
    """A responsible person a warning was sent to, and whether and when they answered (叫应)."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="warning_receipts")
    token = models.CharField(max_length=32, unique=True, default=new_token)
    acked_at = models.DateTimeField("叫应时间", null=True, blank=True)
    ack_via = models.CharField("叫应方式", max_length=10, blank=True)
    resend_count = models.PositiveSmallIntegerField("重发次数", default=0)
    escalated_at = models.DateTimeField("上报上级时间", null=True, blank=True)
    escalated_to = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警接收人"
        constraints = [models.UniqueConstraint(fields=["warning", "person"], name="one_receipt_per_person")]

    def __str__(self):
        return f"{self.warning.code} → {self.person.name}"


class Delivery(models.Model):
    """One attempt to reach a recipient on one channel."""

    STATES = [("sent", "已发送"), ("delivered", "已送达"), ("failed", "失败")]

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=8)
    attempt = models.PositiveSmallIntegerField(default=1)
    state = models.CharField("状态", max_length=10, choices=STATES)
    at = models.DateTimeField(auto_now_add=True)
    error = models.CharField(max_length=300, blank=True)
    provider_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警送达记录"

    def __str__(self):
        return f"{self.recipient} {self.channel} {self.state}"


# --- CAP exchange (预警信息互通): whole messages in and out, feeds, colour rules --------------------

CAP_STATUSES = [("Actual", "正式"), ("Exercise", "演练"), ("System", "系统"), ("Test", "测试"), ("Draft", "草稿")]
CAP_MSG_TYPES = [("Alert", "首发"), ("Update", "更新"), ("Cancel", "解除"), ("Ack", "确认"), ("Error", "错误更正")]
CAP_SEVERITIES = [("Extreme", "特别严重"), ("Severe", "严重"), ("Moderate", "较重"), ("Minor", "一般"),
                  ("Unknown", "未知")]
# Used where no CapColourRule applies: the usual pairing of CAP severity and the four colours; an
# Unknown severity is taken as 蓝色 (the lowest) and says so on the message for the reviewer.
DEFAULT_SEVERITY_LEVELS = {"Extreme": "red", "Severe": "orange", "Moderate": "yellow", "Minor": "blue",
                           "Unknown": "blue"}


class CapFeed(DomainModel):
    """订阅的 CAP 源: an upstream CAP index feed (Atom) or a single message URL, polled by the job
    ``warnings-feeds``; what it brings in is owned by ``region`` (whose staff review it)."""

    name = models.CharField("名称", max_length=100, help_text="如：长沙市应急管理局预警、湖南省气象台")
    url = models.URLField("订阅地址", max_length=500,
                          help_text="Atom 索引（如 https://…/public/cap/feed.atom）或单条 CAP 消息地址")
    region = models.ForeignKey(Region, verbose_name="接收区划", on_delete=models.PROTECT, related_name="+",
                               help_text="导入的外部预警由该区划的人员复核、转发")
    active = models.BooleanField("启用", default=True)
    last_polled_at = models.DateTimeField("最近拉取", null=True, blank=True, editable=False)
    last_result = models.CharField("最近结果", max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "CAP 订阅源"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "url"], name="cap_feed_unique")]

    def __str__(self):
        return self.name


class CapColourRule(DomainModel):
    """CAP 颜色规则: which colour a sender's severity means, where its message carries no level of its
    own. ``sender`` blank: every sender. The nearest region's rule wins (walking up the tree)."""

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+",
                               help_text="适用于该区划及其全部下级导入的消息")
    sender = models.CharField("发送方", max_length=200, blank=True,
                              help_text="CAP 消息中的发送方，如 cap-pac@canada.ca；留空表示所有发送方")
    severity = models.CharField("严重程度", max_length=10, choices=CAP_SEVERITIES)
    level = models.CharField("对应预警级别", max_length=8, choices=LEVELS)
    basis = models.CharField("依据", max_length=200, help_text="如：该发送方公布的 CAP 规范文件名，或双方的约定")

    class Meta:
        verbose_name = verbose_name_plural = "CAP 颜色规则"
        ordering = ["region__code", "sender", "severity"]
        constraints = [models.UniqueConstraint(fields=["region", "sender", "severity"], name="cap_colour_unique")]

    def __str__(self):
        return f"{self.sender or '所有发送方'} {self.severity} → {self.get_level_display()}"


def colour_rules(region) -> dict[tuple[str, str], str]:
    """(sender, severity) → level for messages imported into ``region``: its own and its ancestors'
    rules (the nearest first), then the defaults for every sender."""
    rules: dict[tuple[str, str], str] = {}
    chain = [r for r in Region.objects.filter(pk__in=_ancestor_ids(region))]
    for r in sorted(chain, key=lambda r: -len(r.path)):
        for rule in CapColourRule.objects.filter(region=r):
            rules.setdefault((rule.sender, rule.severity), rule.level)
    for severity, level in DEFAULT_SEVERITY_LEVELS.items():
        rules.setdefault(("", severity), level)
    return rules


def _ancestor_ids(region) -> list[int]:
    ids = []
    while region is not None:
        ids.append(region.pk)
        region = region.parent
    return ids


class CapMessage(DomainModel):
    """One CAP 1.2 message, whole: sent by this platform (``outgoing``) or received from a file or a
    subscribed feed (外部预警). ``alert`` holds the message as cap.Alert.to_dict() — every info block,
    area, polygon, circle, geocode, parameter and resource — and ``xml`` the bytes as received or
    sent; the columns are what lists and look-ups need. Rows are appended by the services only."""

    STATES = [("active", "生效中"), ("updated", "已被更新"), ("cancelled", "已解除"), ("info", "非预警消息")]
    REVIEWS = [("pending", "待复核"), ("reissued", "已转发"), ("dismissed", "不转发"), ("", "—")]

    outgoing = models.BooleanField("本平台发出", default=False, editable=False)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="+",
                               editable=False)
    sender = models.CharField("发送方", max_length=200, editable=False)
    identifier = models.CharField("消息标识", max_length=200, editable=False)
    sent_text = models.CharField("发送时间（原文）", max_length=40, editable=False)
    sent = models.DateTimeField("发送时间", editable=False)
    status = models.CharField("消息性质", max_length=10, choices=CAP_STATUSES, editable=False)
    msg_type = models.CharField("消息类型", max_length=8, choices=CAP_MSG_TYPES, editable=False)
    scope = models.CharField("范围", max_length=12, editable=False,
                             choices=[("Public", "公开"), ("Restricted", "限定"), ("Private", "私密")])
    references = models.TextField("引用的消息", blank=True, editable=False)
    event = models.CharField("事件", max_length=300, blank=True, editable=False)
    headline = models.TextField("标题", blank=True, editable=False)
    severity = models.CharField("严重程度", max_length=10, blank=True, editable=False, choices=CAP_SEVERITIES)
    level = models.CharField("预警级别", max_length=8, choices=LEVELS, blank=True, editable=False)
    level_basis = models.CharField("级别依据", max_length=300, blank=True, editable=False)
    area_desc = models.TextField("区域", blank=True, editable=False)
    expires = models.DateTimeField("失效时间", null=True, blank=True, editable=False)
    alert = models.JSONField("完整消息", editable=False)
    xml = models.TextField("CAP 报文", editable=False)
    state = models.CharField("状态", max_length=10, choices=STATES, default="active", editable=False, db_index=True)
    review = models.CharField("复核", max_length=10, choices=REVIEWS, blank=True, editable=False)
    review_note = models.CharField("复核意见", max_length=500, blank=True, editable=False)
    superseded_by = models.ForeignKey("self", verbose_name="被其更新/解除", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+", editable=False)
    feed = models.ForeignKey(CapFeed, verbose_name="来自订阅源", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="messages", editable=False)
    warning = models.ForeignKey(Warning, verbose_name="本地预警", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="cap_messages", editable=False,
                                help_text="发出的消息：它所报的预警；外部消息：转发生成的本地预警")

    class Meta:
        verbose_name = verbose_name_plural = "CAP 消息"
        ordering = ["-sent"]
        constraints = [models.UniqueConstraint(fields=["outgoing", "region", "sender", "identifier", "sent_text"],
                                               name="cap_message_once")]
        indexes = [models.Index(fields=["sender", "identifier"])]

    def __str__(self):
        return f"{self.headline or self.event or self.identifier}"

    def message(self):
        from yingji.warnings.cap import Alert

        return Alert.from_dict(self.alert)

    @property
    def is_live(self) -> bool:
        return self.state == "active" and (self.expires is None or self.expires > timezone.now())
