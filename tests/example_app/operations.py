"""The example app's one action, declared as every app declares its actions: 记录测压 (record a
pressure test on a hydrant) — its page, API endpoint, schema entry and checks come from this alone."""

from decimal import Decimal

from django import forms

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm


class PressureForm(OperationForm):
    pressure_mpa = forms.DecimalField(label="实测静水压力（MPa）", min_value=Decimal("0"), max_value=Decimal("2"),
                                      max_digits=4, decimal_places=2)


def record_pressure(user, hydrant, *, pressure_mpa):
    from yingji.core.framework.services import save_instance

    hydrant.pressure_mpa = pressure_mpa
    return save_instance(user, hydrant)


operations.register(Operation("hydrants", "record-pressure", "记录测压", record_pressure, form=PressureForm,
                              summary="记录消防栓实测静水压力", message=lambda h: f"已记录{h.name}压力 {h.pressure_mpa} MPa"))
