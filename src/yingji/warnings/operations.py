"""The warnings actions, declared once each (core/framework/operations.py): 导入 CAP 预警 (an outside CAP 1.2
message becomes a draft warning). A page action (/warnings/import-cap/) and an API endpoint
(POST /api/warnings/import-cap/, multipart) with the same checks, parsing and located errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from yingji.core.framework import operations, services
from yingji.core.framework.operations import Operation, OperationForm
from yingji.core.models import Region
from yingji.warnings import cap
from yingji.warnings.models import Warning


class CapImportForm(OperationForm):
    file = forms.FileField(label="CAP 文件（.xml）", error_messages={"required": "请选择 CAP 文件（.xml）"},
                           help_text="上级或气象、水利等部门发来的 OASIS CAP 1.2 预警消息",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xml,.cap,application/xml,application/cap+xml"}))


def import_cap(user, *, file):
    """Parse and check the message against the official schema; a valid one becomes a 拟稿 warning of
    the user's region for review. Every refusal is located on the file: the schema's line and rule,
    or the warning field the message's content breaks."""
    try:
        fields = cap.from_cap(file.read())
    except (cap.CapError, ValueError) as exc:  # ValueError: a time the schema lets through but ISO 8601 does not
        raise ValidationError({"file": str(exc)}) from exc
    known = list(Region.objects.filter(code__in=fields["regions"]).values_list("code", flat=True))
    home = user.scope_region or Region.objects.filter(level="county").order_by("path").first()
    warning = Warning(event_type="other", level=fields["level"], title=fields["title"][:120] or "外部预警",
                      content=fields["content"] or fields["area_desc"], measures=fields["measures"],
                      effective=fields["effective"], expires=fields["expires"], region=home,
                      target_regions=",".join(known), area=fields["area"], source="cap",
                      forecast=f"外部 CAP 消息 {fields['cap_sender']} {fields['cap_identifier']}（{fields['event']}）")
    warning.cap_sender = fields["cap_sender"]
    try:
        return services.save_instance(user, warning)
    except ValidationError as exc:  # the message's content, by the warning field it would fill
        labels = {f.name: str(f.verbose_name) for f in Warning._meta.fields}
        raise ValidationError({"file": [f"{labels.get(name, name)}：{m}" for name, messages in exc.message_dict.items()
                                        for m in messages]}) from exc


operations.register(
    Operation("warnings", "import-cap", "导入 CAP 预警", import_cap, form=CapImportForm, detail=False, permission="add",
              template="warnings/cap_import.html",
              summary="上传 OASIS CAP 1.2 预警消息（multipart，字段 file）：按官方 XSD 校验，通过的生成一条“拟稿”预警待审核；"
                      "不符合规范时 400，file 字段说明第几行、违反哪条规则",
              message=lambda w: f"已导入为拟稿预警 {w.code}，请核对后提交审核",
              next_url=lambda record, w: reverse("registry_detail", args=["warnings", w.pk]),
              result=lambda w: {"code": w.code, "state": w.state, "level": w.level, "title": w.title,
                                "url": reverse("registry_detail", args=["warnings", w.pk])}),
)
