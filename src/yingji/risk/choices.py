from django.db import models

from yingji.risk.scoring import LEVEL_LABELS


class RiskPointKind(models.TextChoices):
    EQUIPMENT = "equipment", "设备设施"
    ACTIVITY = "activity", "作业活动"
    AREA = "area", "场所区域"


class HazardFactor(models.TextChoices):  # GB/T 13861-2022 生产过程危险和有害因素分类与代码, 大类
    HUMAN = "human", "人的因素"
    MATERIAL = "material", "物的因素"
    ENVIRONMENT = "environment", "环境因素"
    MANAGEMENT = "management", "管理因素"


class Method(models.TextChoices):
    LEC = "lec", "作业条件危险性分析法（LEC）"
    MATRIX = "matrix", "风险矩阵法（L×S）"


class Level(models.TextChoices):
    MAJOR = "major", LEVEL_LABELS["major"]
    HIGH = "high", LEVEL_LABELS["high"]
    MODERATE = "moderate", LEVEL_LABELS["moderate"]
    LOW = "low", LEVEL_LABELS["low"]


# GB 6441-1986 企业职工伤亡事故分类: the 20 accident types.
ACCIDENT_TYPES = ("物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌",
                  "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其它爆炸", "中毒和窒息",
                  "其它伤害")
