"""Every write to a meeting, a module per kind of work: `planning` (plan, edit), `attendance` (who is expected,
who came, guests), `records` (record, finalise, the roll, amend, cancel, delete, restore), `files` (photos and
attachments), `requirements` (overrides, the fixed 主题党日); `common` holds the hooks, checks and lock they share.
Other apps and the views use them as `meetings.services.<name>`."""

from ..uploads import attachment_check  # noqa: F401 - the attachment check other apps' uploads use (study files)
from .attendance import (  # noqa: F401
    attendance_record,
    attendees_set,
    guest_add,
    guest_remove,
)
from .common import (  # noqa: F401
    AMENDABLE_FIELDS,
    EDITABLE_FIELDS,
    STALE_MESSAGE,
    AttendanceEntry,
    compliance_everything_changed,
    meeting_changed_hooks,
    meeting_closed_reason,
)
from .files import (  # noqa: F401
    meeting_attachment_add,
    meeting_attachment_remove,
    meeting_photo_add,
    meeting_photo_remove,
)
from .planning import (  # noqa: F401
    meeting_plan,
    meeting_save,
    meeting_update,
)
from .records import (  # noqa: F401
    meeting_amend,
    meeting_cancel,
    meeting_delete,
    meeting_finalise,
    meeting_record,
    meeting_restore,
    quorum_rolls_store,
)
from .requirements import (  # noqa: F401
    requirement_override_clear,
    requirement_override_set,
    theme_day_set,
)
