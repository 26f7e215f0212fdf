"""What outside the meeting services moves a cached figure or page of the meetings app. No rule lives here: the
receivers only invalidate caches, the one way to hear of every writer of these tables.

- members (who counts as a 正式党员), committees (who owes a 支部委员会), requirements and the tree move the
  compliance figures' version (`summary.figures_version`);
- a member's name shows as host in the meeting list, an organisation's name and path in every row: a changed
  member touches the organisations whose meetings they host, a changed or moved organisation renews every cached
  list page (`list_cache`).
"""

from django.db.models.signals import post_delete, post_save
from treebeard.mp_tree import nodes_deleted, path_updated

from branches.models import CommitteePost, CommitteeTerm, Organisation
from members.models import Member

from . import list_cache, summary
from .models import RequirementOverride

WATCHED = (Member, CommitteeTerm, CommitteePost, Organisation, RequirementOverride)


def _figures_changed(sender, **kwargs) -> None:
    summary.bump_version()


def _tree_changed(sender, **kwargs) -> None:
    summary.bump_version()
    list_cache.reset()


def _member_saved(sender, instance: Member, created: bool = False, **kwargs) -> None:
    if created:  # a new member hosts no meeting yet
        return
    paths = Organisation.objects.filter(meetings__host=instance).values_list("path", flat=True).distinct()
    list_cache.touch(*paths)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_figures_changed, sender=model, dispatch_uid=f"meetings-figures-{model._meta.label}-save")
        post_delete.connect(
            _figures_changed, sender=model, dispatch_uid=f"meetings-figures-{model._meta.label}-delete"
        )
    post_save.connect(_member_saved, sender=Member, dispatch_uid="meetings-list-member-save")
    post_save.connect(_tree_changed, sender=Organisation, dispatch_uid="meetings-list-organisation-save")
    post_delete.connect(_tree_changed, sender=Organisation, dispatch_uid="meetings-list-organisation-delete")
    path_updated.connect(_tree_changed, dispatch_uid="meetings-tree-moved")
    nodes_deleted.connect(_tree_changed, dispatch_uid="meetings-tree-deleted")
