"""Resource registries. Stock is a ledger: ``StockMovement`` rows are only ever appended (by
``stock.move``), and ``StockLevel`` is their running sum kept in the same transaction — a number
no form can edit."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from yingji.core.framework import numbering
from yingji.core.framework.statemachine import TransitionError
from yingji.core.framework.validators import validate_mobile, validate_phone
from yingji.core.models import DomainModel, GeoPoint, GeoShape, Organization, Region, ScopedPart
from yingji.resources.choices import (
    EquipmentStatus,
    MovementKind,
    Readiness,
    ReserveKind,
    ShelterDuration,
    ShelterSpace,
    ShelterStatus,
    Specialty,
    TeamKind,
    WarehouseLevel,
)
from yingji.resources.workflow import SOCIAL_FORCE_REVIEW, TRANSFER_FLOW, team_name_taken

# Effective area per person (m²) by shelter class, from GB 51143-2015 防灾避难场所设计规范 (紧急 0.5,
# 短期固定 2.0, 中期固定 3.0, 长期固定 4.5) — to verify against GB/T 44013-2024; docs/resources.md.
M2_PER_PERSON = {"emergency": 0.5, "short": 2.0, "medium": 3.0, "long": 4.5}


# What a duplicate natural key is told, on forms, imports and the API alike (docs/decisions/0004-natural-keys.md).
TEAM_NAME_TAKEN = "已有同名的救援队伍；队伍名称在全平台唯一（调派、导入和接口按名称引用），请加上所在乡镇或单位加以区分"
WAREHOUSE_NAME_TAKEN = "已有同名的储备库；储备库名称在全平台唯一（调拨、导入和接口按名称引用），请加上所在乡镇或村社区加以区分"
SHELTER_NAME_TAKEN = "已有同名的避难场所；场所名称在全平台唯一（导入和接口按名称引用），请加上所在乡镇或村社区加以区分"


def tags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").replace("、", ",").split(",") if t.strip()]


class Team(DomainModel, GeoPoint):
    scope_organization = "organization"

    name = models.CharField("队伍名称", max_length=100, error_messages={"unique": TEAM_NAME_TAKEN})
    kind = models.CharField("队伍类型", max_length=16, choices=TeamKind.choices)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="teams")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="teams")
    base_address = models.CharField("驻地", max_length=200, blank=True)
    leader = models.CharField("队长", max_length=32, blank=True)
    phone = models.CharField("值班电话", max_length=20, blank=True, validators=[validate_phone])
    members = models.PositiveIntegerField("队员人数", default=0)
    capabilities = models.CharField("能力标签", max_length=300, blank=True,
                                    help_text="逗号分隔，如 水域救援、山地搜救、破拆、危化洗消")
    equipment_summary = models.TextField("主要装备", blank=True)
    readiness = models.CharField("战备状态", max_length=10, choices=Readiness.choices, default=Readiness.STANDBY,
                                 help_text="待命或休整由队伍填写；出动由调派产生，撤离后转为休整，不能手工设置或解除")
    response_minutes = models.PositiveIntegerField("承诺响应时间（分钟）", null=True, blank=True)
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "救援队伍"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(
            fields=["name"], name="team_name_unique", violation_error_code="unique",
            violation_error_message=TEAM_NAME_TAKEN)]

    def __str__(self):
        return self.name

    def capability_list(self) -> list[str]:
        return tags(self.capabilities)

    # ---- readiness follows dispatches ---------------------------------------------------------
    # Whether a team is out is one fact with one source: an open dispatch (incidents.TeamDispatch,
    # at most one per team by its constraint). ``readiness`` shows it: every save of the team sets
    # 出动 from that record, under the team's row lock, whatever the saver's copy says; the page form,
    # API and import may set only 待命/休整, and only while no dispatch is open (``clean``).

    def dispatch_out(self):
        """The open dispatch this team is out on, or None."""
        if self.pk is None:
            return None
        return self.dispatches.open().first()

    def clean(self):
        super().clean()
        out = self.dispatch_out()
        if out is not None and self.readiness != Readiness.DEPLOYED:
            raise ValidationError({"readiness": f"队伍正在执行调派（{out.get_state_display()}），战备状态为“出动”，"
                                                "随调派变化：撤离后转为休整，之后才能修改"})
        if out is None and self.readiness == Readiness.DEPLOYED:
            raise ValidationError({"readiness": "“出动”由调派产生，不能手工设置：请在事件态势图上调派队伍，撤离后自动转为休整"})

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        with transaction.atomic():
            if fields is None or "readiness" in fields:
                if self.pk is not None:
                    # The lock services.dispatch_team takes too: a dispatch opened or closed since the caller
                    # read the team is seen here, and none opens or closes until this save commits.
                    list(Team.objects.select_for_update().filter(pk=self.pk).values_list("pk", flat=True))
                self.readiness = readiness_following(self.readiness, out=self.dispatch_out() is not None)
            super().save(*args, **kwargs)

    def follow_dispatches(self) -> None:
        """Write the readiness the team's dispatches give it now (a dispatch was opened, changed or closed)."""
        with transaction.atomic():
            self.readiness = Team.objects.select_for_update().values_list("readiness", flat=True).get(pk=self.pk)
            self.save(update_fields=["readiness", "updated_at"])


def readiness_following(wanted: str, *, out: bool) -> str:
    """A team's readiness: 出动 while it is out on a dispatch, whatever was asked; otherwise what a
    person set — 出动 excepted, which without a dispatch means the team is back: 休整 (撤离，归队休整)."""
    if out:
        return Readiness.DEPLOYED
    return Readiness.RESTING if wanted == Readiness.DEPLOYED else wanted


class TeamMember(ScopedPart):
    scope_parent = "team"

    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="member_set")
    name = models.CharField("姓名", max_length=32)
    mobile = models.CharField("手机", max_length=11, blank=True, validators=[validate_mobile])
    position = models.CharField("职务/岗位", max_length=32, blank=True)
    certificate = models.CharField("证书", max_length=100, blank=True)
    certificate_expires = models.DateField("证书有效期至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "队员"
        ordering = ["team", "name"]

    def __str__(self):
        return f"{self.name}（{self.team}）"


class TeamActivity(ScopedPart):
    """社会力量动态管理: trainings, drills, missions and evaluations of a team."""
    scope_parent = "team"
    KINDS = [("training", "培训"), ("drill", "演练"), ("mission", "救援任务"), ("evaluation", "考核评估")]

    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("类型", max_length=12, choices=KINDS)
    date = models.DateField("日期")
    title = models.CharField("事项", max_length=100)
    score = models.PositiveSmallIntegerField("评估得分", null=True, blank=True, help_text="考核评估填写，0–100")
    notes = models.TextField("情况说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "队伍动态"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    def clean(self):
        super().clean()
        if self.score is not None and self.score > 100:
            raise ValidationError({"score": "评估得分应在 0–100 之间"})


class Expert(DomainModel):
    scope_organization = "organization"

    name = models.CharField("姓名", max_length=32)
    specialties = models.CharField("专业领域", max_length=200,
                                   help_text="逗号分隔：" + "、".join(label for _, label in Specialty.choices))
    title = models.CharField("职称", max_length=64, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="工作单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="experts")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="experts")
    mobile = models.CharField("手机", max_length=11, validators=[validate_mobile])
    available = models.BooleanField("可随时调用", default=True)
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(
            fields=["name", "mobile"], name="expert_name_mobile_unique",
            violation_error_message="已有姓名和手机都相同的专家")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        labels = {label: value for value, label in Specialty.choices}
        unknown = [t for t in tags(self.specialties) if t not in labels and t not in labels.values()]
        if unknown:
            raise ValidationError({"specialties": f"未知的专业领域：{'、'.join(unknown)}"})


class Warehouse(DomainModel, GeoPoint):
    scope_organization = "organization"

    name = models.CharField("储备库名称", max_length=100, error_messages={"unique": WAREHOUSE_NAME_TAKEN})
    level = models.CharField("储备层级", max_length=10, choices=WarehouseLevel.choices)
    reserve_kind = models.CharField("储备方式", max_length=10, choices=ReserveKind.choices, default=ReserveKind.PHYSICAL)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="warehouses")
    organization = models.ForeignKey(Organization, verbose_name="管理单位/协议供应商", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="warehouses")
    address = models.CharField("地址", max_length=200, blank=True)
    manager = models.CharField("管理人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    capacity_m3 = models.PositiveIntegerField("库容（m³）", null=True, blank=True)
    delivery_hours = models.DecimalField("协议供货时限（小时）", max_digits=5, decimal_places=1, null=True, blank=True,
                                         help_text="协议储备：接到调用通知后送达所需小时数")
    daily_capacity = models.CharField("日产能", max_length=100, blank=True, help_text="产能储备：如 帐篷 500 顶/日")

    class Meta:
        verbose_name = verbose_name_plural = "储备库"
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(
            fields=["name"], name="warehouse_name_unique", violation_error_code="unique",
            violation_error_message=WAREHOUSE_NAME_TAKEN)]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.reserve_kind == ReserveKind.AGREEMENT and self.delivery_hours is None:
            raise ValidationError({"delivery_hours": "协议储备须填写供货时限"})
        if self.reserve_kind == ReserveKind.CAPACITY and not self.daily_capacity:
            raise ValidationError({"daily_capacity": "产能储备须填写日产能"})

    @property
    def ready_hours(self) -> float:
        """Hours before goods can leave: 0 on the shelf, the agreed delivery time for agreement reserves."""
        return float(self.delivery_hours or 0) if self.reserve_kind != ReserveKind.PHYSICAL else 0.0


class Material(DomainModel):
    """The relief and rescue materials catalogue (one per bureau, owned by its region and shared
    with the townships and villages under it)."""
    scope_shared_down = True
    CATEGORIES = [("living", "生活类"), ("rescue", "救援类"), ("power", "电力照明"), ("medical", "医疗防疫"),
                  ("water_food", "饮用水和食品"), ("other", "其他")]

    code = models.CharField("物资编码", max_length=20, unique=True)
    name = models.CharField("物资名称", max_length=64)
    category = models.CharField("类别", max_length=12, choices=CATEGORIES)
    unit = models.CharField("计量单位", max_length=10)
    spec = models.CharField("规格型号", max_length=100, blank=True)
    shelf_life_days = models.PositiveIntegerField("保质期（天）", null=True, blank=True,
                                                  help_text="有保质期的物资按批次到期前 30 天提示轮换")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="materials")

    class Meta:
        verbose_name = verbose_name_plural = "物资目录"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class StockLevel(ScopedPart):
    """Current stock of one material in one warehouse: the sum of its ledger, plus the minimum
    below which a low-stock alert is raised. Only ``minimum`` is editable."""
    scope_parent = "warehouse"

    warehouse = models.ForeignKey(Warehouse, verbose_name="储备库", on_delete=models.PROTECT, related_name="levels")
    material = models.ForeignKey(Material, verbose_name="物资", on_delete=models.PROTECT, related_name="levels")
    quantity = models.IntegerField("库存数量", default=0, editable=False)
    minimum = models.PositiveIntegerField("最低储备量", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "库存"
        ordering = ["warehouse", "material"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "material"], name="stock_level_unique"),
                       models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_never_negative")]

    def __str__(self):
        return f"{self.warehouse} · {self.material.name}"

    @property
    def low(self) -> bool:
        return self.quantity < self.minimum


class StockMovement(ScopedPart):
    """One line of the stock ledger; appended by ``stock.move``, never edited or deleted."""
    scope_parent = "warehouse"

    warehouse = models.ForeignKey(Warehouse, verbose_name="储备库", on_delete=models.PROTECT, related_name="movements")
    material = models.ForeignKey(Material, verbose_name="物资", on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField("业务类型", max_length=14, choices=MovementKind.choices)
    delta = models.IntegerField("变动数量", help_text="入库为正，出库为负；盘点为盘盈盘亏")
    balance = models.IntegerField("变动后库存")
    batch = models.CharField("批次", max_length=40, blank=True)
    expires = models.DateField("有效期至", null=True, blank=True)
    at = models.DateTimeField("发生时间")
    reference = models.CharField("单据号", max_length=40, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    actor = models.CharField("经办人", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "库存台账"
        ordering = ["-at", "-id"]
        # A batch's movements read at once (a donated lot's public trace, 收储轮换): only rows with a batch.
        indexes = [models.Index(fields=["batch"], name="stock_movement_batch", condition=~models.Q(batch=""))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.material.name} {self.delta:+d}"


class Equipment(DomainModel):
    scope_organization = "organization"

    name = models.CharField("装备名称", max_length=64)
    kind = models.CharField("装备类型", max_length=40, help_text="如 冲锋舟、发电机、排涝泵车、生命探测仪")
    model_no = models.CharField("型号", max_length=64, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    team = models.ForeignKey(Team, verbose_name="所属队伍", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="equipment")
    warehouse = models.ForeignKey(Warehouse, verbose_name="存放储备库", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="equipment")
    organization = models.ForeignKey(Organization, verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="equipment")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="equipment")
    status = models.CharField("状态", max_length=10, choices=EquipmentStatus.choices, default=EquipmentStatus.READY)
    maintenance_due = models.DateField("下次维保日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "装备"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.quantity}）"


class Shelter(DomainModel, GeoPoint, GeoShape):
    scope_organization = "organization"

    FACILITIES = ["应急供水", "应急供电", "应急厕所", "医疗救护", "物资储备", "应急广播", "消防设施", "指挥管理", "标识标牌",
                  "无障碍设施"]

    name = models.CharField("场所名称", max_length=100, error_messages={"unique": SHELTER_NAME_TAKEN})
    duration_class = models.CharField("类别（按避难时长）", max_length=10, choices=ShelterDuration.choices)
    space = models.CharField("空间类型", max_length=10, choices=ShelterSpace.choices, default=ShelterSpace.OUTDOOR)
    level = models.CharField("层级", max_length=10, choices=WarehouseLevel.choices, default=WarehouseLevel.TOWNSHIP)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="shelters")
    organization = models.ForeignKey(Organization, verbose_name="管理单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="shelters")
    address = models.CharField("地址", max_length=200, blank=True)
    effective_area_m2 = models.PositiveIntegerField("有效避难面积（m²）")
    capacity_people = models.PositiveIntegerField("可容纳人数", editable=False, default=0)
    facilities = models.CharField("配套设施", max_length=300, blank=True,
                                  help_text="逗号分隔：" + "、".join(FACILITIES))
    zones = models.TextField("功能分区", blank=True, help_text="如 宿住区、医疗救护区、物资发放区、指挥管理区")
    manager = models.CharField("负责人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_phone])
    status = models.CharField("状态", max_length=10, choices=ShelterStatus.choices, default=ShelterStatus.IDLE)

    class Meta:
        verbose_name = verbose_name_plural = "避难场所"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(
            fields=["name"], name="shelter_name_unique", violation_error_code="unique",
            violation_error_message=SHELTER_NAME_TAKEN)]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        unknown = [t for t in tags(self.facilities) if t not in self.FACILITIES]
        if unknown:
            raise ValidationError({"facilities": f"未知的设施：{'、'.join(unknown)}；可选：{'、'.join(self.FACILITIES)}"})

    def save(self, *args, **kwargs):
        self.capacity_people = math.floor((self.effective_area_m2 or 0) / M2_PER_PERSON[self.duration_class])
        super().save(*args, **kwargs)


class SocialForceApplication(DomainModel, GeoPoint):
    """A social rescue force's registration (社会应急力量登记), sent from the public form and reviewed
    by the bureau; approval creates the team record. Reviewing is the ``SOCIAL_FORCE_REVIEW`` workflow."""

    name = models.CharField("队伍名称", max_length=100)
    sponsor = models.CharField("登记主体/主管单位", max_length=100, blank=True,
                               help_text="如 民政部门登记的社会组织名称、挂靠单位")
    registration_no = models.CharField("登记证号/统一社会信用代码", max_length=40, blank=True)
    leader = models.CharField("负责人", max_length=32)
    mobile = models.CharField("负责人手机", max_length=11, validators=[validate_mobile])
    members = models.PositiveIntegerField("队员人数")
    capabilities = models.CharField("救援能力", max_length=300, help_text="逗号分隔，如 水域救援、山地搜救、应急救护")
    equipment_summary = models.TextField("主要装备", blank=True)
    base_address = models.CharField("驻地", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="social_force_applications")
    tracking_code = models.CharField("受理编号", max_length=12, unique=True, editable=False)
    client_hash = models.CharField(max_length=64, editable=False, db_index=True)
    state = models.CharField("审核状态", max_length=10, default="submitted", editable=False,
                             choices=list(SOCIAL_FORCE_REVIEW.states.items()))
    team = models.OneToOneField(Team, verbose_name="认定后的队伍", null=True, blank=True, editable=False,
                                on_delete=models.SET_NULL, related_name="application")

    class Meta:
        verbose_name = verbose_name_plural = "社会力量登记"
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def on_transition(self, name, before, after, inputs, actor=None):
        if name == "approve":
            try:
                with transaction.atomic():  # the guard passed, but a namesake may have been approved since
                    self.team = Team.objects.create(
                        name=self.name, kind=TeamKind.SOCIAL, region=self.region, base_address=self.base_address,
                        leader=self.leader, phone=self.mobile, members=self.members, capabilities=self.capabilities,
                        equipment_summary=self.equipment_summary, lon=self.lon, lat=self.lat,
                        notes=f"社会力量登记 {self.tracking_code} 审核认定；登记主体：{self.sponsor or '无'}")
            except IntegrityError:
                raise TransitionError(team_name_taken(self) or "已有同名的救援队伍") from None


class TransferOrder(DomainModel, GeoPoint):
    """调拨单: materials from one warehouse to a place (or another warehouse). Stock leaves the source
    on 出库 and, when the destination is a warehouse, arrives there on 签收 — never on any other step.
    Seen by the destination's region (the receiving township signs for it) and everyone above."""
    scope_organization = "organization"

    number = models.CharField("调拨单号", max_length=20, unique=True, editable=False)
    source = models.ForeignKey(Warehouse, verbose_name="调出储备库", on_delete=models.PROTECT, related_name="orders_out")
    destination_warehouse = models.ForeignKey(Warehouse, verbose_name="调入储备库", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="orders_in",
                                              help_text="调往另一储备库时填写；签收时计入该库库存")
    destination = models.CharField("送达地点", max_length=200, help_text="安置点、受灾村组或调入库的名称和地址")
    region = models.ForeignKey(Region, verbose_name="送达区划", on_delete=models.PROTECT, related_name="transfer_orders",
                               blank=True, help_text="调往储备库时取该库的区划")
    organization = models.ForeignKey(Organization, verbose_name="接收单位", null=True, blank=True, editable=False,
                                     on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField("调拨事由", max_length=200)
    receiver = models.CharField("接收人", max_length=32, blank=True)
    receiver_phone = models.CharField("接收人电话", max_length=20, blank=True, validators=[validate_phone])
    needed_by = models.DateTimeField("要求送达时间", null=True, blank=True)
    travel_minutes = models.PositiveIntegerField("预计在途（分钟）", null=True, blank=True, editable=False)
    plan_note = models.CharField("调度方案", max_length=200, blank=True, editable=False)
    state = models.CharField("状态", max_length=12, default="drafted", editable=False,
                             choices=list(TRANSFER_FLOW.states.items()))

    class Meta:
        verbose_name = verbose_name_plural = "调拨单"
        ordering = ["-created_at"]

    def __str__(self):
        return self.number or "新调拨单"

    def clean(self):
        super().clean()
        if self.destination_warehouse_id:
            if self.destination_warehouse_id == self.source_id:
                raise ValidationError({"destination_warehouse": "调入库不能与调出库相同"})
            self.region_id = self.destination_warehouse.region_id
        elif not self.region_id:
            raise ValidationError({"region": "请填写送达区划，或选择调入储备库"})

    def save(self, *args, **kwargs):
        with transaction.atomic():  # the day's serial is held from numbering until the order is written
            if not self.number:
                self.number = next_order_number()
            if self.destination_warehouse_id:  # a warehouse's own people sign for what it receives
                self.region_id = self.destination_warehouse.region_id
                self.organization_id = self.destination_warehouse.organization_id
            super().save(*args, **kwargs)

    def on_transition(self, name, before, after, inputs, actor=None):
        from yingji.resources import stock

        kind = {"issue": MovementKind.TRANSFER_OUT, "receive": MovementKind.TRANSFER_IN}.get(name)
        if kind is None or (name == "receive" and self.destination_warehouse_id is None):
            return
        warehouse = self.source if name == "issue" else self.destination_warehouse
        for line in self.lines.select_related("material"):
            # The batch travels with the goods (a donated lot keeps its receipt number in the new store).
            stock.move(actor, warehouse, line.material, kind, line.quantity, batch=line.batch,
                       reference=self.number, note=f"{self.purpose}（{self.destination}）")


def next_order_number() -> str:
    """DB + date + a 4-digit serial for the day, e.g. DB20261123-0007 (the day's number sequence)."""
    return numbering.dated_number(TransferOrder, "number", "DB", 4, sep="-")


class TransferLine(ScopedPart):
    scope_parent = "order"

    order = models.ForeignKey(TransferOrder, verbose_name="调拨单", on_delete=models.CASCADE, related_name="lines")
    material = models.ForeignKey(Material, verbose_name="物资", on_delete=models.PROTECT, related_name="transfer_lines")
    quantity = models.PositiveIntegerField("数量")
    batch = models.CharField("批次", max_length=40, blank=True, help_text="指定出库批次时填写")

    class Meta:
        verbose_name = verbose_name_plural = "调拨明细"
        ordering = ["order", "material"]
        constraints = [models.UniqueConstraint(fields=["order", "material", "batch"], name="transfer_line_unique")]

    def __str__(self):
        return f"{self.material.name} × {self.quantity}"

    def clean(self):
        super().clean()
        if self.quantity == 0:
            raise ValidationError({"quantity": "数量应大于 0"})
