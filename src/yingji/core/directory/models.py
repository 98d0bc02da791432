"""The directory: regions (the administrative tree), organizations, the address book and accounts.

Each is a DomainModel of the framework (core/framework/models.py); the scope of every record in the
platform is a region subtree and/or one organization of this directory.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingji.core.directory import codes
from yingji.core.directory.choices import ContactRole, EnterpriseScale, OrganizationKind, RegionLevel
from yingji.core.directory.validators import validate_credit_code, validate_industry_code
from yingji.core.framework.models import DomainModel, GeoPoint, GeoShape, ScopedQuerySet
from yingji.core.framework.validators import validate_mobile, validate_phone


class Region(DomainModel, GeoShape):
    scope_region = "self"

    code = models.CharField("区划代码", max_length=12, unique=True,
                            help_text="县级及以上 6 位（GB/T 2260），乡镇街道 9 位、村社区 12 位（统计用区划代码）")
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField("层级路径", max_length=100, db_index=True, editable=False)
    population = models.PositiveIntegerField("常住人口（人）", null=True, blank=True)
    area_km2 = models.DecimalField("面积（km²）", max_digits=10, decimal_places=2, null=True, blank=True)
    gdp_cny = models.DecimalField("地区生产总值（元）", max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = None
        if self.pk:
            old_path = Region.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:  # moved: carry the subtree along
            for child in Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).order_by("path"):
                child.path = child.compute_path()
                Region.objects.filter(pk=child.pk).update(path=child.path)

    def clean(self):
        super().clean()
        if not self.code or not self.level:
            return
        error = codes.region_code_error(self.code, self.level)
        if error:
            raise ValidationError({"code": error})
        parent = self.parent if self.parent_id else None
        error = codes.region_parent_error(self.code, self.level, parent and parent.code, parent and parent.level)
        if error:
            raise ValidationError({"parent": error})

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent else ''}{self.code}/"

    @property
    def population_density(self):
        if self.population and self.area_km2:
            return round(self.population / float(self.area_km2), 1)
        return None


class Organization(DomainModel, GeoPoint):
    scope_organization = "self"

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True,
                                   validators=[validate_credit_code])
    name = models.CharField("单位名称", max_length=128, db_index=True)
    kind = models.CharField("单位类型", max_length=12, choices=OrganizationKind.choices,
                            default=OrganizationKind.ENTERPRISE, db_index=True)
    industry_code = models.CharField("行业代码（GB/T 4754）", max_length=5, blank=True,
                                     validators=[validate_industry_code], db_index=True)
    scale = models.CharField("企业规模", max_length=8, choices=EnterpriseScale.choices, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT,
                               related_name="organizations")
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=32, blank=True)
    safety_manager = models.CharField("安全负责人", max_length=32, blank=True)
    safety_manager_phone = models.CharField("安全负责人电话", max_length=20, blank=True,
                                            validators=[validate_phone])
    phone = models.CharField("单位电话", max_length=20, blank=True, validators=[validate_phone])
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def records_reach_path(self) -> str:
        """The region path this organization's records (teams, warehouses, people) may lie under: its own
        region's line, or for a government department the whole county (or higher level) it serves: a
        county fire brigade seated in one community has stations in every township."""
        if self.kind != OrganizationKind.GOVERNMENT:
            return self.region.path
        segments = [code for code in self.region.path.split("/") if code]
        return "".join(f"{code}/" for code in segments if len(code) <= 6) or self.region.path

    @property
    def industry_label(self):
        return codes.industry_label(self.industry_code)


class Person(DomainModel):
    scope_organization = "organization"

    name = models.CharField("姓名", max_length=32, db_index=True)
    mobile = models.CharField("手机", max_length=11, validators=[validate_mobile], db_index=True)
    office_phone = models.CharField("办公电话", max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField("电子邮箱", blank=True)
    title = models.CharField("职务", max_length=64, blank=True)
    contact_role = models.CharField("通讯录角色", max_length=24, choices=ContactRole.choices,
                                    default=ContactRole.OTHER, db_index=True)
    organization = models.ForeignKey(Organization, verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="people")
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="people")
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员通讯录"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "mobile"], name="person_name_mobile_unique")]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class AccountManager(UserManager.from_queryset(ScopedQuerySet)):
    """Django's user manager, with ``for_user`` (the accounts in a user's scope, access.py)."""


class User(AbstractUser):
    """An account: roles are its groups; its scope is a region subtree and/or one organization."""

    # Django's own columns, named in Chinese wherever they are read (pages, import templates, the
    # history), whether or not a translation is active (a command, a worker): Django's names are English.
    username = models.CharField("用户名", max_length=150, unique=True,
                                help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
                                validators=[UnicodeUsernameValidator()],
                                error_messages={"unique": _("A user with that username already exists.")})
    email = models.EmailField("电子邮件地址", blank=True)
    last_login = models.DateTimeField("上次登录", blank=True, null=True)
    first_name = models.CharField("姓名", max_length=150, blank=True)
    is_active = models.BooleanField("启用", default=True,
                                    help_text="停用的账号不能登录；停用而不是删除，变更历史仍指向它")
    groups = models.ManyToManyField(Group, verbose_name="角色", blank=True, related_name="user_set",
                                    related_query_name="user",
                                    help_text="角色决定能做什么（可多选）；管辖区划和所属单位决定能看到哪些数据")
    phone = models.CharField("手机", max_length=20, blank=True)
    scope_region = models.ForeignKey(Region, verbose_name="管辖区划", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text="可见该区划及其全部下级的数据")
    scope_organization = models.ForeignKey(Organization, verbose_name="所属单位（单位范围）", null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+",
                                           help_text="设置后只可见本单位的数据（企业用户、社会力量）")
    person = models.ForeignKey(Person, verbose_name="通讯录人员", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="accounts", help_text="此账号的使用人在人员通讯录中的记录（选填）")
    must_change_password = models.BooleanField("须修改密码", default=False, editable=False,
                                               help_text="使用一次性密码登录后，须先设置自己的密码")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AccountManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def clean(self):
        super().clean()
        if self.scope_region_id and self.scope_organization_id:
            org_region = self.scope_organization.region
            if not org_region.path.startswith(self.scope_region.path):
                raise ValidationError({"scope_organization": f"所属单位在{org_region}，不在管辖区划“{self.scope_region}”之内"})

    def has_perm(self, perm, obj=None):
        # Primed by who.prime: the answer AccountBackend (a ModelBackend) gives from the same set, without
        # Django loading each backend by its import path on each of the ~250 checks a page makes (issue 16).
        primed = self.__dict__.get("_perm_cache")
        if obj is None and primed is not None and primed is self.__dict__.get("_yingji_primed"):
            return self.is_active and (self.is_superuser or perm in primed)
        return super().has_perm(perm, obj)

    def __str__(self):  # pick lists, related names and history show the person, not the login name
        return self.display_name

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @property
    def role_names(self):
        from yingji.core.framework.roles import all_roles, holds

        held = holds(self)  # read once per request (who.py); superusers hold 系统管理员
        return [role.label for name, role in all_roles().items() if name in held]
