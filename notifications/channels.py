"""Ways a notice reaches a person. A channel is any class with `name`, `applies(notice)` and `send(notice)`.

`send` returns a short note for the delivery record and raises on failure (the notice is retried, then marked
failed). Channels are listed in settings.NOTIFICATIONS_CHANNELS; SMS or enterprise WeChat plug in the same way,
passing `notice.key` to the provider as its idempotency key.
"""

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notice


class Channel(Protocol):
    name: str
    #: True when the channel's effect is a write to this database: it then delivers a whole chunk at once in the
    #: transaction that records the deliveries (`send_many`), so it is exactly once by construction.
    in_database: bool

    def applies(self, notice: Notice) -> bool: ...

    def send(self, notice: Notice) -> str: ...

    def send_many(self, notices: list[Notice]) -> str: ...


class PortalChannel:
    """In the portal: the notice appears on the recipient's notifications page and in the bell's count."""

    name = "portal"
    in_database = True

    def applies(self, notice: Notice) -> bool:
        return notice.user_id is not None

    def send(self, notice: Notice) -> str:
        return self.send_many([notice])

    def send_many(self, notices: list[Notice]) -> str:
        Notice.objects.filter(pk__in=[n.pk for n in notices], shown_at__isnull=True).update(shown_at=timezone.now())
        return ""


def email_address(notice: Notice) -> str:
    """The member's own address, else the login account's."""
    if notice.member_id and notice.member.email:
        return notice.member.email
    if notice.user_id and notice.user.email:
        return notice.user.email
    return ""


class EmailChannel:
    """Email through Django's mail framework; the Message-ID carries the notice's key so a resend is recognisable."""

    name = "email"
    in_database = False

    def applies(self, notice: Notice) -> bool:
        return bool(email_address(notice))

    def send(self, notice: Notice) -> str:
        address = email_address(notice)
        body = notice.body
        if notice.link and settings.PORTAL_BASE_URL:
            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notice.link}"
        message = EmailMessage(
            subject=notice.title,
            body=body,
            to=[address],
            headers={"Message-ID": f"<notice-{notice.pk}@{settings.NOTIFICATIONS_MESSAGE_ID_DOMAIN}>"},
        )
        message.send(fail_silently=False)
        return address


class RecordingChannel:
    """A fake sender for tests and benchmarks: the delivery record is its only effect."""

    name = "fake"
    in_database = True

    def applies(self, notice: Notice) -> bool:
        return True

    def send(self, notice: Notice) -> str:
        return ""

    def send_many(self, notices: list[Notice]) -> str:
        return ""


def active_channels() -> list[Channel]:
    return [import_string(path)() for path in settings.NOTIFICATIONS_CHANNELS]


def reaching_channels(notice: Notice, channels: list[Channel] | None = None) -> list[Channel]:
    """The channels that can reach the notice's recipient: the one place that decides who is reachable.

    Empty means nobody can be reached (no login and no email address with the default channels); a deployment
    that adds SMS reaches more people without any other change.
    """
    channels = active_channels() if channels is None else channels
    return [channel for channel in channels if channel.applies(notice)]
