"""Password rules suited to 等保 2.0 practice (GB/T 22239-2019, 身份鉴别: passwords of some complexity,
changed when first issued) and the platform's one-time passwords.

The rules are settings a jurisdiction may set differently (docs/configuration.md): a minimum length
(``YINGJI_PASSWORD_MIN_LENGTH``, 8), how many of the four character classes — capitals, small
letters, digits, other signs — a password must mix (``YINGJI_PASSWORD_CLASSES``, 3), and Django's own
checks that it is not like the account's name and not a common password. Every place a person sets
a password (the password page, ``yingji adduser``, ``yingji changepassword``) runs them.

A one-time password is made by the platform, shown once to whoever issued it, and must be replaced
at the first login. It is random (about 70 bits), so it is stored with a fast hash of its own when
that hasher is installed (``OneTimePasswordHasher``): a slow hash protects guessable passwords, and
an import of three hundred accounts should not take minutes.
"""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hashers_by_algorithm, make_password
from django.core.exceptions import ValidationError

CLASSES = (("大写字母", string.ascii_uppercase), ("小写字母", string.ascii_lowercase), ("数字", string.digits))
CLASS_NAMES = ("大写字母", "小写字母", "数字", "其他符号")


def classes_of(password: str) -> int:
    """How many of the four character classes ``password`` mixes."""
    found = {name for name, chars in CLASSES if any(c in chars for c in password)}
    if any(not (c.isascii() and c.isalnum()) for c in password):
        found.add("其他符号")
    return len(found)


class MinimumLengthValidator:
    """At least ``YINGJI_PASSWORD_MIN_LENGTH`` characters (Django's own, with its message in Chinese:
    Django's Chinese catalogue lacks this one)."""

    def __init__(self, min_length=None):
        self.min_length = min_length

    @property
    def needed(self) -> int:
        return int(self.min_length or getattr(settings, "PASSWORD_MIN_LENGTH", 8))

    def validate(self, password, user=None):
        if len(password) < self.needed:
            raise ValidationError(f"密码太短：至少 {self.needed} 个字符", code="password_too_short")

    def get_help_text(self):
        return f"至少 {self.needed} 个字符"


class CharacterClassesValidator:
    """At least ``YINGJI_PASSWORD_CLASSES`` of the four character classes."""

    def __init__(self, classes=None):
        self.classes = classes

    @property
    def needed(self) -> int:
        return int(self.classes or getattr(settings, "PASSWORD_CHARACTER_CLASSES", 3))

    def validate(self, password, user=None):
        if classes_of(password) < self.needed:
            raise ValidationError(f"密码须包含{'、'.join(CLASS_NAMES)}中的至少 {self.needed} 类", code="password_classes")

    def get_help_text(self):
        return f"至少包含{'、'.join(CLASS_NAMES)}中的 {self.needed} 类"


# Easy to read aloud and to type on a phone: no 0/O, 1/l/I.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SIGNS = "#%+=@"


def generate(length: int | None = None) -> str:
    """A random password that meets the platform's rules (12 characters or the minimum, if longer)."""
    length = max(length or 12, int(getattr(settings, "PASSWORD_MIN_LENGTH", 8)))
    pools = [_UPPER, _LOWER, _DIGITS] + ([_SIGNS] if int(getattr(settings, "PASSWORD_CHARACTER_CLASSES", 3)) > 3 else [])
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few iterations, for the platform's random one-time passwords only."""

    algorithm = "pbkdf2_sha256_onetime"
    iterations = 20_000


def one_time_hash(secret: str) -> str:
    """The stored form of a one-time password: its own fast hasher when installed, else the default."""
    hasher = get_hashers_by_algorithm().get(OneTimePasswordHasher.algorithm)
    return hasher.encode(secret, hasher.salt()) if hasher is not None else make_password(secret)
