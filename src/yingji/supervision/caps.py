"""Which frequency rule applies to an enterprise: a pure engine, no Django."""
