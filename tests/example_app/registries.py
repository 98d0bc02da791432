from tests.example_app.models import Hydrant
from yingji.core.framework.registry import Registry, register

register(Registry(
    model=Hydrant, slug="hydrants", menu_group="消防水源", list_fields=["code", "name", "region", "pressure_mpa"],
    search_fields=["code", "name"], filter_fields=["region"], natural_key=("code",), select_related=("region",),
))
