"""API-wide settings classes, kept apart from api.py so DRF can import them at start-up: search,
pagination, the exception handler, the JSON parser, the query-string guard and the schema's shared error answers."""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from rest_framework import filters, pagination, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NUL_MESSAGE = "不能包含空字符（NUL）"


def query_number(request, name: str, default, *, kind=float, low=None, high=None):
    """A numeric query parameter, or the default when absent or empty; anything else is a 400 naming it."""
    raw = request.query_params.get(name, "") if hasattr(request, "query_params") else request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError({name: [f"{name} 应为{'整数' if kind is int else '数字'}"]}) from None
    if kind is float and not math.isfinite(value):
        raise serializers.ValidationError({name: [f"{name} 应为数字"]})
    if (low is not None and value < low) or (high is not None and value > high):
        raise serializers.ValidationError({name: [f"{name} 应在 {low} 到 {high} 之间"]})
    return value


class SearchFilter(filters.SearchFilter):
    """``?q=`` (settings.SEARCH_PARAM): DRF's, each field matched with the registry search lookup (core/framework/search.py:
    ``icontains``, a two-character term through the bigram index on PostgreSQL)."""

    def construct_search(self, field_name, queryset):
        lookup = super().construct_search(field_name, queryset)
        return lookup.removesuffix("__icontains") + "__search" if lookup.endswith("__icontains") else lookup


class Pagination(pagination.PageNumberPagination):
    """Page numbers and sizes are whole numbers from 1; anything else is a 400 naming the parameter
    (was: silently the first page / the default size). A page past the last is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        size = query_number(request, self.page_size_query_param, self.page_size, kind=int, low=1)
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.page_query_param, "") not in self.last_page_strings:
            query_number(request, self.page_query_param, 1, kind=int, low=1)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            p["schema"]["minimum"] = 1
            if p["name"] == self.page_size_query_param:
                p["description"] = f"每页条数（1–{self.max_page_size}，更大按 {self.max_page_size}）"
        return params


# What an error answer says when the library's own words are not Chinese ("No Incident matches the
# given query.", "JSON parse error - Expecting value …", "Request was throttled …"): by status code.
# Field names stay the JSON keys; only the messages are replaced.
STATUS_MESSAGES = {
    400: "请求有误，无法处理",
    401: "未登录或令牌无效：请先登录，或在请求头中提供有效的令牌（Authorization: Token 令牌）",
    403: "您的角色没有此操作的权限",
    404: "未找到。",
    405: "不允许的请求方法",
    406: "无法按请求的格式（Accept）返回结果",
    409: "当前状态下不能执行该操作",
    413: "请求内容过大",
    415: "不支持的请求内容类型",
    429: "请求过于频繁，请稍后再试",
}
PARSE_MESSAGE = "请求内容无法解析：不是有效的 JSON（或表单）"
FIELD_MESSAGE = "该值无效"
SERVER_ERROR_MESSAGE = "服务器出错，操作可能没有完成；请稍后重试，或告知系统管理员（错误已记入日志）"


def chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def _in_chinese(data, fallback: str):
    """Every message in an error body in Chinese: a message without a Chinese character becomes
    ``fallback``; keys (field names) are kept."""
    if isinstance(data, dict):
        return {k: _in_chinese(v, FIELD_MESSAGE if k not in ("detail", "non_field_errors") else fallback)
                for k, v in data.items()}
    if isinstance(data, list):
        return [_in_chinese(v, fallback) for v in data]
    if isinstance(data, str):
        return data if chinese(data) else fallback
    return data


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationErrors from services as 400 with field messages, and every
    message in Chinese (STATUS_MESSAGES where the library's words are English)."""
    from rest_framework import exceptions

    from yingji.core.framework.statemachine import TransitionError

    if isinstance(exc, TransitionError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(_in_chinese(body, STATUS_MESSAGES[400]), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None:
        if isinstance(exc, exceptions.ParseError):
            response.data = {"detail": PARSE_MESSAGE}
        else:
            fallback = STATUS_MESSAGES.get(response.status_code, STATUS_MESSAGES[400])
            response.data = _in_chinese(response.data, fallback)
    return response


def nul_path(value, path: str = "") -> str | None:
    """Where a NUL character sits in parsed JSON (``regions[2]``), or None. PostgreSQL refuses NUL in
    text and jsonb, so such input would otherwise end as a server error."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = nul_path(item, where)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_path(item, f"{path}[{i}]")
            if found:
                return found
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser refusing NUL characters anywhere in the document, with where they are."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        where = nul_path(data)
        if where:
            raise serializers.ValidationError({where.split(".")[0].split("[")[0]: [f"{where} {NUL_MESSAGE}"]})
        return data


def _refuse_nul_in_form(data):
    for name, values in data.lists():
        if "\x00" in name or any(isinstance(v, str) and "\x00" in v for v in values):
            name = name.replace("\x00", "")
            raise serializers.ValidationError({name: [f"{name} {NUL_MESSAGE}"]})


class FormParser(parsers.FormParser):
    """DRF's form parser refusing NUL characters (a related record looked up by such a code was a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(parsed.data)
        return parsed


class QueryGuardMiddleware:
    """Every query string, page or API: a NUL character in a name or value is a 400 naming the parameter
    (PostgreSQL refuses NUL in text, so a search for it was a server error). Under /api/ each parameter
    may also appear only once: none is declared as a list, and the repeats were silently dropped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return self._refuse(api, name.replace("\x00", "\\0"), f"{name.replace(chr(0), '')} {NUL_MESSAGE}")
            if api and len(values) > 1:
                return self._refuse(api, name, f"{name} 只能给一个值")
        return self.get_response(request)

    @staticmethod
    def _refuse(api, name, message):
        if api:
            return JsonResponse({name: [message]}, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


# ---- the schema: every operation's error answers, one place ---------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：detail 说明原因；字段错误为 字段 → 消息列表（non_field_errors 为整体错误）",
    "properties": {
        "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {},
}
ERRORS = {"400": "请求有误（参数或字段错误，指明是哪一个）", "401": "未认证（缺少或无效的令牌/会话）",
          "403": "无权执行（角色不允许）", "404": "未找到（不存在或不在管辖范围内）",
          "405": "不允许的方法（如该登记簿不能通过接口新增）", "409": "状态冲突（当前状态下不能执行该操作）"}
WRITES = {"post", "put", "patch", "delete"}


def declare_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: declares 400/401/403/404/409 (and 405 on writes) with the
    shared Error body on every operation that does not declare its own, and says of every optional query
    parameter that an empty value counts as not given (as django-filter and DRF treat it, as forms send it)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code == "405" and method not in WRITES:
                    continue
                responses.setdefault(code, {"content": ref, "description": description})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


def server_error(request):
    """500: JSON under /api/ (Chinese, as every API error is), the standalone Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": SERVER_ERROR_MESSAGE}, status=500, json_dumps_params={"ensure_ascii": False})
    from django.views.defaults import server_error as page

    return page(request)


def not_found(request, exception=None):
    """404 for an address that matches nothing: JSON under /api/ (as every API error is), the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404, json_dumps_params={"ensure_ascii": False})
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
