"""REST API built from the registry declarations: one serializer and one viewset factory."""

from __future__ import annotations

import json

from django.core.exceptions import MultipleObjectsReturned
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, renderers, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from yingji.core.framework import history, listfilters, maplayers, services, tabular, times
from yingji.core.framework.models import ImportJob
from yingji.core.framework.registry import (
    MASK,
    Registry,
    ambiguous_key_message,
    get_registry,
    reference_for,
    registries,
    related_queryset,
)
from yingji.core.framework.related import of_parents, parent_links
from yingji.core.framework.rest import FormParser, JSONParser, MultiPartParser, query_number


class NaturalKeyRelatedField(serializers.SlugRelatedField):
    """Should two records share a natural key (a database from before it was unique): a 400 saying so."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except MultipleObjectsReturned:
            raise serializers.ValidationError(ambiguous_key_message(self.get_queryset().model, self.slug_field, data),
                                              code="ambiguous") from None


class ReferenceKeyField(NaturalKeyRelatedField):
    """One value of a many-to-many field with a Reference (a role): its key or its label; a value the
    user may not pick is refused naming it as people read it."""

    def __init__(self, reference=None, field_label="", **kwargs):
        self.reference, self.field_label = reference, field_label
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        ref = self.reference
        key = ref.key_for(data) if ref is not None and isinstance(data, str) else data
        try:
            return super().to_internal_value(key)
        except serializers.ValidationError:
            shown = ref.label(str(key)) if ref is not None else data
            raise serializers.ValidationError(f"不能选择“{shown}”：不在您可以选择的{self.field_label}之内",
                                              code="does_not_exist") from None


@extend_schema_field({"type": "array", "items": {"type": "string"}, "readOnly": True})
class ManyLabelsField(serializers.Field):
    """A many-to-many field's values as people read them (an account's roles: 乡镇用户 …)."""

    def __init__(self, model_field, **kwargs):
        self.reference = reference_for(model_field.related_model)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, manager):
        ref = self.reference
        return [ref.label(getattr(o, ref.key)) if ref else str(o) for o in manager.all()]


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}, "readOnly": True,
                      "description": "只在新建时返回一次（如新用户的一次性密码），此后为空对象"})
class ShownOnceField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, record):
        return {secret.name: secret.value for secret in services.shown_once(record) or ()}


class RegistrySerializer(serializers.ModelSerializer):
    """Validates through the model's own clean() so pages, imports and the API agree."""

    registry: Registry

    def get_fields(self):
        """Every writable relation field (by id or by natural key) takes its queryset from the one
        scope mechanism, so an out-of-scope key gets the same 400 as a key nobody has (the record being
        updated keeps what it already links to); without a request there is nobody to scope to, and
        nothing is accepted."""
        fields = super().get_fields()
        request = self.context.get("request")
        editing = self.instance if isinstance(self.instance, self.Meta.model) else None
        for name, f in fields.items():
            many = isinstance(f, serializers.ManyRelatedField)
            relation = f.child_relation if many else f
            if isinstance(relation, serializers.RelatedField) and not relation.read_only:
                model = relation.queryset.model
                keep = None
                if editing is not None:  # what the record links to already stays valid
                    keep = (list(getattr(editing, f.source or name).values_list("pk", flat=True)) if many
                            else getattr(editing, f"{f.source or name}_id", None))
                relation.queryset = (related_queryset(model, request.user, keep=keep) if request is not None
                                     else model._default_manager.none())
        return fields

    def to_representation(self, instance):
        """The record as JSON, personal fields masked for a reader without a personal role."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        for name in self.registry.masked_fields(request.user if request is not None else None):
            if data.get(name):
                data[name] = MASK
        return data

    def validate_photos(self, photos):
        from django.core.exceptions import ValidationError

        from yingji.core.framework.registry import check_photo

        if self.instance is not None and photos:
            raise serializers.ValidationError("照片只能在新增时一并提交；之后请用 …/attach/ 上传附件")
        for upload in photos:
            try:
                check_photo(upload)
            except ValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return photos

    def validate(self, attrs):
        reg = self.registry
        instance = self.instance or self.Meta.model()
        many = {name: list(attrs[name]) for name in reg.many_fields if name in attrs}
        for key, value in attrs.items():
            # not a field of the record: its many-to-many values (set after saving) and its
            # attachments (Registry.photos_on_create)
            if key not in many and key != "photos":
                setattr(instance, key, value)
        try:
            instance.full_clean(exclude=list(reg.secret_fields))  # secrets are the platform's to set
            if reg.clean_many is not None:
                current = {n: many[n] if n in many else (list(getattr(instance, n).all()) if instance.pk else [])
                           for n in reg.many_fields}
                reg.clean_many(instance, current)
        except DjangoValidationError as exc:
            errors = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
            raise serializers.ValidationError(errors) from exc
        self._validated_instance = instance
        self._many = many
        return attrs

    def create(self, validated_data):
        return services.save_instance(self.context["request"].user, self._validated_instance, self._many,
                                      photos=validated_data.get("photos", ()))

    def update(self, instance, validated_data):
        return services.save_instance(self.context["request"].user, self._validated_instance, self._many)


def serializer_class(reg: Registry):
    extra = {}
    for name in reg.editable_fields:
        f = reg.field(name)
        if f.many_to_many:
            key = reg.related_key(name)
            ref = reference_for(f.related_model)
            allowed = f"，可选：{'、'.join(f'{k}（{v}）' for k, v in ref.labels().items())}" if ref and ref.labels else ""
            extra[name] = ReferenceKeyField(
                many=True, reference=ref, field_label=str(f.verbose_name), slug_field=key,
                queryset=f.related_model.objects.all(), required=False,
                help_text=f"{f.verbose_name}（{key}，可多个{allowed}）")
            extra[f"{name}_names"] = ManyLabelsField(f, source=name)
        elif f.is_relation:
            key = reg.related_key(name)
            if key == "pk":  # no single natural key (people by name + mobile): the record's id
                extra[name] = serializers.PrimaryKeyRelatedField(
                    queryset=f.related_model.objects.all(), allow_null=f.null, required=not f.blank,
                    help_text=f"{f.verbose_name}（编号）")
            else:
                extra[name] = NaturalKeyRelatedField(
                    slug_field=key, queryset=f.related_model.objects.all(), allow_null=f.null, required=not f.blank,
                    help_text=f"{f.verbose_name}（{f.related_model._meta.get_field(key).verbose_name}）")
            extra[f"{name}_name"] = serializers.StringRelatedField(source=name, read_only=True, allow_null=f.null)
        elif hasattr(f, "api_field"):  # a field the API carries in another unit than the page (yuan, not 万元)
            extra[name] = f.api_field()
    read_only = ["id", "created_at", "updated_at"]
    internal = {"min_lon", "min_lat", "max_lon", "max_lat", *reg.secret_fields, *reg.hidden_fields}  # secrets never leave
    for f in reg.model._meta.concrete_fields:  # computed and workflow fields: state, level, path, centroid …
        if f.name not in reg.editable_fields and f.name not in read_only and f.name not in internal:
            read_only.append(f.name)
            if f.is_relation:
                key = reg.related_key(f.name)
                extra[f.name] = (serializers.PrimaryKeyRelatedField(read_only=True, allow_null=f.null) if key == "pk"
                                 else serializers.SlugRelatedField(slug_field=key, read_only=True, allow_null=f.null))
            elif f.choices and f.blank:  # e.g. a risk level before any assessment: "" belongs to the enum
                extra[f.name] = serializers.ChoiceField(choices=f.choices, read_only=True, allow_blank=True,
                                                        allow_null=f.null)
    if reg.on_create is not None:
        extra["shown_once"] = ShownOnceField()
    if reg.photos_on_create:  # taken with a new record, as its attachments (multipart)
        extra["photos"] = serializers.ListField(
            child=serializers.FileField(), write_only=True, required=False,
            help_text=f"{reg.photos_on_create}（新增时可一并上传多张，multipart；保存为记录的附件）")
    meta = type("Meta", (), {"model": reg.model, "fields": read_only + reg.editable_fields + [
        n for n in extra if n.endswith(("_name", "_names")) or n in ("shown_once", "photos")],
        "read_only_fields": read_only,
        "validators": []})  # constraints are checked once, by the model's full_clean in validate()
    return type(f"{reg.model.__name__}Serializer", (RegistrySerializer,), {**extra, "Meta": meta, "registry": reg})


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    actor = serializers.CharField(help_text="操作人姓名（系统操作为“系统”）")
    timestamp = serializers.DateTimeField()
    time = serializers.CharField(help_text="操作时间（北京时间，精确到分钟），如 2026-11-22 14:05")
    changes = serializers.ListField(child=serializers.DictField())


class ImportResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())
    shown_once = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False,
        help_text="只在这次回答中给出一次：新记录的 key 与一次性的值（如新用户的一次性密码 password）")
    warnings = serializers.ListField(child=serializers.CharField(), required=False,
                                     help_text="不影响导入的提示，逐行指明（如表中自带的计算值与平台计算值不符）")


class ImportJobSerializer(ImportResultSerializer):
    """A background import: the result's counts and errors (final once finished), with its progress."""

    job = serializers.IntegerField()
    url = serializers.URLField(help_text="本任务的接口地址（轮询）")
    page = serializers.URLField(help_text="本任务的页面")
    state = serializers.ChoiceField(choices=ImportJob.State.choices)
    state_label = serializers.CharField()
    finished = serializers.BooleanField()
    ok = serializers.BooleanField(allow_null=True, help_text="结束后：是否全部写入；未结束时为 null")
    total_rows = serializers.IntegerField()
    validated_rows = serializers.IntegerField()
    written_rows = serializers.IntegerField()


class TransitionRequestSerializer(serializers.Serializer):
    """The transition by name; its other declared inputs (level, summary …, photos as multipart) go
    beside these, as in POST /api/<slug>/<id>/<transition>/ where each is documented."""

    name = serializers.CharField(help_text=("操作，如 verify、reject、submit、close；"
                                              "其他输入（如 level、photos）按该操作的接口说明一并提交"))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RegistryViewSet(viewsets.ModelViewSet):
    registry: Registry

    def get_queryset(self):
        # Every record's links are shown by name (``*_name``): fetched with the records, not one by one.
        from yingji.core.framework.related import heavy_fields

        links = [f for f in self.registry.model._meta.concrete_fields if f.many_to_one]
        heavy = [f"{f.name}__{n}" for f in links for n in heavy_fields(f.related_model)]  # a name, not a boundary
        qs = self.registry.queryset(self.request.user).select_related(*[f.name for f in links])
        return qs.defer(*heavy) if heavy else qs

    def create(self, request, *args, **kwargs):
        if not self.registry.allow_create:
            from rest_framework.exceptions import MethodNotAllowed

            raise MethodNotAllowed("POST", detail=f"{self.registry.label}不能通过接口新增")
        response = super().create(request, *args, **kwargs)
        if self.registry.on_create is not None:  # the answer may hold a one-time secret
            response["Cache-Control"] = "no-store"
        return response

    def update(self, request, *args, **kwargs):
        # A record this user may not change although role and scope allow it (the registry's
        # refusal: an account holding a role the user may not grant): 403 with the reason before its
        # inputs are looked at. (A locked state is refused on saving, after the inputs.)
        reg = self.registry
        if reg.refusal is not None and (reason := reg.refusal(request.user, self.get_object())):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(reason)
        return super().update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.delete_instance(self.request.user, instance)

    @extend_schema(responses=HistoryEntrySerializer(many=True), summary="变更历史（分页，新的在前）")
    @action(detail=True, methods=["get"], filter_backends=[])  # paginated like every list, but not filtered
    def history(self, request, pk=None):
        record = self.get_object()
        page = self.paginate_queryset(history.entries_for(record))
        data = [history.describe(e, self.registry, masked=self.registry.masked_fields(request.user)) for e in page]
        return self.get_paginated_response(HistoryEntrySerializer(data, many=True).data)

    @extend_schema(request=TransitionRequestSerializer, responses=OpenApiTypes.OBJECT,
                   summary="流程状态与可执行操作（GET）；执行一个操作（POST，非法操作返回 409）")
    @action(detail=True, methods=["get", "post"], permission_classes=[IsAuthenticated],
            parser_classes=[JSONParser, FormParser, MultiPartParser])
    def transitions(self, request, pk=None):
        from yingji.core.framework import workflow

        reg = self.registry
        if reg.workflow is None or not request.user.has_perm(reg.perm("view")):
            return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
        record = self.get_object()
        if request.method == "POST":  # the transition's declared operation, its inputs and photos included
            from yingji.core.framework import operations
            from yingji.core.framework.operation_views import form_data

            body = TransitionRequestSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            op = operations.get(reg.slug, operations.kebab(body.validated_data["name"]))
            if op is None:
                raise workflow.TransitionError(f"没有名为“{body.validated_data['name']}”的操作")
            try:
                operations.perform(op, request.user, record, form_data(request), request.FILES)
            except operations.InvalidInput as exc:
                return Response(operations.errors_of(exc.form), status=status.HTTP_400_BAD_REQUEST)
            record.refresh_from_db()
        state = getattr(record, reg.state_field)
        return Response({
            "state": state, "state_label": reg.workflow.label(state),
            "available": [{"name": t.name, "label": t.label, "requires": list(t.requires)}
                          for t in workflow.available(request.user, record)],
            "log": [{"transition": e.transition, "label": e.label, "from": e.from_state, "to": e.to_state,
                     "actor": history.actor_name(e.actor), "at": e.at, "comment": e.comment,
                     "inputs": e.inputs} for e in workflow.log_of(record)],
        })

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY}, filters=True, summary="导出 Excel（按当前筛选条件）")
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return xlsx_response(self.registry, qs, user=request.user)

    @extend_schema(request=inline_serializer("ImportUpload", {"file": serializers.FileField()}),
                   responses={200: ImportResultSerializer, 400: ImportResultSerializer, 202: ImportJobSerializer},
                   summary="导入 .xlsx/.csv（全部成功才写入）；大文件转为后台任务，返回 202 与任务地址")
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        upload = request.FILES.get("file")
        if not self.registry.allow_create:
            return Response({"detail": f"{self.registry.label}不能导入"}, status=status.HTTP_405_METHOD_NOT_ALLOWED)
        if upload is None:
            return Response({"ok": False, "created": 0, "updated": 0, "unchanged": 0, "errors": ["请选择要导入的文件"]},
                            status=status.HTTP_400_BAD_REQUEST)  # the declared 400 of this operation: an ImportResult
        result = services.start_import(request.user, self.registry, upload.name, upload.read())
        if isinstance(result, ImportJob):  # a large file: 202 and the job to poll
            return Response(import_job_body(request, self.registry, result), status=status.HTTP_202_ACCEPTED)
        body = {"ok": result.ok, "created": result.created, "updated": result.updated,
                "unchanged": result.unchanged, "errors": result.errors, "warnings": result.warnings}
        if result.shown_once:
            body["shown_once"] = [{"key": key, **{s.name: s.value for s in secrets}} for key, secrets in result.shown_once]
        return Response(body, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(responses={200: ImportJobSerializer, 404: OpenApiTypes.OBJECT},
                   summary="后台导入任务的状态、进度与结果（仅提交人可见）")
    @action(detail=False, methods=["get"], url_path=r"import/jobs/(?P<job_id>[0-9]+)")
    def import_job(self, request, job_id=None):
        job = ImportJob.objects.filter(pk=job_id, owner=request.user, registry=self.registry.slug).first()
        if job is None:
            return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
        return Response(import_job_body(request, self.registry, job))


def import_job_body(request, reg: Registry, job: ImportJob) -> dict:
    from django.urls import reverse

    return {"job": job.pk, "url": request.build_absolute_uri(reverse(f"{reg.slug}-import-job", args=[job.pk])),
            "page": request.build_absolute_uri(reverse("registry_import_job", args=[reg.slug, job.pk])),
            "state": job.state, "state_label": job.get_state_display(), "finished": job.finished,
            "ok": job.state == ImportJob.State.DONE if job.finished else None, "total_rows": job.total_rows,
            "validated_rows": job.validated_rows, "written_rows": job.written_rows, "created": job.created,
            "updated": job.updated, "unchanged": job.unchanged, "errors": job.errors, "warnings": job.warnings}


def xlsx_response(reg: Registry, qs, *, template: bool = False, user=None) -> HttpResponse:
    fields = tabular.tabular_fields(reg)
    rows = [] if template else tabular.export_rows(reg, qs, fields, masked=reg.masked_fields(user))
    content = tabular.write_xlsx(reg, rows, fields, with_help=template)
    return tabular.download(content, f"{reg.label}{'导入模板' if template else ''}.xlsx")


class DocumentRenderer(renderers.BaseRenderer):
    """Lets a client ask for a document's own type (``Accept: application/cap+xml``) without a 406: the
    action answers with the file itself; an error answered under this renderer is still JSON."""

    media_type = "*/*"
    format = "document"  # not offered as ?format= in the schema: the Accept header chooses

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


def documents_action(reg: Registry):
    """GET /api/<slug>/<id>/documents/<name>/: the registry's declared documents (registry.RecordDocument),
    by the record's rules — view permission (403), the record in scope (404) — as the record page serves them."""
    from yingji.core.framework.documents import document_response

    names = ", ".join(f"{name}（{d.label}，{d.media_type}）" for name, d in reg.documents.items())
    media = sorted({d.media_type for d in reg.documents.values()})

    @extend_schema(
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(reg.documents),
                                     description=f"文书名称：{names}"),
                    OpenApiParameter("format", exclude=True)],
        responses={(200, m): OpenApiTypes.BINARY for m in media},
        summary=f"下载{reg.label}的文书", description=f"按记录生成的文书：{names}；记录不在管辖范围内或暂无该文书时 404")
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<name>[a-z0-9-]+)", url_name="document",
            renderer_classes=[renderers.JSONRenderer, DocumentRenderer], filter_backends=[], pagination_class=None)
    def document(self, request, pk=None, name=None):
        record = self.get_object()
        declared = reg.documents.get(name)
        if declared is None or not declared.ready(record):
            return Response({"detail": "没有这份文书"}, status=status.HTTP_404_NOT_FOUND)
        return document_response(declared, record, request.user)

    return document


def viewset_class(reg: Registry):
    from yingji.core.framework.operation_views import api_actions

    ordering = [n for n in reg.editable_fields if not reg.field(n).is_relation] + ["id", "created_at", "updated_at"]
    return extend_schema(tags=[reg.label])(type(f"{reg.model.__name__}ViewSet", (RegistryViewSet,), {
        **api_actions(reg.slug),  # the registry's declared operations, each an action
        **({"document": documents_action(reg)} if reg.documents else {}),  # its declared papers
        "registry": reg,
        "serializer_class": serializer_class(reg),
        "filterset_class": reg.filterset_class(),
        "search_fields": reg.search_fields,
        "ordering_fields": ordering,
        "queryset": reg.model.objects.none(),  # for schema and permission introspection only
    }))


def register_routes(router):
    for reg in registries():
        router.register(reg.slug, viewset_class(reg), basename=reg.slug)


# ---- map layers (GeoJSON) -----------------------------------------------------------------------

# Not an operation: a map layer (GET) of any located registry, it reads.
@extend_schema(summary="点位图层（GeoJSON）：任一带经纬度的登记簿，按视图范围和缩放级别返回点位或聚合（另可用该登记簿的筛选参数，"
                       "及指向某条记录的外键：如 organization=统一社会信用代码，与列表页“查看全部”相同）",
               description="低缩放级别下按网格聚合（要素含 cluster、count、bbox）；每次最多返回 "
                           f"{maplayers.MAX_FEATURES} 个要素。给出 id 时返回该记录一个要素及其列表字段（点开弹窗时读取）。",
               tags=["地图"], parameters=[*maplayers.PARAMETERS,
                                        OpenApiParameter("id", int, description="只取这一条记录（含列表字段）")],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def point_layer(request, slug):
    reg = get_registry(slug)
    if reg is None or not reg.has_point or not request.user.has_perm(reg.perm("view")):
        return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    qs = reg.filterset_class()(request.GET, queryset=reg.queryset(request.user), request=request).qs
    qs = of_parents(qs, parent_links(reg, request.GET))  # a record page's parts (its map)
    qs = listfilters.apply(reg, qs, request.GET)[0]  # apps' parameters (?tag=)
    if request.GET.get("id", "") != "":
        return Response(point_details(reg, qs, query_number(request, "id", None, kind=int, low=1, high=2**63 - 1)))
    view = maplayers.view_of(request)
    colour = reg.point_colour
    names = list(reg.map_name)
    columns = ["pk", "lon", "lat", *names, *([colour.field] if colour else [])]

    def feature(pk, lon, lat, values):
        props = {"id": pk, "name": " ".join(str(values[n]) for n in names if values[n] not in (None, "")),
                 "url": f"/registry/{reg.slug}/{pk}/"}
        if colour:
            props["colour"] = colour.of(values[colour.field])
        return maplayers.point(lon, lat, props)

    def points(rows, limit):
        return [feature(row["pk"], row["lon"], row["lat"], row)
                for row in rows.order_by("pk").values(*dict.fromkeys(columns))[:limit]]

    # A one-record cell carries its name and colour columns (MIN of one value), so it is drawn as its
    # point without another query; PostgreSQL has no MIN(boolean), so such a column is read instead.
    extra = list(dict.fromkeys(columns[3:]))
    if any(isinstance(reg.model._meta.get_field(n.split("__")[0]), models.BooleanField) for n in extra):
        extra, single = [], None
    else:
        def single(cell):
            return feature(cell["key"], cell["lon"], cell["lat"], cell["extra"])

    rank = maplayers.rank_of(colour.field, list(colour.colours)) if colour else None
    by_rank = (lambda r: colour.of(list(colour.colours)[r]) if r < len(colour.colours) else colour.other) if colour else None
    return Response(maplayers.layer(qs, view, points, colour=by_rank, rank=rank, extra=extra, single=single))


def point_details(reg, qs, pk) -> dict:
    """One record of a layer with its first list fields as people read them (what its popup shows)."""
    obj = qs.filter(pk=pk).exclude(lon=None).exclude(lat=None).first()
    if obj is None:
        return maplayers.collection([], clustered=False, total=0)
    props = {"id": obj.pk, "name": str(obj), "url": f"/registry/{reg.slug}/{obj.pk}/"}
    if reg.point_colour is not None:
        props["colour"] = reg.point_colour(obj)
    for name in reg.list_fields[:4]:
        props[reg.field_label(name)] = display_value(obj, reg, name)
    return maplayers.collection([maplayers.point(obj.lon, obj.lat, props)], clustered=False, total=1)


def display_value(obj, reg, name):
    """A field as people read it: the model's ``display_<field>()`` if it has one, choice labels, related
    names, times as 2026-11-22 14:05 (Asia/Shanghai)."""
    import datetime

    f = reg.field(name)
    value = getattr(obj, name)
    if value is None or value == "":
        return None
    if f.many_to_many:  # the values as people read them (prefetched with the records)
        ref = reference_for(f.related_model)
        return "、".join(ref.label(getattr(o, ref.key)) if ref else str(o) for o in value.all()) or None
    custom = getattr(obj, f"display_{name}", None)  # a model may say how a coded field reads
    if callable(custom):
        return custom()
    if f.choices:
        return getattr(obj, f"get_{name}_display")()
    if callable(page_text := getattr(f, "page_text", None)):  # a field that says how it reads (yuan as 万元)
        return page_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if f.is_relation:
        return history.actor_name(value)  # an account by the person's name, any other record by its own
    if isinstance(value, datetime.date):
        return times.minute(value)
    if isinstance(value, dict | list):  # JSON as JSON (a format people type), not as Python's repr
        return json.dumps(value, ensure_ascii=False)
    return value


# ---- the to-do inbox (待办) ------------------------------------------------------------------------

class ToDoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="待办事项，如 待核实、待审批")
    title = serializers.CharField(help_text="记录")
    registry = serializers.CharField(help_text="登记簿（接口路径 /api/<registry>/）")
    record_id = serializers.CharField(source="object_id", help_text="记录编号")
    state = serializers.CharField(help_text="记录的流程状态")
    url = serializers.CharField(help_text="记录页面")
    region_name = serializers.CharField(source="region.name")
    due_at = serializers.DateTimeField(allow_null=True, help_text="期限（无期限为 null，排在最后）")
    due_is_date = serializers.BooleanField(help_text="期限为日期（当天结束前）")
    overdue = serializers.BooleanField(help_text="已超期")
    assigned = serializers.SerializerMethodField(help_text="指定由您办理（任务责任人）")
    opened_at = serializers.DateTimeField()

    def get_assigned(self, todo) -> bool:
        return todo.assignee_id is not None


# Not an operation: the user's own inbox, it reads.
class ToDoListView(generics.ListAPIView):
    """GET /api/todos/: the open to-dos the user may act on (待办), by due time (none last)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ToDoSerializer
    filter_backends: list = []

    def get_queryset(self):
        from yingji.core.framework import todos

        return todos.for_user(self.request.user)

    @extend_schema(tags=["待办"], summary="我的待办：等待我办理的流程事项（按期限排序，无期限的在后）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
