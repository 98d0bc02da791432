"""The supervision actions, declared once each (core/framework/operations.py)."""
