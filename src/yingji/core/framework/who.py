"""Who a request's user is — the roles they hold and the permissions those give — read once and
kept per account for a few minutes, so that a page spends no query on them (issue #16: every page
ran the role and permission queries, the role names twice).

What is kept: the role names and Django's two permission sets (the user's own and their groups'),
exactly what ``ModelBackend`` would compute, set on the user object as its per-request caches. The
entry is keyed by the account's row as loaded for this request (``updated_at``, superuser and active
flags: editing an account, its roles included, saves the row) and by a generation that any change
of group membership or of a role's permissions increments, and it lives ``CACHE_S`` seconds at most.
With a shared cache (Redis) a role change reaches every process at once; with the per-process
default cache another worker process may keep the old roles until its entry expires.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication as BaseTokenAuthentication

CACHE_S = 300
_GENERATION = "yingji-who-generation"


def _key(user) -> str:
    stamp = user.updated_at.timestamp() if getattr(user, "updated_at", None) else 0
    generation = cache.get_or_set(_GENERATION, 0, None)
    return f"yingji-who:{user.pk}:{stamp}:{int(user.is_superuser)}:{int(user.is_active)}:{generation}"


def prime(user) -> None:
    """Fill ``user``'s role and permission caches, from the cache when it holds them."""
    from yingji.core.framework.roles import ADMIN

    if user is None or not user.is_authenticated or hasattr(user, "_perm_cache"):
        return
    key = _key(user)
    entry = cache.get(key)
    if entry is None:
        backend = ModelBackend()
        entry = {"roles": sorted(user.groups.values_list("name", flat=True)),
                 "user": sorted(backend.get_user_permissions(user)),
                 "group": sorted(backend.get_group_permissions(user))}
        cache.set(key, entry, CACHE_S)
    user._yingji_roles = set(entry["roles"]) | ({ADMIN} if user.is_superuser else set())
    user._user_perm_cache = set(entry["user"])
    user._group_perm_cache = set(entry["group"])
    user._perm_cache = user._user_perm_cache | user._group_perm_cache
    user._yingji_primed = user._perm_cache  # User.has_perm answers from it while it is this set


def forget(sender=None, instance=None, action="", pk_set=None, model=None, **kwargs) -> None:
    """A membership or a role's permissions changed: every kept entry is stale. A change of who holds
    a role also stamps the accounts' rows (their ``updated_at`` is part of the key), so that every
    process sees it at once, whichever cache it has and whatever made the change."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    user_model = get_user_model()
    if action.startswith("post_") and sender is user_model.groups.through:
        users = [instance.pk] if isinstance(instance, user_model) else list(pk_set or ())
        if action == "post_clear" and not isinstance(instance, user_model):
            users = None  # a role emptied: every account may have held it
        accounts = user_model.objects.all() if users is None else user_model.objects.filter(pk__in=users)
        accounts.update(updated_at=timezone.now())
    try:
        cache.incr(_GENERATION)
    except ValueError:  # not set yet (or expired): nothing kept was keyed by it
        cache.set(_GENERATION, 1, None)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(forget, sender=through, dispatch_uid=f"yingji-who-{through._meta.label}")


def _light_account_joins(qs, prefix: str = ""):
    """An account with its scope region and organization in the same query, boundaries left out."""
    from django.contrib.auth import get_user_model

    from yingji.core.framework.related import heavy_fields

    joins, heavy = [], []
    for path in ("scope_region", "scope_organization", "scope_organization__region"):
        model = get_user_model()
        for hop in path.split("__"):
            model = model._meta.get_field(hop).related_model
        joins.append(prefix + path)
        heavy += [f"{prefix}{path}__{n}" for n in heavy_fields(model)]
    return qs.select_related(*joins).defer(*heavy)


class AccountBackend(ModelBackend):
    """Django's model backend; the session's account is read with its scope in one query and its
    roles and permissions come from ``prime``."""

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = _light_account_joins(model._default_manager.all()).get(pk=user_id)
        except model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        prime(user)
        return user


class TokenAuthentication(BaseTokenAuthentication):
    """DRF's token authentication, the account read as for a session (scope joined, roles primed)."""

    def authenticate_credentials(self, key):
        from django.utils.translation import gettext_lazy as _
        from rest_framework import exceptions

        model = self.get_model()
        try:
            token = _light_account_joins(model.objects.select_related("user"), "user__").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        prime(token.user)
        return token.user, token
