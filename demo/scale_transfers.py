"""`seed_scale`'s transfers (组织关系转接): about one Party member in a hundred has one, in turn still waiting,
accepted (the member already sits in the receiving branch) or returned; each goes to or came from the next branch
of the tree, with dates in the last year. None left the portal: their meetings' attendance stays that of members.
Written in bulk after the people, the same for the same seed."""

import random
from datetime import timedelta

from branches.models import Level
from members.models import MEMBER_STATUSES, Member, Transfer, TransferKind, TransferStatus

from .scale_tree import OrgPlan, ScaleSpec

#: One Party member in this many has a transfer.
EVERY = 100
STATES = (TransferStatus.PENDING, TransferStatus.ACCEPTED, TransferStatus.RETURNED)


def transfers_write(spec: ScaleSpec, tree: list[OrgPlan]) -> int:
    """Write the transfers of the generated set; returns how many."""
    branch_ids = [o.id for o in tree if o.level == Level.BRANCH]
    if len(branch_ids) < 2:
        return 0
    following = {pk: branch_ids[(i + 1) % len(branch_ids)] for i, pk in enumerate(branch_ids)}
    preceding = {pk: branch_ids[i - 1] for i, pk in enumerate(branch_ids)}
    rng = random.Random(spec.seed * 7_919 + 14)
    members = (
        Member.objects.filter(status__in=MEMBER_STATUSES, organisation_id__in=branch_ids)
        .order_by("pk")
        .values_list("pk", "organisation_id", "status")
    )
    # Every EVERY-th member; a small set still gets a few of each kind.
    stride = max(1, min(EVERY, members.count() // (2 * len(STATES))))
    rows = []
    for index, (pk, organisation_id, status) in enumerate(members.iterator(chunk_size=5_000)):
        if index % stride:
            continue
        state = STATES[len(rows) % len(STATES)]
        started_on = spec.until - timedelta(days=rng.randrange(20, 365))
        if state == TransferStatus.ACCEPTED:  # came from the branch before; now in its own
            source, target = preceding[organisation_id], organisation_id
        else:
            source, target = organisation_id, following[organisation_id]
        decided_on = None if state == TransferStatus.PENDING else started_on + timedelta(days=rng.randrange(1, 15))
        rows.append(
            Transfer(
                member_id=pk,
                kind=TransferKind.INTERNAL,
                status=state,
                from_organisation_id=source,
                to_organisation_id=target,
                member_status=status,
                reason="工作调动",
                started_on=started_on,
                decided_on=min(decided_on, spec.until) if decided_on else None,
                return_reason="接收单位有误" if state == TransferStatus.RETURNED else "",
            )
        )
    Transfer.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)
