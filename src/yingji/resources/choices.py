"""Choices of the resources registries, defined once."""

from django.db import models


class TeamKind(models.TextChoices):
    FIRE_RESCUE = "fire_rescue", "综合性消防救援"
    HAZMAT = "hazmat", "危化品救援"
    MINE = "mine", "矿山救援"
    FOREST_FIRE = "forest_fire", "森林消防"
    FLOOD = "flood", "防汛抢险"
    WATER = "water", "水上救援"
    POWER = "power", "电力抢修"
    TELECOM = "telecom", "通信保障"
    MEDICAL = "medical", "医疗救护"
    ENTERPRISE = "enterprise", "企业专职"
    SOCIAL = "social", "社会应急力量"
    GRASSROOTS = "grassroots", "基层“一队多用”"


class Readiness(models.TextChoices):
    STANDBY = "standby", "待命"
    DEPLOYED = "deployed", "出动"
    RESTING = "resting", "休整"


class Specialty(models.TextChoices):
    HAZMAT = "hazmat", "危化"
    MINE = "mine", "矿山"
    GEOLOGY = "geology", "地质"
    WATER = "water", "水利"
    WEATHER = "weather", "气象"
    FIRE = "fire", "消防"
    MEDICAL = "medical", "医疗"
    STRUCTURE = "structure", "结构"
    FOREST = "forest", "森林防火"
    FIREWORKS = "fireworks", "烟花爆竹"


class WarehouseLevel(models.TextChoices):
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇街道级"
    VILLAGE = "village", "村社区级"


class ReserveKind(models.TextChoices):
    PHYSICAL = "physical", "实物储备"
    AGREEMENT = "agreement", "协议储备"
    CAPACITY = "capacity", "产能储备"


class MovementKind(models.TextChoices):
    RECEIVE = "receive", "入库"
    ISSUE = "issue", "出库"
    TRANSFER_OUT = "transfer_out", "调拨出库"
    TRANSFER_IN = "transfer_in", "调拨入库"
    COUNT = "count", "盘点"
    SCRAP = "scrap", "报废"


class EquipmentStatus(models.TextChoices):
    READY = "ready", "完好"
    IN_USE = "in_use", "使用中"
    REPAIR = "repair", "维修中"
    SCRAPPED = "scrapped", "报废"


class ShelterDuration(models.TextChoices):
    """GB/T 44013-2024 应急避难场所 分级及分类: classes by how long people can stay."""
    EMERGENCY = "emergency", "紧急避难场所"
    SHORT = "short", "短期避难场所"
    MEDIUM = "medium", "中期避难场所"
    LONG = "long", "长期避难场所"


class ShelterSpace(models.TextChoices):
    OUTDOOR = "outdoor", "室外"
    INDOOR = "indoor", "室内"
    MIXED = "mixed", "室内外结合"


class ShelterStatus(models.TextChoices):
    IDLE = "idle", "待用"
    OPEN = "open", "开放"
    FULL = "full", "满员"
    CLOSED = "closed", "关闭"
