"""The one access-control mechanism.

What a user may *do* comes from their roles (Django groups holding model permissions, declared in
roles.py). What a user may *see and touch* is their scope: a region subtree and/or one
organization. ``restrict`` applies the scope to any queryset of a DomainModel (or of accounts);
lists, details, edits, API, exports, map layers, imports and every related-record choice (form and
filter fields, their widgets, API relation fields) all go through it, so an out-of-scope record is
simply not found (HTTP 404, or the same "does not exist" error as a key nobody has).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from rest_framework.permissions import DjangoModelPermissions

from yingji.core.framework.roles import ADMIN, holds


def has_global_scope(user) -> bool:
    """Superusers, and administrators given no region or organization, see everything."""
    cached = getattr(user, "_yingji_global_scope", None)
    if cached is None:
        cached = bool(user.is_superuser or (not user.scope_region_id and not user.scope_organization_id
                                            and ADMIN in holds(user)))
        user._yingji_global_scope = cached
    return cached


def effective_region(user):
    """The region subtree a user sees: their own, else their organization's region."""
    if user.scope_region_id:
        return user.scope_region
    if user.scope_organization_id:
        return user.scope_organization.region
    return None


def _field(model, kind: str) -> str | None:
    if _is_account(model):
        return f"scope_{kind}"  # an account's own scope fields (the account's scope is where it lies)
    return getattr(model, f"scope_{kind}", None)


def scope_fields(model) -> tuple[str | None, str | None]:
    """(region field, organization field) where ``model``'s records keep their owning region and
    organization: a DomainModel's declaration, or an account's own scope fields."""
    return _field(model, "region"), _field(model, "organization")


def scope_q(model, user) -> Q | None:
    """The filter for ``user`` on ``model``; None means everything, Q(pk__in=[]) nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if has_global_scope(user):
        return None
    region = effective_region(user)
    if region is None:
        return Q(pk__in=[])
    if _is_account(model):
        return _accounts_q(user, region)
    region_field = _field(model, "region")
    path_lookup = "path__startswith" if region_field == "self" else f"{region_field}__path__startswith"
    condition = Q(**{path_lookup: region.path})
    if getattr(model, "scope_shared_down", False):
        # Reference data (the materials catalogue) that a region shares with every unit under it:
        # also visible to users below its owner. Changing it still needs the owner's scope (in_scope).
        path_field = "path" if region_field == "self" else f"{region_field}__path"
        condition |= Q(**{f"{path_field}__in": ancestor_paths(region.path)})
    org_field = _field(model, "organization")
    if user.scope_organization_id and org_field:
        org_lookup = "pk" if org_field == "self" else f"{org_field}_id"
        condition &= Q(**{org_lookup: user.scope_organization_id})
    return condition


def _is_account(model) -> bool:
    from django.contrib.auth import get_user_model

    return issubclass(model, get_user_model())


def _accounts_q(user, region) -> Q:
    """Accounts are not domain records; one lies in ``user``'s scope when its own scope does: its
    region (else its organization's region) inside ``user``'s subtree, and its organization
    ``user``'s when ``user`` is bound to one. Accounts with no scope (administrators) lie in nobody's.
    A relation to an account (a task's assignee, a timeline entry's actor) offers exactly these."""
    condition = (Q(scope_region__path__startswith=region.path)
                 | Q(scope_region__isnull=True, scope_organization__region__path__startswith=region.path))
    if user.scope_organization_id:
        condition &= Q(scope_organization_id=user.scope_organization_id)
    return condition


def _account_in_scope(user, account, region) -> bool:
    """``account`` (as it would be saved) lies in ``user``'s scope as _accounts_q says: its region,
    else its organization's region, inside the user's subtree (and its organization the user's, for a
    user bound to one). An account with no scope sees everything or nothing: nobody's but a global one's."""
    own = account.scope_region if account.scope_region_id else (
        account.scope_organization.region if account.scope_organization_id else None)
    if own is None or not own.path.startswith(region.path):
        return False
    if user.scope_organization_id:
        return account.scope_organization_id == user.scope_organization_id
    return True


def ancestor_paths(path: str) -> list[str]:
    """"430181/430181110/" → ["430181/"]: the paths of the regions above one."""
    parts = path.strip("/").split("/")
    return ["/".join(parts[:k]) + "/" for k in range(1, len(parts))]


def restrict(queryset: QuerySet, user) -> QuerySet:
    condition = scope_q(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def in_scope(user, instance) -> bool:
    """Whether a (possibly unsaved) record would lie inside ``user``'s scope."""
    if has_global_scope(user):
        return True
    region = effective_region(user)
    if region is None:
        return False
    model = type(instance)
    if _is_account(model):
        return _account_in_scope(user, instance, region)
    region_field = _field(model, "region")
    if region_field == "self":
        path = instance.compute_path()
    else:
        owner = getattr(instance, region_field, None)
        path = owner.path if owner else ""
    if not path.startswith(region.path):
        return False
    org_field = _field(model, "organization")
    if user.scope_organization_id and org_field:
        org_id = instance.pk if org_field == "self" else getattr(instance, f"{org_field}_id")
        return org_id == user.scope_organization_id
    return True


def can(user, action: str, model) -> bool:
    """Role check: action is view/add/change/delete."""
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def read_refused(user, model, *, global_only: bool = False) -> str | None:
    """Why ``user`` may not open a read-only page over ``model``'s records (a dashboard, map, summary,
    printable page or download), in Chinese; None when they may. The same role check as the registry's
    own list and detail pages (``can(user, "view", model)``); what they then read is cut to their scope by
    ``restrict``. ``global_only`` is for data that carries no region (nothing to restrict by): only a
    user of global scope may read it."""
    if not user.is_authenticated:
        return "请先登录"
    if not can(user, "view", model):
        return f"您的角色不能查看{model._meta.verbose_name}"
    if global_only and not has_global_scope(user):
        return "仅全局范围的系统管理员可查看"
    return None


class RegistryPermission(DjangoModelPermissions):
    """DRF: model permissions from roles, reading included (view_*)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }
