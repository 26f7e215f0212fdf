"""Organisation pages, the landing page, the language switch and the error pages."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from .access import scope_for


class HomeView(LoginRequiredMixin, TemplateView):
    """Send each role to its landing page: a branch's secretary to the branch, a member to their record."""

    template_name = "branches/home.html"

    def get(self, request, *args, **kwargs):
        scope = scope_for(request.user)
        if scope.is_admin or scope.is_reviewer or scope.is_secretary:
            return HttpResponseRedirect(resolve_url("branches:list"))
        if scope.is_member:
            return HttpResponseRedirect(resolve_url("members:detail", scope.member_id))
        return super().get(request, *args, **kwargs)


@require_POST
def language_switch(request):
    """Remember the chosen language in a cookie and go back to the page the user was on."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
