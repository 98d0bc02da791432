"""The directory's pages: the home page (the county at a glance, then the apps' panels), the 一张图
map, the public county outline, and one's own account (我的账号, the password page)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse

from yingji.core.directory.api import REGION_ATTRIBUTES
from yingji.core.framework.access import effective_region
from yingji.core.framework.views import home_panels, map_layers
from yingji.core.models import Organization, Person, Region


@login_required
def home(request):
    user = request.user
    regions = Region.objects.for_user(user)
    orgs = Organization.objects.for_user(user)
    by_kind = orgs.values("kind").annotate(n=Count("id")).order_by("-n")
    enterprises = orgs.filter(kind="enterprise").exclude(industry_code="")
    from yingji.core.directory.codes import industry_label

    industries: dict[str, int] = {}
    for code, n in enterprises.values_list("industry_code").annotate(n=Count("id")):
        label = industry_label(code)
        industries[label] = industries.get(label, 0) + n
    top_region = effective_region(user) or regions.filter(level="county").first() or regions.order_by("path").first()
    figures = [
        ("乡镇街道", regions.filter(level="township").count(), "个"),
        ("村社区", regions.filter(level="village").count(), "个"),
        ("企业", orgs.filter(kind="enterprise").count(), "家"),
        ("通讯录", Person.objects.for_user(user).count(), "人"),
    ]
    from yingji.core.directory.choices import OrganizationKind

    return render(request, "home.html", {
        "panels": home_panels(request),
        "figures": figures, "top_region": top_region, "map_level": map_level_for(user),
        "industries": sorted(industries.items(), key=lambda kv: -kv[1])[:10],
        "kinds": [(OrganizationKind(k["kind"]).label, k["n"]) for k in by_kind],
        "recent": LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:8]
        if user.is_staff else [],
    })


def map_level_for(user) -> str:
    """The level one below the user's own region: a county sees townships, a township villages."""
    region = effective_region(user) or Region.objects.filter(level="county").first()
    return {"province": "city", "city": "county", "county": "township"}.get(region.level if region else "", "village")


# Not an operation: the 一张图 page, it reads.
@login_required
def map_view(request):
    return render(request, "map.html", {"attributes": REGION_ATTRIBUTES, "map_level": map_level_for(request.user),
                                        "layers": map_layers(request.user),
                                        "levels": [("township", "乡镇街道"), ("village", "村社区"),
                                                   ("county", "县（市、区）")]})


# Not an operation: a public map layer (no login), it reads.
def public_boundary(request):
    """The county outline for public pages (no login): the only geometry the public map needs."""
    from django.http import JsonResponse

    county = Region.objects.filter(level="county").exclude(geometry__isnull=True).order_by("code").first()
    return JsonResponse({"type": "Feature", "geometry": county.geometry if county else None,
                         "properties": {"name": county.name if county else ""}})


# ---- one's own account -------------------------------------------------------------------------------

# Not an operation: the signed-in user's own page, it reads.
@login_required
def my_account(request):
    """What the signed-in user can see and do, in plain words, and where to change the password."""
    from yingji.core.directory import accounts

    return render(request, "account/mine.html", {"account": request.user, "summary": accounts.summary(request.user)})


class PasswordForm(auth_forms.PasswordChangeForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if user.must_change_password:
            self.fields["old_password"].label = "一次性密码"
            self.fields["old_password"].help_text = "管理员给您的一次性密码（刚才登录时输入的）"
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control form-control-lg")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Not an operation: a person sets their own password (the old one, or the one-time one, first),
    under the platform's password rules; a one-time password is then done with."""

    template_name = "account/password.html"
    form_class = PasswordForm

    def get_success_url(self):
        return reverse("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        messages.success(self.request, "密码已修改")
        return response

    def get_context_data(self, **kwargs):
        from django.contrib.auth.password_validation import password_validators_help_texts

        return super().get_context_data(**kwargs, rules=password_validators_help_texts(),
                                        first_time=self.request.user.must_change_password)
