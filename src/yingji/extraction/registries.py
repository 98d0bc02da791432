from yingji.core.framework.registry import Registry, register
from yingji.extraction.models import ExtractionCorrection

register(Registry(
    model=ExtractionCorrection, slug="extraction-corrections", menu_group="应急指挥", icon="✎",
    list_fields=["recorded_at", "page_label", "record", "field_label", "proposed", "saved", "corrected", "span",
                 "recorded_by", "region"],
    search_fields=["record", "field_label", "proposed", "saved", "span"],
    filter_fields=["page", "corrected", "source", "region"],
    natural_key=("id",), select_related=("region", "recorded_by"), append_only=True,
    description="提取校正记录：粘贴文字提取填表后保存时，每个字段的提取值与最终保存值、原文片段、页面、保存人和时间；"
                "只追加，可导出 Excel，作为本局的提取评测集。",
))
