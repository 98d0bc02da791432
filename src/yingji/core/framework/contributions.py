"""App contracts: what each app contributes, declared on its AppConfig, read by the central files.

An app of the platform is a package ``yingji.<name>`` whose ``apps.py`` defines one subclass of
:class:`YingjiAppConfig`. Its class attributes are plain data (strings, numbers, small frozen
dataclasses, dotted paths to callables), so they can be read before Django is set up: settings.py
discovers the apps with :func:`discover`, and the import contracts (pyproject.toml,
tests/importcontracts.py) read the layers and the engines from the same declarations.

The central files only iterate over the declarations:

====================  =============================================================
declaration           read by
====================  =============================================================
``order``             settings.INSTALLED_APPS (:func:`discover`), the layering contract
``urls``              yingji/urls.py (:func:`urlpatterns`)
``menu``              core/framework/menu.py (the left navigation)
``roles``,            core/framework/roles.py (permission sets synced into groups after migrate)
``role_grants``,
``role_permissions``
``periodic_jobs``     the Celery beat schedule (:func:`beat_schedule`, set in CoreConfig.ready),
                      and so core/framework/scheduler.py in the embedded default
``demo``              core/framework/demo.py (``yingji demo`` / ``loaddemo``)
``home_panels``       core/framework/views.py ``home``
``embedded``          the ``serve`` command (in-process services of the embedded default)
``api_enum_names``    settings.SPECTACULAR_SETTINGS (names of shared enums in the schema)
``notification_       core/framework/notify.py (channels beside in-app, chosen by
channels``            YINGJI_NOTIFY_CHANNELS)
``engines``           the purity contract: modules that import no Django and no app
``nearest_sources``   resources/dispatch.py: kinds of located records beside teams,
                      warehouses and shelters in the 就近资源 search
``supply_sources``    resources/dispatch.py: stock beside the warehouses' that material
                      allocation (物资调度) may ship from
``figure_sources``    the app that owns the report named by ``target`` (disasters' 灾情 report:
                      :func:`figure_sources`), offered as a 取数 button on the report's form
``check_aids``        supervision's on-site check page: a panel under each checklist point
                      whose text names it (:func:`check_aids`)
``enterprise_facts``  whoever judges enterprises by facts (credit, tags, the profile):
                      :func:`enterprise_facts`
``profile_panels``    the enterprise profile (企业全息档案, yingji.profiles): its panels
``list_filters``      registry list pages and map layers: query parameters beside the
                      registry's own filters (``?tag=`` of yingji.profiles)
``screen_figures``    the command-centre screen (大屏, yingji.screen: :func:`screen_figures`),
                      each a key figure around its map, in the viewer's scope
``series_sources``    yingji.evaluation: yearly series (deaths, accidents, losses …) counted from an
                      app's own records, the terms of plan indicators (:func:`series_sources`)
====================  =============================================================

Adding an app is adding its folder; no central file changes. See docs/architecture.md, "App
contracts", and docs/decisions/0006-app-contracts.md.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.apps import AppConfig


@dataclass(frozen=True)
class MenuEntry:
    """One item of the left navigation, in business area ``area`` (a Chinese heading such as
    "风险防控"; the areas' order is core's :data:`yingji.core.framework.menu.AREAS`).

    Who sees it: a ``registry`` entry (a registry slug) shows to users who may view that registry;
    a ``url_name`` entry shows to everyone signed in, unless ``perm`` ("app_label.codename") or
    ``admin_only`` (staff and superusers) restricts it, or the page is a declared read view
    (readviews.py), which shows it to exactly the users it admits. An entry with neither is a planned item
    (shown as 建设中)."""

    area: str
    label: str
    registry: str = ""
    url_name: str = ""
    perm: str = ""
    admin_only: bool = False


@dataclass(frozen=True)
class PeriodicJob:
    """A registered Celery task run every ``every_s`` seconds (beat with a broker, core/framework/scheduler.py
    without one)."""

    name: str
    task: str
    every_s: float


@dataclass(frozen=True)
class DemoStep:
    """Part of the demo county: ``loader`` ("module:function") is called as ``loader(ctx)`` with a
    :class:`yingji.core.framework.demo.DemoContext`, inside the demo's one transaction, in ascending ``order``
    across apps (later steps may use what earlier ones made)."""

    loader: str
    order: int


@dataclass(frozen=True)
class HomePanel:
    """A card on the home page's first row: ``context`` ("module:function") is called with the
    request and returns the template's context, or None to leave the panel out for that user;
    ``template`` renders it inside a Bootstrap column of class ``width``."""

    template: str
    context: str
    width: str = "col-12 col-lg-6"
    order: int = 100


@dataclass(frozen=True)
class EmbeddedService:
    """A background service ``yingji serve`` starts in-process in the embedded default (no broker):
    ``start`` ("module:function") is called with the command's stdout writer. ``serve`` offers
    ``--no-<name>`` to leave it off (production runs it as its own process)."""

    name: str
    start: str
    help: str


@dataclass(frozen=True)
class NotificationChannel:
    """A way to reach users beside the in-app notification (SMS, e-mail), offered by an app: ``send``
    ("module:function") is called as ``send(users, title, body, url)`` after the transaction commits,
    for notifications sent with ``channels=True`` (to-dos), when YINGJI_NOTIFY_CHANNELS names ``name``."""

    name: str
    label: str
    send: str


@dataclass(frozen=True)
class NearestSource:
    """A kind of located record an app offers to the 就近资源 search (resources/dispatch.py), beside
    teams, warehouses and shelters, so the search need not import the app. ``key`` is the API's
    ``kinds`` value; ``registry`` its registry's slug (the role must view it; results link to its
    record pages); ``available`` ("module:function") is called as ``available(user, material)`` and
    returns a queryset, in the user's scope, of the records that can be used now (with ``lon``/``lat``;
    ``material``: a material code, or "" for all); ``describe`` as ``describe(records)`` returns
    {pk: one line of detail} for the few returned."""

    key: str
    label: str
    registry: str
    available: str
    describe: str


@dataclass(frozen=True)
class Supplied:
    """One lot a supply source offers to the allocation: ``key`` identifies it to its source's
    ``commit``; ``material`` is a material code of the catalogue; ``ready_hours`` the hours before it
    can leave (0 when it is at hand)."""

    key: object
    material: str
    quantity: int
    lon: float
    lat: float
    ready_hours: float
    name: str
    url: str = ""


@dataclass(frozen=True)
class SupplySource:
    """Stock an app offers to material allocation (物资调度, resources/dispatch.py) beside the
    warehouses': ``supplies`` ("module:function") is called as ``supplies(user, material_codes)`` and
    returns the :class:`Supplied` lots in the user's scope; ``commit`` as ``commit(user, shipments,
    purpose)`` books the chosen shipments (dicts with ``key``, ``quantity``, ``material`` (the
    catalogue record) and ``place`` ({"name", "lon", "lat", "region"})) and returns the records it made
    (their ``str`` names them to the user)."""

    key: str
    label: str
    supplies: str
    commit: str


@dataclass(frozen=True)
class FigureSource:
    """Figures an app computes from its own records for a report another (lower) app owns, so that
    they are taken, not typed: ``target`` names the report ("disaster-report": the 灾情 report of
    yingji.disasters), ``codes`` the report's figures it gives, ``provider`` ("module:function") is
    called with the report's subject (the 灾情事件) and returns ``{unit code: {figure code: number}}``
    (a unit's region code; ``""`` for the whole county). The owner of the report reads the sources
    with :func:`figure_sources` and never imports the app that declares them."""

    target: str
    label: str
    codes: tuple[str, ...]
    provider: str


@dataclass(frozen=True)
class CheckAid:
    """What an app knows that helps an inspector answer a checklist point on site (持证上岗 against the
    certificate registry): under every point of a check whose text contains one of ``match``, the on-site
    page renders ``template`` with the context ``context`` ("module:function") returns when called as
    ``context(user, inspection)`` (None: nothing to show). The checking app never imports the aiding one."""

    key: str
    label: str
    match: tuple[str, ...]
    template: str
    context: str


@dataclass(frozen=True)
class EnterpriseFact:
    """A fact an app states about enterprises (已投保安责险, 三项岗位人员证书有效), for apps that judge
    enterprises by facts (credit classes, tags, the 360 profile) without importing it: ``provider``
    ("module:function") is called with organization ids and returns ``{id: value}`` — True/False, a
    number or a short text; an enterprise the fact does not apply to is left out."""

    key: str
    label: str
    provider: str


@dataclass(frozen=True)
class ProfilePanel:
    """A panel of the enterprise profile (企业全息档案): the records of registry ``registry`` pointing at the
    enterprise through the foreign key ``relation``, counted in one query — the total, each of ``counts``
    ((label, condition): a condition in the profile's rule form, e.g. ``{"state": "overdue"}`` or
    ``{"opened_at__gte": "@now-30d"}``) and, for ``breakdown`` (a choice field), each of its values — with a
    link to the registry's list filtered to the enterprise. ``dates`` ((field, what happened) pairs) put the
    records on the profile's time line, named there by ``title`` (value paths; default the registry's map
    name). Declared by any app, so an app adds its panel without the profile
    importing it."""

    key: str
    label: str
    registry: str
    relation: str = "organization"
    counts: tuple = ()
    breakdown: str = ""
    dates: tuple = ()
    title: tuple = ()
    order: int = 100


@dataclass(frozen=True)
class ListFilter:
    """A query parameter (``tag``) that restricts registry list pages and map layers beside the
    registry's own filters: ``apply`` ("module:function") is called as ``apply(registry, queryset,
    value)`` and returns the queryset restricted, or None where the parameter does not apply to that
    registry (shown above the list as 仅显示 ``label``：value)."""

    param: str
    label: str
    apply: str


@dataclass(frozen=True)
class ScreenFigure:
    """A key figure an app offers to the command-centre screen (大屏), so the screen need not import
    the app: ``provider`` ("module:function") is called as ``provider(user)`` and returns the number
    in the user's scope, or ``(number, note)`` with one short line beside it ("其中超时 2"). Shown
    only to users holding ``perm`` ("app_label.codename"). ``channels`` are the live-stream channels
    (core/framework/live.py) on which it may change, so the screen refreshes at once; ``layers``, pairs
    of (registry slug, its list filters as a query string: "state=responding"), draw its records on
    the screen's map (for users who may view that registry); ``alert``: a number above zero is shown
    in the alarm colour."""

    key: str
    label: str
    unit: str
    provider: str
    perm: str = ""
    order: int = 100
    channels: tuple[str, ...] = ()
    layers: tuple[tuple[str, str], ...] = ()
    alert: bool = False


@dataclass(frozen=True)
class SeriesSource:
    """A yearly series an app counts from its own records, a term of plan indicators (yingji.evaluation,
    规划指标) that reads it without importing the app. ``key`` names it in indicator formulas
    ("accident_deaths"); ``provider`` ("module:function") is called as ``provider(region, years)`` and
    returns ``{year: number}`` for the records of ``region``'s subtree (a year without records may be
    left out, or given as 0 where none means zero); ``counts`` says in Chinese what is counted, shown
    beside the figures as their source. ``current_only``: the records hold the present state only (the
    officers on post today), so only the current year is given."""

    key: str
    label: str
    unit: str
    provider: str
    counts: str
    current_only: bool = False


class YingjiAppConfig(AppConfig):
    """The base of every platform app's AppConfig: declare what the app contributes.

    ``order`` places the app: INSTALLED_APPS lists apps by ascending order (so their ``ready``,
    registries, menu entries and home panels come in that order), and an app may import only apps of
    lower order (the layering contract). core is 0."""

    order: ClassVar[int]
    urls: ClassVar[str] = ""  # module whose urlpatterns are included at the site root (full paths)
    menu: ClassVar[tuple[MenuEntry, ...]] = ()
    roles: ClassVar[tuple] = ()  # roles.Role the app defines (most apps add grants to core's roles instead)
    role_grants: ClassVar[dict[str, dict[str, str]]] = {}  # role -> {"app_label.model": "vacd" letters}
    role_permissions: ClassVar[dict[str, tuple[str, ...]]] = {}  # role -> custom "app_label.model.codename"
    periodic_jobs: ClassVar[tuple[PeriodicJob, ...]] = ()
    demo: ClassVar[DemoStep | None] = None
    home_panels: ClassVar[tuple[HomePanel, ...]] = ()
    embedded: ClassVar[tuple[EmbeddedService, ...]] = ()
    api_enum_names: ClassVar[dict[str, object]] = {}  # schema enum name -> choices (dotted path or list)
    engines: ClassVar[tuple[str, ...]] = ()  # pure modules, relative to the app ("scoring", "gb18218")
    notification_channels: ClassVar[tuple[NotificationChannel, ...]] = ()  # SMS, e-mail … beside in-app
    nearest_sources: ClassVar[tuple[NearestSource, ...]] = ()  # more kinds for the 就近资源 search
    supply_sources: ClassVar[tuple[SupplySource, ...]] = ()  # more stock for material allocation
    figure_sources: ClassVar[tuple[FigureSource, ...]] = ()  # figures for another app's report (取数)
    check_aids: ClassVar[tuple[CheckAid, ...]] = ()  # panels under checklist points on the on-site page
    enterprise_facts: ClassVar[tuple[EnterpriseFact, ...]] = ()  # facts about enterprises others may read
    profile_panels: ClassVar[tuple[ProfilePanel, ...]] = ()  # panels of the enterprise profile
    list_filters: ClassVar[tuple[ListFilter, ...]] = ()  # query parameters of list pages and map layers
    screen_figures: ClassVar[tuple[ScreenFigure, ...]] = ()  # key figures of the command-centre screen (大屏)
    series_sources: ClassVar[tuple[SeriesSource, ...]] = ()  # yearly series for plan indicators (规划指标)

    @classmethod
    def engine_modules(cls) -> list[str]:
        return [f"{cls.name}.{m}" for m in cls.engines]


# ---- discovery (before Django is set up) -------------------------------------------------------

def discover(packages: Iterable[str] = ("yingji",)) -> list[type[YingjiAppConfig]]:
    """Every app under ``packages``: a subpackage whose ``apps.py`` defines a YingjiAppConfig, in
    ascending ``order``. Packages without ``apps.py`` (a package of pure engines) are not apps."""
    found = []
    for root in packages:
        package = importlib.import_module(root)
        for info in pkgutil.iter_modules(package.__path__, f"{root}."):
            if not info.ispkg or importlib.util.find_spec(f"{info.name}.apps") is None:
                continue
            module = importlib.import_module(f"{info.name}.apps")
            configs = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, YingjiAppConfig)
                       and c.__module__ == module.__name__]
            if len(configs) != 1:
                raise ImportError(f"{module.__name__} must define exactly one YingjiAppConfig subclass "
                                  f"(found {len(configs)}); every app declares what it contributes")
            config = configs[0]
            if getattr(config, "name", None) != info.name or not isinstance(getattr(config, "order", None), int):
                raise ImportError(f"{config.__module__}.{config.__qualname__} must declare name = {info.name!r} "
                                  f"and an integer order")
            found.append(config)
    found.sort(key=lambda c: (c.order, c.name))
    orders = [c.order for c in found]
    if len(set(orders)) != len(orders):
        clash = sorted(c.name for c in found if orders.count(c.order) > 1)
        raise ImportError(f"apps share an order, so their place is undefined: {', '.join(clash)}")
    return found


def app_paths(configs: Iterable[type[YingjiAppConfig]]) -> list[str]:
    """INSTALLED_APPS entries for the discovered configs."""
    return [f"{c.__module__}.{c.__qualname__}" for c in configs]


def enum_names(configs: Iterable[type[YingjiAppConfig]]) -> dict[str, object]:
    names: dict[str, object] = {}
    for config in configs:
        for name, choices in config.api_enum_names.items():
            if name in names:
                raise ImportError(f"schema enum {name} is declared twice ({config.name})")
            names[name] = choices
    return names


# ---- reading the declarations (after Django is set up) ----------------------------------------

def apps() -> list[YingjiAppConfig]:
    """The installed platform apps, in INSTALLED_APPS order."""
    from django.apps import apps as registry

    return [c for c in registry.get_app_configs() if isinstance(c, YingjiAppConfig)]


def resolve(dotted: str):
    """The object a "module:attribute" path names."""
    module, _, attribute = dotted.partition(":")
    if not attribute:
        raise ValueError(f"{dotted!r}: expected 'module:attribute'")
    return getattr(importlib.import_module(module), attribute)


def urlpatterns() -> list:
    """Every app's URL patterns, apps in order, each app's in its own order."""
    patterns = []
    for config in apps():
        if config.urls:
            patterns += list(importlib.import_module(config.urls).urlpatterns)
    return patterns


def notification_channels() -> dict[str, NotificationChannel]:
    """Every app's notification channels by name (a name declared twice is an error)."""
    out: dict[str, NotificationChannel] = {}
    for config in apps():
        for channel in config.notification_channels:
            if channel.name in out:
                raise ValueError(f"notification channel {channel.name} is declared twice ({config.name})")
            out[channel.name] = channel
    return out


def _keyed(attribute: str) -> dict:
    out: dict = {}
    for config in apps():
        for item in getattr(config, attribute):
            if item.key in out:
                raise ValueError(f"{attribute}: {item.key} is declared twice ({config.name})")
            out[item.key] = item
    return out


def nearest_sources() -> dict[str, NearestSource]:
    """Every app's contributed kinds for the 就近资源 search, by key, in app order."""
    return _keyed("nearest_sources")


def supply_sources() -> dict[str, SupplySource]:
    """Every app's contributed stock for material allocation, by key, in app order."""
    return _keyed("supply_sources")


def series_sources() -> dict[str, SeriesSource]:
    """Every app's yearly series for plan indicators, by key, in app order."""
    return _keyed("series_sources")


def figure_sources(target: str) -> list[FigureSource]:
    """The figure sources every app declares for the report ``target``, apps in order."""
    return [s for config in apps() for s in config.figure_sources if s.target == target]


def check_aids() -> dict[str, CheckAid]:
    """Every app's aids for checklist points, by key, in app order."""
    return _keyed("check_aids")


def enterprise_facts() -> dict[str, EnterpriseFact]:
    """Every app's facts about enterprises, by key, in app order."""
    return _keyed("enterprise_facts")


def profile_panels() -> list[ProfilePanel]:
    """Every app's panels of the enterprise profile, by declared order (then app order)."""
    found = [p for config in apps() for p in config.profile_panels]
    keys = [p.key for p in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"profile panels declared twice: {sorted({k for k in keys if keys.count(k) > 1})}")
    return sorted(found, key=lambda p: p.order)


def list_filters() -> list[ListFilter]:
    """Every app's extra query parameters of list pages and map layers, in app order."""
    return [f for config in apps() for f in config.list_filters]


def screen_figures() -> list[ScreenFigure]:
    """Every app's figures for the command-centre screen, by their ``order`` (then app order); a key
    declared twice is an error."""
    found = _keyed("screen_figures")
    return sorted(found.values(), key=lambda f: f.order)  # stable: app order within one order


def beat_schedule() -> dict[str, dict]:
    schedule = {}
    for config in apps():
        for job in config.periodic_jobs:
            if job.name in schedule:
                raise ValueError(f"periodic job {job.name} is declared twice ({config.name})")
            schedule[job.name] = {"task": job.task, "schedule": float(job.every_s)}
    return schedule
