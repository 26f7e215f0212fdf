"""URL configuration: one include per app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from branches import views as branch_views
from config.health import healthz

admin.site.site_header = _("党支部工作管理平台 管理后台")
admin.site.site_title = _("党支部工作管理平台")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", branch_views.HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("language/", branch_views.language_switch, name="language_switch"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("organisations/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("meetings/", include("meetings.urls")),
    path("dues/", include("dues.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("development/", include("development.urls")),
    path("notifications/", include("notifications.urls")),
    path("study/", include("study.urls")),
    path("my/", include("dashboards.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "branches.views.bad_request"
handler403 = "branches.views.permission_denied"
handler404 = "branches.views.page_not_found"
handler500 = "branches.views.server_error"
