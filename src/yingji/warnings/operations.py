"""The warnings actions, declared once each (core/framework/operations.py), each a page action and an
API endpoint in the OpenAPI schema with the same checks and located errors:

- 导入 CAP 预警 (POST /api/warnings/import-cap/, multipart): an outside CAP 1.2 message becomes an
  external warning (外部预警) of the user's region, kept whole, waiting for review;
- 转发 (POST /api/cap-messages/<id>/reissue/): a reviewed external warning becomes a local 拟稿 warning;
- 不转发 (POST /api/cap-messages/<id>/dismiss/): reviewed, not re-issued, with the reason;
- 立即拉取 (POST /api/cap-feeds/<id>/poll/): poll a subscribed feed now (the job does it periodically).
"""

from __future__ import annotations

from django import forms
from django.urls import reverse

from yingji.core.framework import operations
from yingji.core.framework.operations import Operation, OperationForm
from yingji.warnings import exchange, feeds
from yingji.warnings.models import EVENT_CHOICES, LEVELS


class CapImportForm(OperationForm):
    file = forms.FileField(label="CAP 文件（.xml）", error_messages={"required": "请选择 CAP 文件（.xml）"},
                           help_text="上级或气象、水利等部门发来的 OASIS CAP 1.2 预警消息",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xml,.cap,application/xml,application/cap+xml"}))


def import_cap(user, *, file):
    """Check the message against the official schema and keep it whole as an external warning of the
    user's region, for review; every refusal is located on the file (the schema's line and rule)."""
    return exchange.import_file(user, file.read())


class ReissueForm(OperationForm):
    level = forms.ChoiceField(label="预警级别", choices=LEVELS, required=False,
                              help_text="默认取消息自带的级别，否则按“CAP 颜色规则”；可按本地情况调整")
    event_type = forms.ChoiceField(label="预警类别", choices=EVENT_CHOICES, initial="other", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.record is not None and self.record.level:
            self.fields["level"].initial = self.record.level


def _reissue(user, record, *, level, event_type):
    return exchange.reissue(user, record, level=level, event_type=event_type or "other")


def _reissue_message(w) -> str:
    notice = getattr(w, "reissue_notice", "")
    return f"已生成拟稿预警 {w.code}，请核对后提交审核" + (f"。注意：{notice}" if notice else "")


class DismissForm(OperationForm):
    comment = forms.CharField(label="不转发的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": "请填写不转发的理由"})


def _dismiss(user, record, *, comment):
    return exchange.dismiss(user, record, comment=comment)


def _poll(user, record):
    return feeds.poll(record)


operations.register(
    Operation("warnings", "import-cap", "导入 CAP 预警", import_cap, form=CapImportForm, detail=False, permission="add",
              template="warnings/cap_import.html",
              summary="上传 OASIS CAP 1.2 预警消息（multipart，字段 file）：按官方 XSD 校验，通过的完整保存为一条“外部预警”"
                      "待复核（可转发为本地预警）；不符合规范或已导入过时 400，file 字段说明原因",
              message=lambda m: f"已导入外部预警：{m.headline or m.event}（{m.get_status_display()}，"
                                f"{m.get_msg_type_display()}），请复核后转发",
              next_url=lambda record, m: reverse("registry_detail", args=["cap-messages", m.pk]),
              result=lambda m: {"sender": m.sender, "identifier": m.identifier, "sent": m.sent_text,
                                "status": m.status, "msg_type": m.msg_type, "state": m.state, "review": m.review,
                                "level": m.level, "url": reverse("registry_detail", args=["cap-messages", m.pk])}),
    Operation("cap-messages", "reissue", "转发为本地预警", _reissue, form=ReissueForm, permission="warnings.add_warning",
              record_button=True, offered=lambda m: exchange.reissue_refusal(m) is None,
              summary="复核后把外部预警转发为本地“拟稿”预警（内容、时间、区域取自原消息；原消息的更新成为本地预警的更新）；"
                      "测试、系统、草稿消息，非预警消息，已转发、已解除或已被更新的消息返回 409 并说明原因",
              message=_reissue_message,
              next_url=lambda record, w: reverse("registry_detail", args=["warnings", w.pk]),
              result=lambda w: {"code": w.code, "state": w.state, "level": w.level, "title": w.title,
                                "notice": getattr(w, "reissue_notice", ""),
                                "url": reverse("registry_detail", args=["warnings", w.pk])}),
    Operation("cap-messages", "dismiss", "不转发", _dismiss, form=DismissForm, permission="warnings.add_warning",
              record_button=True,
              offered=lambda m: m.review == "pending",
              summary="复核后决定不转发该外部预警（须写理由）；非待复核状态返回 409",
              message=lambda m: "已标记为不转发"),
    Operation("cap-feeds", "poll", "立即拉取", _poll, permission="change", record_button=True,
              summary="立即拉取该订阅源（定时任务 warnings-feeds 也会定期拉取）：按发送方+标识+发送时间去重",
              message=lambda c: f"拉取完成：新 {c['new']}，已有 {c['seen']}，失败 {c['failed']}",
              result=lambda c: dict(c)),
)
