"""The demo county's disasters (a step of ``yingji.core.framework.demo.load``)."""


def load(ctx) -> None:
    from yingji.disasters import services

    services.load_demo(ctx)
