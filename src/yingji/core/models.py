"""The core app's models, where Django looks for them: the framework's (core/framework/models.py)
and the directory's (core/directory/models.py). Apps import any of them from here."""

from yingji.core.directory.models import Organization, Person, Region, User
from yingji.core.directory.rules import JurisdictionRule, rules_for
from yingji.core.framework.models import (
    Attachment,
    DomainModel,
    GeoPoint,
    GeoShape,
    ImportJob,
    JobRun,
    LiveEvent,
    Notification,
    NumberSequence,
    ScopedPart,
    ScopedQuerySet,
    SubmissionKey,
    ToDo,
    TransitionLog,
    attachment_path,
)

__all__ = ["Attachment", "DomainModel", "GeoPoint", "GeoShape", "ImportJob", "JobRun", "JurisdictionRule",
           "LiveEvent", "Notification", "NumberSequence", "Organization", "Person", "Region", "ScopedPart",
           "ScopedQuerySet", "SubmissionKey", "ToDo", "TransitionLog", "User", "attachment_path", "rules_for"]
