"""Monitoring points and sensors; each sensor carries its alarm-rule settings for rules.py."""

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.models import DomainModel, GeoPoint, Organization, Region, ScopedPart

QUANTITIES = {  # quantity -> (label, unit)
    "combustible_gas": ("可燃气体", "%LEL"), "toxic_gas": ("有毒气体", "ppm"), "temperature": ("温度", "℃"),
    "pressure": ("压力", "MPa"), "liquid_level": ("液位", "m"), "water_level": ("水位", "m"),
    "rainfall": ("雨量", "mm"), "displacement": ("位移", "mm"), "wind_speed": ("风速", "m/s"),
}


class MonitoringPoint(DomainModel, GeoPoint):
    scope_organization = "organization"

    KINDS = [("enterprise", "企业"), ("hazard_source", "重大危险源"), ("risk_point", "风险点"), ("reservoir", "水库"),
             ("slope", "边坡/地质灾害点"), ("river", "河道断面"), ("gas_network", "燃气管网节点"), ("bridge", "桥梁"),
             ("other", "其他")]

    name = models.CharField("监测点名称", max_length=100)
    kind = models.CharField("监测对象类型", max_length=16, choices=KINDS)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="monitoring_points")
    hazard_source = models.ForeignKey("risk.HazardSource", verbose_name="重大危险源", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="monitoring_points")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="monitoring_points")
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测点"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sensor(ScopedPart):
    scope_parent = "point"

    STATUSES = [("online", "在线"), ("offline", "离线"), ("fault", "故障"), ("disabled", "停用")]

    device_id = models.CharField("设备编号", max_length=64, unique=True)
    name = models.CharField("传感器名称", max_length=100)
    point = models.ForeignKey(MonitoringPoint, verbose_name="监测点", on_delete=models.CASCADE, related_name="sensors")
    quantity = models.CharField("监测量", max_length=20,
                                choices=[(k, f"{label}（{unit}）") for k, (label, unit) in QUANTITIES.items()])
    interval_s = models.PositiveIntegerField("上报周期（秒）", default=60)
    range_min = models.FloatField("量程下限", null=True, blank=True,
                                  help_text="仪表量程的下限；超出量程的读数拒收（记入拒收数据）")
    range_max = models.FloatField("量程上限", null=True, blank=True, help_text="仪表量程的上限，如可燃气体 100 %LEL")
    status = models.CharField("状态", max_length=10, choices=STATUSES, default="online", db_index=True)
    rising = models.BooleanField("超上限报警", default=True, help_text="勾选：数值升高报警（如气体浓度）；不勾选：数值降低报警")
    level1 = models.FloatField("一级阈值（最轻）", null=True, blank=True)
    level2 = models.FloatField("二级阈值", null=True, blank=True)
    level3 = models.FloatField("三级阈值", null=True, blank=True)
    level4 = models.FloatField("四级阈值（最重）", null=True, blank=True)
    deadband = models.FloatField("回差（消警死区）", default=0, help_text="数值回落超过阈值减回差才消警，防止报警抖动")
    min_duration_s = models.PositiveIntegerField("持续时间（秒）", default=0, help_text="超过阈值持续多久才报警")
    max_rate_per_min = models.FloatField("变化速率上限（每分钟）", null=True, blank=True)
    # Rule-engine state, carried between ingest batches and shared by every ingest worker.
    last_seen = models.DateTimeField("最近上报", null=True, blank=True, editable=False)
    last_value = models.FloatField("最新数值", null=True, blank=True, editable=False)
    rule_level = models.PositiveSmallIntegerField("当前报警级别", default=0, editable=False)
    rule_pending_level = models.PositiveSmallIntegerField(default=0, editable=False)
    rule_pending_since = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "传感器"
        ordering = ["device_id"]
        permissions = [("report_readings", "上报监测数据")]

    def __str__(self):
        return f"{self.name}（{self.device_id}）"

    @property
    def unit(self) -> str:
        return QUANTITIES.get(self.quantity, ("", ""))[1]

    def thresholds(self) -> list[float]:
        levels = [self.level1, self.level2, self.level3, self.level4]
        if any(v is None for v in levels[: len([x for x in levels if x is not None])]):
            raise ValidationError({"level1": "阈值须从一级开始依次填写，不能跳级"})
        return [v for v in levels if v is not None]

    def rule(self) -> dict:
        """This sensor's settings for monitoring.rules.RuleSet.build."""
        return {"thresholds": self.thresholds(), "rising": self.rising, "deadband": self.deadband,
                "min_duration_s": self.min_duration_s, "max_rate_per_min": self.max_rate_per_min,
                "interval_s": self.interval_s}


    def clean(self):
        super().clean()
        from yingji.monitoring.rules import RuleSet

        try:
            RuleSet.build([self.rule()])
        except ValueError as exc:
            raise ValidationError({"level2": str(exc).replace("传感器 0 的", "")}) from exc
        if self.deadband < 0:
            raise ValidationError({"deadband": "回差不能为负数"})
        if self.range_min is not None and self.range_max is not None and self.range_min >= self.range_max:
            raise ValidationError({"range_max": "量程上限须大于量程下限"})
        outside = [v for v in self.thresholds()
                   if (self.range_min is not None and v < self.range_min) or (self.range_max is not None and v > self.range_max)]
        if outside:
            raise ValidationError({"range_max": f"报警阈值 {outside[0]:g} 不在量程内：超出量程的读数会被拒收，"
                                                "该级报警永远不会触发"})


class Alarm(ScopedPart):
    """One open alarm per (sensor, kind) at a time: repeats update it (count, peak, last value)."""

    scope_parent = "sensor"

    KINDS = [("threshold", "超限报警"), ("rate", "变化速率报警"), ("offline", "离线报警")]
    STATES = [("raised", "报警"), ("acknowledged", "已确认"), ("handling", "处置中"), ("cleared", "已消警")]
    CAUSES = [("real", "真实报警"), ("false", "误报"), ("device_fault", "设备故障"), ("test", "测试")]
    ESCALATION = ["企业", "乡镇街道", "县级"]

    sensor = models.ForeignKey(Sensor, verbose_name="传感器", on_delete=models.CASCADE, related_name="alarms")
    kind = models.CharField("报警类型", max_length=10, choices=KINDS, editable=False)
    level = models.PositiveSmallIntegerField("报警级别", default=1, editable=False)
    state = models.CharField("状态", max_length=12, choices=STATES, default="raised", db_index=True, editable=False)
    opened_at = models.DateTimeField("报警时间", editable=False)
    last_at = models.DateTimeField("最近一次", editable=False)
    count = models.PositiveIntegerField("报警次数", default=1, editable=False)
    first_value = models.FloatField("首次数值", null=True, editable=False)
    peak_value = models.FloatField("峰值", null=True, editable=False)
    last_value = models.FloatField("最新数值", null=True, editable=False)
    recovered_at = models.DateTimeField("恢复正常时间", null=True, blank=True, editable=False)
    escalation = models.PositiveSmallIntegerField("报警通知范围", default=0, editable=False,
                                                  choices=[(0, "企业"), (1, "已升级至乡镇街道"), (2, "已升级至县级")])
    measures = models.TextField("处置措施", blank=True)
    cause = models.CharField("报警原因", max_length=14, choices=CAUSES, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报警"
        ordering = ["-last_at"]
        constraints = [models.UniqueConstraint(fields=["sensor", "kind"], condition=~models.Q(state="cleared"),
                                               name="one_open_alarm_per_sensor_kind")]

    def __str__(self):
        return f"{self.sensor.name} {self.get_kind_display()} {self.level}级"


class Reading(models.Model):
    """One measured value. Primary key (sensor, ts) makes a repeated reading a no-op; on PostgreSQL
    the table is partitioned by month of ``ts`` (see storage.py), so retention drops whole months."""

    pk = models.CompositePrimaryKey("sensor_id", "ts")
    sensor = models.ForeignKey(Sensor, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    ts = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        verbose_name = verbose_name_plural = "监测数据"

    def __str__(self):
        return f"{self.sensor_id}@{self.ts:%Y-%m-%d %H:%M:%S}={self.value}"


class ReadingAggregate(models.Model):
    """Per sensor and time bucket: count, sum, min, max — what charts draw over long spans."""

    sensor = models.ForeignKey(Sensor, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    bucket = models.DateTimeField()
    n = models.PositiveIntegerField()
    total = models.FloatField()
    vmin = models.FloatField()
    vmax = models.FloatField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.sensor_id}@{self.bucket:%Y-%m-%d %H:%M} n={self.n}"

    @property
    def mean(self) -> float:
        return self.total / self.n


class ReadingMinute(ReadingAggregate):
    pk = models.CompositePrimaryKey("sensor_id", "bucket")

    class Meta:
        verbose_name = verbose_name_plural = "监测数据分钟汇总"


class ReadingHour(ReadingAggregate):
    pk = models.CompositePrimaryKey("sensor_id", "bucket")

    class Meta:
        verbose_name = verbose_name_plural = "监测数据小时汇总"


class DeadLetter(models.Model):
    """A payload or reading the ingest refused, kept with its reason for inspection."""

    received_at = models.DateTimeField("接收时间", auto_now_add=True, db_index=True)
    source = models.CharField("来源", max_length=200)
    reason = models.CharField("原因", max_length=16, db_index=True)
    detail = models.CharField("说明", max_length=300)
    device_id = models.CharField("设备编号", max_length=64, blank=True)
    payload = models.TextField("原始数据", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "拒收数据"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.reason}: {self.detail}"

    @property
    def reason_label(self) -> str:
        from yingji.monitoring.payload import REASONS

        return REASONS.get(self.reason, self.reason)
