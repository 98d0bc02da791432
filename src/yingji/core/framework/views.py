"""Pages. Registry pages are one set of generic views parameterised by the registry slug."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views import View

from yingji.core.framework import history, listfilters, services
from yingji.core.framework.access import can
from yingji.core.framework.api import display_value, xlsx_response
from yingji.core.framework.models import Attachment, ImportJob, JobRun
from yingji.core.framework.registry import MASK, Registry, get_registry
from yingji.core.framework.related import light, of_parents, panels, parent_links
from yingji.core.framework.search import search_q


def _shown(obj, reg, name, masked=frozenset()):
    """A field's value on a page: as people read it (display_value), a code (a login name) marked as code;
    a personal field the user may not read, masked."""
    if name in masked:
        return MASK
    value = display_value(obj, reg, name)
    if value is not None and name in reg.code_fields:
        return format_html("<code>{}</code>", value)
    return value


class RegistryView(LoginRequiredMixin, View):
    """Resolves the registry from the URL and checks the role's permission for ``action``."""

    action = "view"
    registry: Registry

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.registry = get_registry(kwargs["registry"])
        if self.registry is None:
            raise Http404("没有这个登记簿")
        if not can(request.user, self.action, self.registry.model):
            raise PermissionDenied("您的角色没有此操作的权限")
        if self.action == "add" and not self.registry.allow_create:
            raise PermissionDenied(f"{self.registry.label}不能在这里新增")
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(self.registry.queryset(self.request.user), pk=self.kwargs["pk"])

    def filtered(self):
        reg = self.registry
        rows = light(reg, reg.queryset(self.request.user), keep=reg.list_fields)  # no boundaries on a list
        filterset = reg.filterset_class()(self.request.GET, queryset=rows, request=self.request)
        qs = filterset.qs
        qs = of_parents(qs, self.parent_links())
        qs, self.contributed = listfilters.apply(reg, qs, self.request.GET)  # apps' parameters (?tag=)
        term = self.request.GET.get("q", "").strip()
        if term:
            qs = qs.filter(search_q(reg, term))
        order = self.request.GET.get("o", "")
        if order.lstrip("-") in reg.list_fields + ["created_at", "updated_at"]:
            qs = qs.order_by(order, "pk")
        return filterset, qs

    def parent_links(self) -> list[tuple[str, str, str]]:
        """(field, key, value) of the record a related panel's "查看全部" names (``?organization=<信用代码>``)
        when the field is no filter of the registry's own: the list shows what points at that record."""
        return parent_links(self.registry, self.request.GET)

    def context(self, **extra):
        from yingji.core.framework import operations  # imports the registry views' module (a cycle at import)

        reg = self.registry
        user = self.request.user
        links = [(label, reverse(url_name)) for label, url_name, action in reg.page_links if can(user, action, reg.model)]
        # the collection operations the user may run, by their own declarations, unless a page of the
        # registry's own already offers the same action (接报登记's desk, the CAP import page)
        links += [(op.label, reverse("operation", args=[reg.slug, op.name])) for op in operations.on_list(user, reg.slug)
                  if op.label not in {label for label, _ in links}]
        return {"reg": reg, "can_add": reg.allow_create and can(user, "add", reg.model), "page_links": links,
                "can_change": can(user, "change", reg.model), "can_delete": can(user, "delete", reg.model), **extra}


class ListView(RegistryView):
    def get(self, request, registry):
        reg = self.registry
        filterset, qs = self.filtered()
        for field in filterset.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm" if hasattr(field, "choices")
                                          else "form-control form-control-sm")
        size = request.GET.get("page_size", "")
        size = int(size) if size.isdigit() and 0 < int(size) <= 200 else settings.PAGE_SIZE
        page = Paginator(qs, size).get_page(request.GET.get("page"))
        masked = reg.masked_fields(request.user)
        rows = [(obj, [_shown(obj, reg, n, masked) for n in reg.list_fields]) for obj in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        order_query = query.copy()
        order_query.pop("o", None)
        columns = [{"name": n, "label": reg.field_label(n), "sorted": request.GET.get("o") in (n, f"-{n}"),
                    "desc": request.GET.get("o") == f"-{n}"} for n in reg.list_fields]
        template = "registry/_table.html" if request.headers.get("HX-Request") else "registry/list.html"
        return render(request, template, self.context(
            filterset=filterset, page=page, rows=rows, columns=columns, query=query.urlencode(),
            order_query=order_query.urlencode(), q=request.GET.get("q", ""),
            has_filters=any(request.GET.get(k) for k in reg.filter_fields),
            parents=[(name, reg.field_label(name), value) for name, _, value in self.parent_links()] + self.contributed))


class DetailView(RegistryView):
    def get(self, request, registry, pk):
        reg = self.registry
        obj = self.get_object()
        masked = reg.masked_fields(request.user)
        fields = [(reg.field_label(n), _shown(obj, reg, n, masked), n) for n in reg.display_fields]
        related, layers = panels(request.user, obj)
        from yingji.core.framework import operations

        offered = operations.available(request.user, obj)
        actions = [op for op in offered if op.record_button]
        flow = None
        if reg.workflow is not None:
            from yingji.core.framework import workflow

            # One control per step: a transition an app declares its own operation for (its inputs, its
            # service) is that operation's button; the inline form is for the generic steps only.
            steps, declared = [], set()
            for t in workflow.available(request.user, obj):
                op = operations.step_operation(reg, t)
                if op is None:
                    steps.append((t, reg.workflow.choice_inputs(t)))
                elif op in offered:
                    declared.add(op.name)
                    if op not in actions:
                        actions.append(op)
            state = getattr(obj, reg.state_field)
            log = list(workflow.log_of(obj)[:50])
            for entry in log:
                entry.from_label, entry.to_label = reg.workflow.label(entry.from_state), reg.workflow.label(entry.to_state)
            flow = {"state": state, "label": reg.workflow.label(state), "final": state in reg.workflow.final,
                    "actions": steps, "step_operations": sorted(declared), "log": log,
                    "labels": reg.workflow.states, "countdown": reg.days_left(obj)}
        # Word papers at the registry's .docx address, and the papers declared for the page in their own
        # format (a printable card, a workbook); others have their app's own link (CAP 报文).
        documents = [{"name": name, "label": d.label, "extension": d.extension, "inline": d.inline,
                      "url": reverse("registry_document" if d.extension == "docx" else "registry_document_as",
                                     args=[reg.slug, obj.pk, name] + ([] if d.extension == "docx" else [d.extension]))}
                     for name, d in reg.documents.items() if d.offered_on_page and d.ready(obj)]
        locked = reg.locked(obj) or (reg.refusal(request.user, obj) if reg.refusal is not None else None)
        extra = {"can_change": False, "can_delete": False, "locked": locked} if locked else {}
        # the upload form: for those who may change the record, and for its creator (photos added later)
        can_attach = not locked and services.may_attach(request.user, obj)
        return render(request, "registry/detail.html", self.context(
            **extra, can_attach=can_attach, obj=obj, fields=fields, related=related,
            attachments=services.attachments_of(obj), flow=flow,
            documents=documents, layers=layers, actions=actions,
            summary=reg.summary(obj) if reg.summary is not None else None,
            record_links=[(label, reverse(url_name, args=[obj.pk])) for label, url_name in reg.record_links],
            history=[history.describe(e, reg, masked=masked) for e in history.entries_for(obj)[:50]]))


class EditView(RegistryView):
    """Create (no pk) or edit (pk); errors beside fields, nothing lost."""

    def _locked(self, instance):
        """Back to the record page, with the reason, when its state allows no direct edit (or the
        registry's refusal says this user may not change it)."""
        reg = self.registry
        if instance is not None and (reason := reg.locked(instance) or (
                reg.refusal(self.request.user, instance) if reg.refusal is not None else None)):
            messages.error(self.request, reason)
            return redirect("registry_detail", self.registry.slug, instance.pk)
        return None

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if "pk" in kwargs else "add"
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, registry, pk=None):
        form_class = self.registry.form_class(request.user)
        instance = self.get_object() if pk else None
        if refused := self._locked(instance):
            return refused
        initial = {} if instance else {k: make() for k, make in self.registry.defaults.items()}
        initial.update({k: v for k, v in request.GET.items() if k in self.registry.editable_fields})
        return render(request, "registry/form.html", self.context(form=form_class(instance=instance, initial=initial),
                                                                  obj=instance))

    def post(self, request, registry, pk=None):
        instance = self.get_object() if pk else None
        if refused := self._locked(instance):
            return refused
        form = self.registry.form_class(request.user)(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            try:
                obj = services.save_form(request.user, form)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if shown := services.shown_once(obj):  # a one-time password: in this answer only
                    return shown_once_page(request, self.context(obj=obj), f"已新增{self.registry.label}“{obj}”",
                                           [(str(obj), shown)])
                messages.success(request, f"已保存{self.registry.label}“{obj}”")
                return redirect("registry_detail", self.registry.slug, obj.pk)
        return render(request, "registry/form.html", self.context(form=form, obj=instance), status=400)


class DeleteView(RegistryView):
    action = "delete"

    def get(self, request, registry, pk):
        return render(request, "registry/confirm_delete.html", self.context(obj=self.get_object()))

    def post(self, request, registry, pk):
        obj = self.get_object()
        name = str(obj)
        try:
            services.delete_instance(request.user, obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
            return redirect("registry_detail", self.registry.slug, pk)
        messages.success(request, f"已删除{self.registry.label}“{name}”")
        return redirect("registry_list", self.registry.slug)


class SuggestView(RegistryView):
    """Datalist options for autocomplete inputs: records matching what the user typed, in scope."""

    def get(self, request, registry):
        reg = self.registry
        by_id = request.GET.get("key") == "pk"  # a relation that names its record by id (people)
        term = next((v for k, v in request.GET.items() if v and k != "key"), "").strip()
        qs = reg.choice_queryset(request.user)
        if term:
            # Anywhere in the name or key (“化工” finds 金刚化工有限公司), what begins with the term first.
            names = list(dict.fromkeys([*reg.natural_key, *reg.search_fields]))
            condition, starts = Q(), Q()
            for name in names:
                condition |= Q(**{f"{name}__icontains": term})
                starts |= Q(**{f"{name}__istartswith": term})
            qs = qs.filter(condition).annotate(
                _prefix=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField())
            ).order_by("_prefix", *qs.query.order_by)
        options = format_html_join("", '<option value="{}">{}</option>',
                                   ((o.pk if by_id else reg.key_of(o), reg.suggest_label(o)) for o in qs[:20]))
        return HttpResponse(options)


class TransitionView(RegistryView):
    """Take a workflow transition from the record page (comment, reason and photos in the form)."""

    action = "change"

    def post(self, request, registry, pk):
        """The transition named in the form, taken as its declared operation (the same checks, inputs
        and errors as POST /api/<slug>/<id>/<transition>/): a refusal or a missing input comes back as
        the operation's page with what was typed; a transition that does not exist is a 409 there."""
        from yingji.core.framework import operations
        from yingji.core.framework.operation_views import OperationView

        name = operations.kebab(request.POST.get("name", ""))
        if operations.get(registry, name) is None:
            self.get_object()
            messages.error(request, f"没有名为“{request.POST.get('name', '')}”的操作")
            return redirect(reverse("registry_detail", args=[registry, pk]) + "#workflow")
        return OperationView.as_view()(request, registry=registry, pk=pk, name=name)


class DocumentView(RegistryView):
    """A record's paper as its registry declares it (督办单, 风险告知卡 … as .docx; an app may route
    another format's address here with ``extension``, as /warnings/<id>/cap.xml does)."""

    def get(self, request, registry, pk, name, extension="docx"):
        from yingji.core.framework.documents import document_response

        obj = self.get_object()
        declared = self.registry.documents.get(name)
        if declared is None or declared.extension != extension or not declared.ready(obj):
            raise Http404("没有这份文书")
        return document_response(declared, obj, request.user)


class ExportView(RegistryView):
    def get(self, request, registry):
        return xlsx_response(self.registry, self.filtered()[1], user=request.user)


class TemplateView(RegistryView):
    def get(self, request, registry):
        return xlsx_response(self.registry, None, template=True)


class ImportView(RegistryView):
    action = "add"

    def get(self, request, registry):
        return render(request, "registry/import.html", self.context())

    def post(self, request, registry):
        if not can(request.user, "change", self.registry.model):
            raise PermissionDenied("您的角色没有修改权限，不能导入")
        upload = request.FILES.get("file")
        if upload is None:
            return render(request, "registry/import.html", self.context(result_errors=["请选择要导入的文件"]),
                          status=400)
        result = services.start_import(request.user, self.registry, upload.name, upload.read())
        if isinstance(result, ImportJob):  # a large file: a background job with a progress page
            return redirect("registry_import_job", self.registry.slug, result.pk)
        if result.ok and result.warnings:  # written, with notes to read: shown on this page, row by row
            return render(request, "registry/import.html", self.context(result=result, filename=upload.name,
                                                                         result_warnings=result.warnings))
        if result.ok:
            done = f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，未变化 {result.unchanged} 条"
            if result.shown_once:  # the new records' one-time passwords: in this answer only
                return shown_once_page(request, self.context(), done, result.shown_once)
            messages.success(request, done)
            return redirect("registry_list", self.registry.slug)
        return render(request, "registry/import.html", self.context(result_errors=result.errors,
                                                                     result_warnings=result.warnings,
                                                                     filename=upload.name), status=400)


def shown_once(response):
    """An answer that holds a secret shown once (a one-time password): kept by no cache or browser history."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def shown_once_page(request, context: dict, done: str, items: list) -> HttpResponse:
    """The page after something that gave secrets to show once (new accounts' one-time passwords):
    ``items`` are (record, [services.Secret]); rendered into this answer only — not a message in the
    session, not stored anywhere."""
    names = list(dict.fromkeys((s.name, s.label) for _, secrets in items for s in secrets))
    labels = [label for _, label in names]
    rows = [(key, [next((s.value for s in secrets if s.name == name), "") for name, _ in names])
            for key, secrets in items]
    return shown_once(render(request, "registry/shown_once.html", {**context, "done": done, "labels": labels,
                                                                   "rows": rows}))


class ImportJobView(RegistryView):
    """A background import's state, progress and result; its page polls itself (htmx) until the job
    ends. Only the user who uploaded the file sees it (anyone else: 404)."""

    def get(self, request, registry, job):
        job = get_object_or_404(ImportJob, pk=job, owner=request.user, registry=self.registry.slug)
        template = "registry/_import_job.html" if request.headers.get("HX-Request") else "registry/import_job.html"
        return render(request, template, self.context(job=job))


class AttachmentUploadView(RegistryView):
    """The record page's upload form, taken as the declared operation ``attach`` (its checks and
    located errors — who may change the record, or its creator; POST /api/<slug>/<id>/attach/ is the
    same operation)."""

    action = "view"

    def post(self, request, registry, pk):
        from yingji.core.framework.operation_views import OperationView

        return OperationView.as_view()(request, registry=registry, pk=pk, name="attach")


# Not an operation: a file download under its record's rules.
@login_required
def attachment_download(request, pk):
    """Files are served only to users who can see the record they belong to."""
    attachment = get_object_or_404(Attachment, pk=pk)
    model = attachment.content_type.model_class()
    if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}") or \
            not model.objects.for_user(request.user).filter(pk=attachment.object_id).exists():
        raise Http404
    return FileResponse(attachment.file.open("rb"), filename=attachment.original_name,
                        as_attachment=not attachment.is_image)


# ---- map layers, home panels, system pages -----------------------------------------------------------------

def home_panels(request) -> list[dict]:
    """The apps' home-page cards (``home_panels`` on their AppConfig), rendered for this user."""
    from django.template.loader import render_to_string

    from yingji.core.framework.contributions import apps, resolve

    declared = sorted(((panel.order, i, panel) for i, panel in
                       enumerate(p for config in apps() for p in config.home_panels)), key=lambda t: t[:2])
    out = []
    for _, _, panel in declared:
        context = resolve(panel.context)(request)
        if context is not None:
            out.append({"width": panel.width, "html": render_to_string(panel.template, context, request=request)})
    return out


LAYER_COLOURS = ["#ff7d00", "#d4380d", "#1677ff", "#389e0d", "#722ed1", "#13c2c2", "#eb2f96", "#faad14", "#2f54eb",
                 "#a0d911"]


def map_layers(user) -> list[dict]:
    """Every located registry the user may view, as a map layer with its first choice filter
    (teams by kind, warehouses by level, shelters by class …); organizations are shown at first."""
    from yingji.core.framework.registry import registries

    layers = []
    for reg in registries():
        if not reg.has_point or not user.has_perm(reg.perm("view")):
            continue
        name = next((n for n in reg.filter_fields if reg.field(n).choices and not reg.field(n).is_relation), None)
        layers.append({"slug": reg.slug, "label": reg.label, "on": reg.slug == "organizations",
                       "colour": LAYER_COLOURS[len(layers) % len(LAYER_COLOURS)],
                       "filter": name, "filter_label": reg.field_label(name) if name else "",
                       "choices": [(str(v), str(lbl)) for v, lbl in reg.field(name).choices] if name else []})
    return layers


# Not an operation: the administrators' read-only log.
@login_required
def audit_log(request):
    if not request.user.is_staff:
        raise PermissionDenied
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if request.GET.get("q"):
        term = request.GET["q"].strip()
        qs = qs.filter(Q(object_repr__icontains=term) | Q(actor__username=term) | Q(actor__first_name__icontains=term))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    entries = [(e, history.describe(e)) for e in page.object_list]
    return render(request, "audit_log.html", {"page": page, "entries": entries, "q": request.GET.get("q", "")})


# Not an operation: the administrators' read-only list of job runs.
@login_required
def job_runs(request):
    if not request.user.is_staff:
        raise PermissionDenied
    return render(request, "job_runs.html", {"runs": JobRun.objects.all()[:100]})


# Not an operation: the user's own inbox, it reads.
@login_required
def notifications(request):
    from yingji.core.framework.models import Notification

    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications.html", {"page": page})


# Not an operation: it marks the user's own notice read (personal state, not a record's action).
@login_required
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    from django.utils import timezone
    from django.utils.http import url_has_allowed_host_and_scheme

    from yingji.core.framework.models import Notification

    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) and note.url else "notifications"
    return redirect(target)


# Not an operation: an HTMX fragment, it reads.
@login_required
def notification_badge(request):
    from yingji.core.framework.notify import unread

    n = unread(request.user).count()
    return HttpResponse(f'<span class="badge text-bg-danger" data-testid="unread">{n}</span>' if n else "")


# Not an operation: the user's own to-do inbox (待办), it reads.
@login_required
def todos(request):
    """The open to-dos the user may act on, by due time (overdue first, none last); each row links to
    its record, where the step is taken."""
    from yingji.core.framework import todos as inbox
    from yingji.core.framework.registry import get_registry

    page = Paginator(inbox.for_user(request.user), 50).get_page(request.GET.get("page"))
    labels = {}
    for todo in page.object_list:
        if todo.registry not in labels:
            reg = get_registry(todo.registry)
            labels[todo.registry] = reg.label if reg else todo.registry
        todo.registry_label = labels[todo.registry]
    return render(request, "todos.html", {"page": page})


# Not an operation: an HTMX fragment, it reads.
@login_required
def todo_badge(request):
    from yingji.core.framework.todos import count_for

    n = count_for(request.user)
    return HttpResponse(f'<span class="badge text-bg-warning" data-testid="todo-count">{n}</span>' if n else "")
