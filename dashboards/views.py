"""The member's home, "my obligations" (/my/)."""

from django.views.generic import TemplateView

from members.access.views import ScopedViewMixin

from . import selectors


class MyHomeView(ScopedViewMixin, TemplateView):
    """我的待办: the one next thing at the top, then tasks to do, upcoming meetings and unread notices."""

    template_name = "dashboards/my_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            obligations=selectors.obligations_for(self.scope, self.request.user),
            own_member_id=self.scope.member_id,
            **kwargs,
        )
