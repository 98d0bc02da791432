from yingji.core.framework.registry import Registry, register
from yingji.screen.models import IncidentLink

register(Registry(
    model=IncidentLink, slug="incident-links", menu_group="应急指挥", icon="⇢",
    list_fields=["cause", "relation", "effect", "note"],
    search_fields=["cause__number", "cause__title", "effect__number", "effect__title", "note"],
    filter_fields=["relation", "cause", "effect"],
    natural_key=("id",), select_related=("cause", "effect"),
    form_fields=["cause", "effect", "relation", "note"],
    description="事件关联：登记一起突发事件引发的次生、衍生事件（如暴雨引发山体滑坡，滑坡阻断道路引发交通事故）。"
                "事理图谱按这些关联和事件时间轴中提到的事件编号，统计事件类型之间的先后链条，供研判参考，不作预测。",
))
