"""The two faces of every declared operation: the page (``OperationView``) and the API action on the
registry's viewset (``api_actions``). Neither checks permissions itself: ``operations.perform`` does."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.framework import operations
from yingji.core.framework.operations import Conflict, InvalidInput, Operation, PhotosField
from yingji.core.framework.rest import FormParser, JSONParser, MultiPartParser
from yingji.core.framework.statemachine import TransitionError


def _declared(registry: str, name: str) -> Operation:
    op = operations.get(registry, name)
    if op is None or not op.page:
        raise Http404("没有这项操作")
    return op


class OperationView(LoginRequiredMixin, View):
    """GET: the operation's form (or a confirmation); POST: take it. Errors keep what was typed:
    the form comes back with each field's message (400) or the reason it cannot be taken now (409)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.op = _declared(kwargs["registry"], kwargs["name"])
        self.record = operations.record_for(self.op, request.user, kwargs["pk"]) if self.op.detail else None
        if not self.op.detail and "pk" in kwargs:
            raise Http404("没有这项操作")
        if self.op.detail and "pk" not in kwargs:
            raise Http404("没有这项操作")
        reason = self.op.refused(request.user, self.record)
        if reason:
            raise PermissionDenied(reason)
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        if self.record is not None:
            return reverse("registry_detail", args=[self.op.registry, self.record.pk])
        return reverse("registry_list", args=[self.op.registry])

    def next(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return target
        return ""

    def page(self, form, *, conflict="", code=200):
        # An idempotent operation's form carries a key made now; a form shown again after an error keeps
        # the one it was sent with (nothing was taken, so it is still unused).
        key = ""
        if self.op.idempotent:
            sent = self.request.POST.get(operations.KEY_FIELD, "") if self.request.method == "POST" else ""
            key = sent if sent and code != 200 else operations.new_key()
        return render(self.request, self.op.template or "operations/form.html", {
            "idempotency_key": key,
            "op": self.op, "reg": self.op.reg, "obj": self.record, "form": form, "conflict": conflict,
            "next": self.next(), "back": self.next() or self.back(),
            "multipart": form is not None and any(f.widget.needs_multipart_form for f in form.fields.values()),
        }, status=code)

    def get(self, request, **kwargs):
        # A link may prefill the form (?level=II from the desk's level picker); nothing is taken on GET.
        form = self.op.form(user=request.user, record=self.record, initial=request.GET.dict()) if self.op.form else None
        return self.page(form)

    def _next_after(self, result) -> str:
        if self.op.next_url is not None:
            return self.op.next_url(self.record, result)
        return self.next() or self.back()

    def post(self, request, **kwargs):
        try:
            result, replay = operations.perform_once(self.op, request.user, self.record, request.POST, request.FILES,
                                                     request.POST.get(operations.KEY_FIELD, ""),
                                                     next_url=self._next_after)
            if replay is not None:  # sent again (a resend after a dropped connection): nothing taken twice
                messages.info(request, f"这份表单已提交过，没有重复登记：{replay.answer.get('message', '')}")
                return self._went(replay.next_url or self.back())
        except InvalidInput as exc:
            return self.page(exc.form, code=400)
        except TransitionError as exc:  # Conflict included: the state forbids it now
            form = self.op.bind(request.user, self.record, request.POST, request.FILES)
            if form is not None:
                form.is_valid()
            return self.page(form, conflict=str(exc), code=409)
        done = self.op.message(result) if self.op.message else f"已{self.op.label}"
        if self.op.shown_once is not None:  # a secret for this answer only: no message, no redirect
            from yingji.core.framework.views import shown_once_page

            return shown_once_page(request, {"reg": self.op.reg, "obj": self.record, "op": self.op}, done,
                                   [(str(self.record) if self.record is not None else "", self.op.shown_once(result))])
        messages.success(request, done)
        return self._went(self._next_after(result))

    def _went(self, url: str):
        """Where the page goes after the operation: a redirect, or for the offline form's script
        (offline-form.js sends ``X-Yingji-Form: fetch``) the address as JSON, so that the message is
        still waiting for the page it then opens."""
        if self.request.headers.get("X-Yingji-Form") == "fetch":
            from django.http import JsonResponse

            return JsonResponse({"ok": True, "next": url})
        return redirect(url)


def operation_page(registry: str, name: str):
    """The view for one declared operation's page at an address of its own (``/resources/stock/move/``):
    the same OperationView, its checks and errors, with the operation fixed."""
    view = OperationView.as_view()

    def page(request, **kwargs):
        return view(request, registry=registry, name=name, **kwargs)

    page.__doc__ = f"The page of the declared operation {registry}/{name} (core/operation_views.OperationView)."
    return page


# ---- the API face ---------------------------------------------------------------------------------

def form_data(request) -> QueryDict | MultiValueDict:
    """request.data as a form's data: a form post as it is, a JSON object with each list as the
    field's several values and each other value as text (what a form field parses)."""
    data = request.data
    if isinstance(data, QueryDict):
        return data
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["请求体应为 JSON 对象或表单"]})
    out = MultiValueDict()
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        out.setlist(key, [_as_text(v) for v in values])
    return out


def _as_text(value):
    """A JSON scalar as the text a form field parses; an object or array stays as it is, for a field
    that takes rows (OperationForm refuses it at any other field)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _api_field(form_field):
    from django import forms

    common = {"required": form_field.required,  # its label, then what the page says under it
              "help_text": "：".join(str(text) for text in (form_field.label, form_field.help_text) if text)}
    if hasattr(form_field, "api_field"):  # a field that documents its own shape (a list of demand rows …)
        return form_field.api_field(**common)
    if isinstance(form_field, PhotosField):
        return serializers.ListField(child=serializers.FileField(), **common)
    if isinstance(form_field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(form_field, forms.ModelChoiceField):
        key = form_field.to_field_name
        if not key:
            common["help_text"] += "（记录编号 id，在您的管辖范围内）"
        return (serializers.CharField(**common) if key else serializers.IntegerField(**common))
    if isinstance(form_field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(choices=list(form_field.choices)), **common)
    if isinstance(form_field, forms.ChoiceField):
        choices = [c for c in form_field.choices if c[0] != ""]
        # The values with their labels in the description, not as an enum: drf-spectacular lifts every
        # enum into a component named after the field, and two operations' "kind" differ.
        # (In help_text: drf-spectacular lets a field's help_text replace the schema's description.)
        common["help_text"] = f"{common['help_text']}，可选：" + "、".join(f"{v}（{label}）" for v, label in choices)
        field_class = extend_schema_field({"type": "string"})(type("OperationChoiceField", (serializers.ChoiceField,), {}))
        return field_class(choices=choices, allow_blank=not form_field.required, **common)
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(min_value=form_field.min_value, max_value=form_field.max_value, **common)
    if isinstance(form_field, forms.FloatField | forms.DecimalField):
        return serializers.FloatField(min_value=form_field.min_value, max_value=form_field.max_value, **common)
    if isinstance(form_field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**common)
    return serializers.CharField(max_length=getattr(form_field, "max_length", None),
                                 allow_blank=not form_field.required, **common)


def request_serializer(op: Operation):
    """The documented request body: the operation's form fields (built with no user: the schema
    does not depend on who reads it) as serializer fields."""
    fields = {}
    if op.form is not None:
        for name, form_field in op.form(user=None, record=None).fields.items():
            fields[name] = _api_field(form_field)
    return inline_serializer(f"{_camel(op.registry)}{_camel(op.name)}Input", fields)


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("_", "-").split("-"))


def _multipart(op: Operation) -> bool:
    return op.form is not None and any(f.widget.needs_multipart_form for f in op.form(user=None).fields.values())


def _api_handler(op: Operation):
    def handler(self, request, pk=None):
        record = operations.record_for(op, request.user, pk) if op.detail else None
        try:
            result, replay = operations.perform_once(op, request.user, record, form_data(request), request.FILES,
                                                     request.headers.get(operations.KEY_HEADER, ""))
        except InvalidInput as exc:
            return Response(operations.errors_of(exc.form), status=status.HTTP_400_BAD_REQUEST)
        except TransitionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if replay is not None:  # the same Idempotency-Key again: the first answer, nothing taken twice
            response = Response(replay.answer)
            response["Idempotent-Replayed"] = "true"
            return response
        response = Response(operations.answer(op, result))
        if op.shown_once is not None:  # a one-time secret: kept by no cache
            response["Cache-Control"] = "no-store"
        return response

    handler.__name__ = f"op_{op.name.replace('-', '_')}"
    handler.__doc__ = op.summary or op.label
    parsers = [MultiPartParser, FormParser, JSONParser] if _multipart(op) else [JSONParser, FormParser, MultiPartParser]
    answer_fields = {"ok": serializers.BooleanField(), "message": serializers.CharField(),
                     "id": serializers.IntegerField(required=False, help_text="所建或所改记录的编号")}
    for name, label in op.shown_once_names:  # answered once (a one-time password), never again
        answer_fields[name] = serializers.CharField(help_text=f"{label}：只在这次回答中给出一次")
    answer = inline_serializer(f"{_camel(op.registry)}{_camel(op.name)}Result", answer_fields)
    decorated = action(detail=op.detail, methods=["post"], url_path=op.name, url_name=f"op-{op.name}",
                       permission_classes=[IsAuthenticated], parser_classes=parsers, filter_backends=[],
                       pagination_class=None)(handler)
    body = request_serializer(op)
    # With files: multipart (JSON still takes every other input); without: JSON or a form post.
    media = (["multipart/form-data", "application/json"] if _multipart(op)
             else ["application/json", "application/x-www-form-urlencoded"])
    parameters = [OpenApiParameter(operations.KEY_HEADER, str, OpenApiParameter.HEADER, required=False,
                                   description="提交标识（16–64 位字母、数字、- 或 _）：同一标识再次提交时返回首次的回答，"
                                               "不重复办理（网络中断后重发）")] if op.idempotent else []
    return extend_schema(request={m: body for m in media}, parameters=parameters,
                         responses={200: answer, 400: OpenApiResponse(OpenApiTypes.OBJECT),
                                    409: OpenApiResponse(OpenApiTypes.OBJECT)},
                         summary=op.label, description=op.summary or op.label)(decorated)


def api_actions(registry: str) -> dict:
    """The viewset actions for the operations declared on ``registry``."""
    return {f"op_{op.name.replace('-', '_')}": _api_handler(op) for op in operations.operations(registry)}


__all__ = ["Conflict", "OperationView", "api_actions", "operation_page", "request_serializer"]
