"""Django validators wrapping the national identifier rules in codes.py."""

from django.core.exceptions import ValidationError

from yingji.core.directory import codes


def _raise_if(message):
    if message:
        raise ValidationError(message)


def validate_credit_code(value: str):
    _raise_if(codes.credit_code_error(value))


def validate_industry_code(value: str):
    _raise_if(codes.industry_code_error(value))
