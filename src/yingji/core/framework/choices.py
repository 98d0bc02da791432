"""The framework's choices, defined once with Chinese labels."""

from django.db import models


class NotificationLevel(models.TextChoices):
    """How urgent an in-app notification is; the notifications page badges 紧急 and 提醒. The one set
    every ``notify`` call chooses from (notify refuses anything else)."""
    INFO = "info", "提示"
    WARNING = "warning", "提醒"
    URGENT = "urgent", "紧急"
