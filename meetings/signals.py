"""What outside the meetings moves a compliance figure: members (who counts as a 正式党员), committees (who owes a
支部委员会), requirements and the tree. Each change bumps the figures' version after it commits, so a cached
compliance page is computed again (`summary.figures_version`)."""

from django.db.models.signals import post_delete, post_save

from branches.models import CommitteePost, CommitteeTerm, Organisation
from members.models import Member

from . import summary
from .models import RequirementOverride

WATCHED = (Member, CommitteeTerm, CommitteePost, Organisation, RequirementOverride)


def _changed(sender, **kwargs) -> None:
    summary.bump_version()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"meetings-figures-{model._meta.label}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"meetings-figures-{model._meta.label}-delete")
