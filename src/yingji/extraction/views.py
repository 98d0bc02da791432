"""POST /api/extraction/: the facts of a pasted text, each with its span. An API view, not an
operation: it changes nothing (the officer confirms the values in the form they fill)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yingji.extraction import services

MAX_TEXT_CHARS = 100_000


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
