"""The demo county's disasters (a step of ``yingji.core.framework.demo.load``)."""


def load(ctx) -> None:
    from yingji.disasters import officer_demo, services

    officer_demo.load(ctx)  # the 灾害信息员 network first: its accounts report the events' figures
    services.load_demo(ctx)
