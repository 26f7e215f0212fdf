"""Meeting pages, a module per screen: the list (`listing`), planning (`planning`), the record and its attendance
(`record`), finalising, amending, cancelling, deleting, restoring and the history (`closing`); `base` holds what they
share. The calendar, compliance and file pages are `calendar_views`, `compliance_views` and `file_views`."""

from .closing import (
    MeetingAmendView,
    MeetingCancelView,
    MeetingDeleteView,
    MeetingFinaliseView,
    MeetingHistoryView,
    MeetingRestoreView,
    MeetingTrashView,
)
from .listing import MeetingListView
from .planning import MeetingCreateView, MeetingUpdateView
from .record import MeetingAttendanceView, MeetingDetailView

__all__ = [
    "MeetingAmendView",
    "MeetingAttendanceView",
    "MeetingCancelView",
    "MeetingCreateView",
    "MeetingDeleteView",
    "MeetingDetailView",
    "MeetingFinaliseView",
    "MeetingHistoryView",
    "MeetingListView",
    "MeetingRestoreView",
    "MeetingTrashView",
    "MeetingUpdateView",
]
