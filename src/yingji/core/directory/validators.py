"""Django validators wrapping the national identifier rules in codes.py."""

from yingji.core.directory import codes
from yingji.core.framework.validators import _raise_if


def validate_credit_code(value: str):
    _raise_if(codes.credit_code_error(value))


def validate_industry_code(value: str):
    _raise_if(codes.industry_code_error(value))
