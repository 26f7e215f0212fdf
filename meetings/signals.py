"""What outside the meeting services makes a cached meetings page stale (`page_cache`). No rule lives here: the
receivers only renew caches, the one way to hear of every writer of these tables.

- a member counts as 正式党员 in their branch's figures and is named as host in the meeting list: a saved or
  deleted member touches their branch and party group (before and after a transfer) and the organisations whose
  meetings they host;
- a committee term or post decides who owes a 支部委员会: it touches its organisation;
- a requirement override applies to a whole subtree, and an organisation's name and place show on every page:
  either renews every page, as does a move in the tree (treebeard's path_updated and nodes_deleted).
"""

from django.db.models.signals import post_delete, post_save, pre_save
from treebeard.mp_tree import nodes_deleted, path_updated

from branches.models import CommitteeTerm, Organisation
from members.models import CommitteePost, Member

from . import page_cache
from .models import RequirementOverride


def _member_units(member: Member) -> set[int]:
    return {pk for pk in (member.organisation_id, member.party_group_id) if pk}


def _member_before(sender, instance: Member, **kwargs) -> None:
    """Remember where a member was, so a transfer renews the pages of the branch they left."""
    if instance._state.adding or instance.pk is None:
        instance._units_before = set()
        return
    row = Member.all_objects.filter(pk=instance.pk).values_list("organisation_id", "party_group_id").first()
    instance._units_before = {pk for pk in (row or ()) if pk}


def _member_changed(sender, instance: Member, created: bool = False, **kwargs) -> None:
    units = _member_units(instance) | getattr(instance, "_units_before", set())
    paths = set(Organisation.objects.filter(pk__in=units).values_list("path", flat=True))
    if not created:  # a new member hosts nothing yet
        paths |= set(Organisation.objects.filter(meetings__host=instance).values_list("path", flat=True).distinct())
    page_cache.touch(*paths)


def _committee_changed(sender, instance, **kwargs) -> None:
    term = instance if isinstance(instance, CommitteeTerm) else instance.term
    page_cache.touch_organisations(term.organisation_id)


def _everything_changed(sender, **kwargs) -> None:
    page_cache.reset()


def connect() -> None:
    pre_save.connect(_member_before, sender=Member, dispatch_uid="meetings-pages-member-before")
    post_save.connect(_member_changed, sender=Member, dispatch_uid="meetings-pages-member-save")
    post_delete.connect(_member_changed, sender=Member, dispatch_uid="meetings-pages-member-delete")
    for model in (CommitteeTerm, CommitteePost):
        uid = f"meetings-pages-{model._meta.label}"
        post_save.connect(_committee_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_committee_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for model in (RequirementOverride, Organisation):
        uid = f"meetings-pages-{model._meta.label}"
        post_save.connect(_everything_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_everything_changed, sender=model, dispatch_uid=f"{uid}-delete")
    path_updated.connect(_everything_changed, dispatch_uid="meetings-pages-tree-moved")
    nodes_deleted.connect(_everything_changed, dispatch_uid="meetings-pages-tree-deleted")
