"""Meetings URLs: plan, log, finalise and amend (views.py); other pages append their patterns below."""

from django.urls import path  # noqa: F401  (patterns follow)

app_name = "meetings"

urlpatterns: list = [
]
