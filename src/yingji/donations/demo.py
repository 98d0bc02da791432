def load(ctx) -> None:
    pass
