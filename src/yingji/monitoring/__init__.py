"""Monitoring and early warning (监测预警). The pure rule engine comes first; the Django app joins with issue #4."""
