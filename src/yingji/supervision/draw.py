"""The reproducible random draw (双随机): a pure engine, no Django (see docs/decisions/0021)."""
