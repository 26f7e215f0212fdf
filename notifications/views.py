"""The notifications page (bell), marking read, and the failed-notices page for admins and secretaries."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from branches.errors import DomainError
from branches.paging import paginate
from members.access.views import ScopedViewMixin

from . import selectors, services


def _page(request, queryset):
    return paginate(request, queryset)[1]


class NoticeListView(ScopedViewMixin, TemplateView):
    """The user's own notices, newest first, unread ones marked; paginated with the total."""

    template_name = "notifications/notice_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notices = selectors.notices_for(self.request.user)
        unread_only = self.request.GET.get("unread") == "1"
        if unread_only:
            notices = notices.filter(read_at__isnull=True)
        page = _page(self.request, notices)
        context.update(page_obj=page, notices=page.object_list, total=page.paginator.count, unread_only=unread_only,
                       query="unread=1" if unread_only else "")
        return context


class NoticeReadView(ScopedViewMixin, View):
    """Mark one of the user's notices read and open what it is about (POST)."""

    def post(self, request, pk: int):
        notice = get_object_or_404(selectors.notices_for(request.user), pk=pk)
        services.notice_mark_read(notice=notice, by=self.scope)
        target = notice.link or reverse("notifications:list")
        if request.POST.get("stay") == "1" or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("notifications:list")
        return HttpResponseRedirect(target)


class NoticeReadAllView(ScopedViewMixin, View):
    """Mark all of the user's notices read (POST)."""

    def post(self, request):
        changed = services.notices_mark_all_read(by=self.scope)
        messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": changed})
        return HttpResponseRedirect(reverse("notifications:list"))


class FailedViewMixin(ScopedViewMixin):
    """Failed notices: admins see all, secretaries those of the organisations they manage; others get 404."""

    def permitted(self) -> bool:
        return self.scope.may_see_failed_notices()

    def failed_queryset(self):
        return selectors.notices_failed().filter(self.scope.organisations_managed_q("organisation__path"))


class NoticeFailedListView(FailedViewMixin, TemplateView):
    """Notices that could not be delivered after every retry, with the error and a button to send again."""

    template_name = "notifications/notice_failed.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = _page(self.request, self.failed_queryset())
        managed = self.scope.organisations_managed_q("organisation__path")
        unreachable = selectors.unreachable_by_meeting().filter(managed)
        context.update(page_obj=page, notices=page.object_list, total=page.paginator.count,
                       unreachable=unreachable[: settings.PAGE_SIZE])
        return context


class NoticeRetryView(FailedViewMixin, View):
    """Send a failed notice again (POST)."""

    def post(self, request, pk: int):
        notice = get_object_or_404(self.failed_queryset(), pk=pk)
        try:
            services.notice_retry(notice=notice, by=self.scope)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已重新安排发送“%(title)s”。") % {"title": notice.title})
        return HttpResponseRedirect(reverse("notifications:failed"))


