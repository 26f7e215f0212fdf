"""A mail backend standing in for an unreachable SMTP server."""

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
