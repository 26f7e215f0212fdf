"""Login throttle: failed logins counted per account and, with a much higher limit, per address (django-axes)."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

#: Longest login name kept in the throttle's records: the longest an account may have (auth.User.username).
USERNAME_MAX_LENGTH = 150


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The login name a failed login is counted under (AXES_USERNAME_CALLABLE), cut to USERNAME_MAX_LENGTH.

    Axes stores it in a column of 255 characters; a longer name (which no account has) made the record of the
    failure fail with a database error, a 500. Cut, it is counted like any other name that matches no account.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, separate count per address.

    With AXES_LOCKOUT_PARAMETERS = ["username"] axes itself counts, locks and (on a successful login) clears the
    failures of one account, whatever address they came from; a success therefore clears that account's own
    failures only, so holding one account never helps to guess another's password. This handler adds the address:
    AXES_ADDRESS_FAILURE_LIMIT failures on any accounts from one address within the cool-off lock that address.
    The limit is far above the account's because many people may share an address (an office behind NAT).
    """

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False) or self.is_whitelisted(request, credentials):
            return
        if self.address_locked(request):
            # As axes does for an account: the middleware answers this request with the lock-out page.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def address_locked(self, request: HttpRequest) -> bool:
        """Whether the request's address has reached AXES_ADDRESS_FAILURE_LIMIT failures within the cool-off."""
        return settings.AXES_LOCK_OUT_AT_FAILURE and (
            self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT
        )

    def address_failures(self, request: HttpRequest) -> int:
        """Failed logins from the request's address, on any accounts, within the cool-off."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
