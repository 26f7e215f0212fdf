"""A provincial-size data set for benchmarks (`seed_scale`): the tree, people, committees, meetings, attendance and
dues (scale_dues.py).

Everything is drawn from one seed: the tree from a generator seeded with it, each branch's people and calendar from
a generator seeded with (seed, branch number), so the same seed gives the same rows whatever the chunking. Rows are
plain tuples written in bulk (COPY on PostgreSQL, batched `bulk_create` elsewhere) one chunk of branches at a time,
so memory stays bounded whatever the size. Primary keys are assigned here (the command runs on an empty data set)
and the sequences are moved past them at the end.

Bulk writes skip django-simple-history: seeded records have no history rows, as if they had been imported.

scale_tree.py plans the tree and scale_branch.py each branch's rows; this module writes them and runs the whole build.
"""

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model

from branches.models import CommitteeTerm, Domain, Level, Organisation
from dues.models import DuesDeclaration, DuesPayment, DuesPaymentMonth, DuesRate
from meetings import services as meeting_services
from meetings.models import Attendance, Meeting, MeetingType, MeetingTypeLink, Period, RequirementOverride
from members.models import CommitteePost, Member

from .scale_branch import WRITE_ORDER, BranchBuilder, Ids, Rows
from .scale_development import development_write
from .scale_dues import dues_build
from .scale_transfers import transfers_write
from .scale_tree import ORG_COLUMNS, OrgPlan, ScaleSpec, plan_tree

#: Flush buffered rows once this many attendance rows are waiting (bounds memory; one transaction per flush).
FLUSH_ROWS = 100_000


# --- Writing ------------------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def write_rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert rows: COPY on PostgreSQL, batched `bulk_create` elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", buffer)
        return
    manager = model._base_manager
    manager.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)


def flush(rows: Rows) -> None:
    """Write every buffered row in foreign-key order in one transaction, then empty the buffers."""
    with transaction.atomic():
        for model, columns in WRITE_ORDER:
            write_rows(model, columns, rows.tables[model])
            rows.tables[model].clear()


# --- The whole data set -------------------------------------------------------------------------------------------

#: Portal apps whose tables `--reset` empties (users, sessions and settings are kept).
PORTAL_APPS = ("branches", "members", "meetings", "evaluations", "study", "dues", "development")
#: Tables of the portal apps that hold settings, not data: kept by `--reset` (the dues rates seeded by a migration).
KEPT_MODELS = (DuesRate,)


def portal_models() -> list[type[Model]]:
    return [
        m
        for label in PORTAL_APPS
        if label in apps.app_configs
        for m in apps.get_app_config(label).get_models()
        if m not in KEPT_MODELS
    ]


def has_data() -> bool:
    """Whether the database already holds organisations, people or meetings."""
    return Organisation.objects.exists() or Member.all_objects.exists() or Meeting.all_objects.exists()


def wipe() -> None:
    """Empty every table of the portal apps (history included) and restart their sequences."""
    tables = [m._meta.db_table for m in portal_models()]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _next_id(model: type[Model]) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(
        no_style(),
        [Organisation, Member, CommitteeTerm, CommitteePost, Meeting, MeetingTypeLink, Attendance, DuesDeclaration,
         DuesPayment, DuesPaymentMonth],
    )  # fmt: skip
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@dataclass
class Progress:
    """What has been written so far, for the progress bar."""

    branches_done: int = 0
    branches: int = 0
    members: int = 0
    meetings: int = 0
    attendances: int = 0
    dues_payments: int = 0
    transfers: int = 0


def build(spec: ScaleSpec, report: Callable[[Progress], None] = lambda p: None) -> Progress:
    """Write the whole data set; the database must hold no organisations, people or meetings."""
    tree = plan_tree(spec, _next_id(Organisation))
    with transaction.atomic():
        write_rows(Organisation, ORG_COLUMNS, [o.row() for o in tree])
        _requirement_overrides(tree)
    ids = Ids(
        member=_next_id(Member),
        term=_next_id(CommitteeTerm),
        post=_next_id(CommitteePost),
        meeting=_next_id(Meeting),
        link=_next_id(MeetingTypeLink),
        attendance=_next_id(Attendance),
    )
    branches = [o for o in tree if o.level == Level.BRANCH]
    progress = Progress(branches=len(branches))
    rows = Rows()
    with _indexes_deferred([model for model, _columns in WRITE_ORDER]):
        for branch in branches:
            BranchBuilder(spec, branch, ids, rows).build()
            progress.branches_done += 1
            if len(rows.tables[Attendance]) + len(rows.tables[Member]) * 10 >= FLUSH_ROWS:
                _count(progress, rows)
                flush(rows)
                report(progress)
        _count(progress, rows)
        flush(rows)
    progress.dues_payments = dues_build(spec.until, write_rows, _next_id)
    with transaction.atomic():
        progress.transfers = transfers_write(spec, tree)
    _reset_sequences()
    # The rows were written in bulk, past the services that keep the summary and the cached pages.
    meeting_services.compliance_everything_changed(recount=True)
    with transaction.atomic():
        development_write(spec.until)
    report(progress)
    return progress


@contextmanager
def _indexes_deferred(models: Sequence[type[Model]]) -> Iterator[None]:
    """On PostgreSQL, load without the tables' secondary indexes, unique and foreign-key constraints, and create
    them again afterwards (also when the load fails): an index built once costs far less than one kept up to date
    row by row, and a foreign key is then checked in one pass instead of once per row. Elsewhere, nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype",
            [tables],
        )
        constraints = cursor.fetchall()  # foreign keys first: a unique index may serve one
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
            "AND k.contype IN ('p', 'u', 'x'))",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _type in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition, _type in reversed(constraints):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _count(progress: Progress, rows: Rows) -> None:
    progress.members += len(rows.tables[Member])
    progress.meetings += len(rows.tables[Meeting])
    progress.attendances += len(rows.tables[Attendance])


def _requirement_overrides(tree: list[OrgPlan]) -> None:
    """Rural primary committees ask for a 党课 a year instead of a quarter (a configurable default in use)."""
    rows = [
        RequirementOverride(organisation_id=o.id, meeting_type=MeetingType.PARTY_LECTURE, period=Period.YEAR, count=1)
        for o in tree
        if o.level == Level.PRIMARY_COMMITTEE and o.domain == Domain.RURAL
    ]
    RequirementOverride.objects.bulk_create(rows)
