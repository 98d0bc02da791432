"""The demo county's supervision: this year's plan, a draw already done and 12 checks."""


def load(ctx) -> None:
    return None
