"""Routing, coverage and allocation (pure engines) and the dispatch orders built on them."""
