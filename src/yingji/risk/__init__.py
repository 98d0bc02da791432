"""Risk grading (安全风险分级管控): pure engines now; the Django app joins with issue #3."""
