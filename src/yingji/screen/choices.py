from django.db import models


class Relation(models.TextChoices):
    SECONDARY = "secondary", "次生"  # caused by the first (暴雨 → 滑坡)
    DERIVED = "derived", "衍生"  # followed from the response or its consequences (滑坡 → 道路中断 → 交通事故)
