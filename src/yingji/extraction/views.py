"""POST /api/extraction/: the facts of a pasted text, each with its span; POST /api/extraction/fill/:
the same facts as a form's field values (the form's declared map, filling.py); POST
/api/extraction/file/: the text of an uploaded .txt or .docx. API views, not operations: they change
nothing (the officer confirms the values in the form they fill; the save records what was corrected)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yingji.extraction import filling, services

MAX_TEXT_CHARS = services.MAX_TEXT_CHARS


class ExtractionRequest(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, trim_whitespace=False,
                                 help_text="灾情文字：电话记录、微信消息、通报或新闻（简体或繁体）")
    reference_date = serializers.DateField(required=False, allow_null=True,
                                           help_text="文字本身的日期，用于推算“7月4日”“昨天”的年份；默认今天")


class ExtractionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ExtractionRequest, responses={200: dict, 400: dict}, tags=["灾情信息提取"],
                   summary="从灾情文字中提取事件类型、时间、地点、人员伤亡、房屋、农作物和经济损失",
                   description="每个值带原文位置（start, end, text）和置信度；约、近、余、多的数值标为 approximate；"
                   "地名有多个可能时 code 为空并列出 candidates。文字没有说的项不出现（未知）。",
                   examples=[OpenApiExample("乡镇电话", value={"text": "7月3日14时许，双河镇发生山体滑坡，造成3人死亡。"})])
    def post(self, request):
        form = ExtractionRequest(data=request.data)
        form.is_valid(raise_exception=True)
        result = services.extract_for(request.user, form.validated_data["text"],
                                      form.validated_data.get("reference_date"))
        return Response(result.as_dict())


class FillRequest(ExtractionRequest):
    form = serializers.ChoiceField(choices=[], help_text="要填写的表单（其填表映射的标识）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [(m.key, m.label) for m in filling.maps()]


class FillView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=FillRequest, tags=["灾情信息提取"], responses={200: inline_serializer("ExtractionFill", {
                       "form": serializers.CharField(), "label": serializers.CharField(),
                       "fields": serializers.DictField(child=serializers.DictField()),
                       "notes": serializers.ListField(child=serializers.CharField()),
                       "extraction": serializers.DictField()}), 400: dict},
                   summary="按表单的填表映射，把灾情文字的提取结果转为该表单各字段的建议值",
                   description="fields：表单字段 → {value, source, start, end, text, confidence, approximate, note}；"
                   "notes：对整张表的提示（如原文数字不是累计数）。只是建议，不保存任何数据。表单提交时带上原文（extraction_text），平台记录每个字段的提取值与保存值。")
    def post(self, request):
        form = FillRequest(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        extraction, found = services.proposals(request.user, data["form"], data["text"], data.get("reference_date"))
        fill = filling.get(data["form"])
        return Response({"form": data["form"], "label": fill.label,
                         "fields": {name: p.as_dict() for name, p in found.items()},
                         "notes": fill.remarks(extraction), "extraction": extraction.as_dict()})


class FileRequest(serializers.Serializer):
    file = serializers.FileField(help_text=".txt（UTF-8 或 GBK）或 .docx，不超过 8 MB")


class FileTextView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": FileRequest}, tags=["灾情信息提取"],
                   responses={200: inline_serializer("ExtractionFileText", {
                       "name": serializers.CharField(), "text": serializers.CharField()}), 400: dict},
                   summary="读出上传的 .txt 或 .docx 文件的文字（供粘贴文字提取）")
    def post(self, request):
        from django.core.exceptions import ValidationError
        from rest_framework.exceptions import ValidationError as ApiError

        form = FileRequest(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            text = services.text_of_file(upload)
        except ValidationError as exc:
            raise ApiError(exc.message_dict) from None
        return Response({"name": upload.name, "text": text[:MAX_TEXT_CHARS]})
