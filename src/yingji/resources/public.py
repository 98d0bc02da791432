"""Social rescue forces register themselves (社会应急力量自主登记): a public form, no login, with the
shared public-form gate (core/directory/public_forms.py) and its own per-client and global limits, a
受理编号 to look the review up by, and the bureau's review as a declared workflow."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core.directory.public_forms import Refused, check_gate, check_uploads, client_hash, locate, tracking_code
from yingji.core.framework import services
from yingji.resources.models import SocialForceApplication

PER_CLIENT_PER_DAY = 3
ALL_CLIENTS_PER_HOUR = 50
DOCUMENT_TYPES = ["jpg", "jpeg", "png", "webp", "pdf"]

PROGRESS = {"submitted": "已受理，等待应急管理部门审核", "approved": "审核通过，已纳入本地应急救援力量库",
            "rejected": "未通过审核，请留意电话通知或与应急管理局联系"}


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = SocialForceApplication
        fields = ["name", "sponsor", "registration_no", "leader", "mobile", "members", "capabilities",
                  "equipment_summary", "base_address"]
        widgets = {"equipment_summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control")
            if name == "mobile":
                field.widget.input_type = "tel"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if SocialForceApplication.objects.filter(name=name, state="submitted").exists():
            raise ValidationError("该队伍已提交登记，正在审核中，请勿重复提交")
        return name


def submit(form: ApplicationForm, *, ip: str, token: str, honeypot: str, lon, lat, documents) -> SocialForceApplication:
    """Store a valid registration; ``Refused`` says why one is not accepted."""
    check_gate(honeypot, token)
    check_uploads(documents, DOCUMENT_TYPES, 5, "证明材料")
    client = client_hash(ip)
    now = timezone.now()
    if SocialForceApplication.objects.filter(client_hash=client,
                                             created_at__gte=now - datetime.timedelta(days=1)).count() >= PER_CLIENT_PER_DAY:
        raise Refused("您今天提交得太多了，请明天再试")
    if SocialForceApplication.objects.filter(created_at__gte=now - datetime.timedelta(hours=1)).count() >= ALL_CLIENTS_PER_HOUR:
        raise Refused("系统繁忙，请稍后再试")
    if lon is None or lat is None:
        raise Refused("请在地图上点选队伍驻地")
    region = locate(lon, lat)
    with transaction.atomic():
        application = form.save(commit=False)
        application.region, application.lon, application.lat, application.client_hash = region, lon, lat, client
        application.tracking_code = tracking_code()
        application.full_clean()
        application.save()
        for doc in documents:
            services.attach_file(None, application, doc, "登记证明材料", public=True)
    return application


def progress(code: str) -> dict | None:
    app = SocialForceApplication.objects.filter(tracking_code=code.strip().upper()).first()
    if app is None:
        return None
    return {"code": app.tracking_code, "name": app.name, "received_at": app.created_at, "progress": PROGRESS[app.state]}
