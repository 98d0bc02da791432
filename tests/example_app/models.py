from django.db import models

from yingji.core.models import DomainModel, GeoPoint, Region


class Hydrant(DomainModel, GeoPoint):
    code = models.CharField("编号", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="hydrants")
    pressure_mpa = models.DecimalField("静水压力（MPa）", max_digits=4, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消防栓"
        ordering = ["code"]

    def __str__(self):
        return self.name
