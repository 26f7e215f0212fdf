"""Django admin for the organisation tree, committee terms with their posts, and reviewer appointments.

Every save, move and delete here tells the apps above through the services' hooks (`services.organisation_changed`,
`services.committee_changed`), as the services themselves do.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from members.models import CommitteePost

from . import rules, services
from .dates import DateRangesAdminMixin
from .models import CommitteeTerm, Organisation, ReviewerAppointment


@admin.register(Organisation)
class OrganisationAdmin(DateRangesAdminMixin, SimpleHistoryAdmin, TreeAdmin):
    """The tree (drag to move, drill into children) with each node's change history."""

    date_ranges = rules.ORGANISATION_DATE_RANGES

    form = movenodeform_factory(Organisation)
    list_display = ("name", "code", "level", "domain", "form", "founded_on")
    list_filter = ("level", "domain", "form")
    search_fields = ("name", "code")

    def revert_disabled(self, request, obj=None):
        # Reverting a node would write back an old path and break the tree; history is for reading.
        return True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.organisation_changed(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.organisation_changed(obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.organisation_changed(None)

    def move_node(self, request):
        """Drag and drop in the tree: the move, then the hooks, in one transaction."""
        with transaction.atomic():
            response = super().move_node(request)
            if response.status_code == 200:
                services.organisation_changed(Organisation.objects.filter(pk=request.POST.get("node")).first())
        return response


class CommitteePostInline(admin.TabularInline):
    model = CommitteePost
    extra = 0
    autocomplete_fields = ("member",)


class CommitteeTermAdminForm(forms.ModelForm):
    """A term as the admin edits it; an extension follows the rule the portal's page applies."""

    class Meta:
        model = CommitteeTerm
        fields = ("organisation", "elected_on", "term_ends_on", "extended_until", "extension_approved_on", "is_current")

    def clean(self):
        cleaned = super().clean()
        ends, until = cleaned.get("term_ends_on"), cleaned.get("extended_until")
        if ends and until and not rules.extension_allowed(ends, until):
            self.add_error("extended_until", _("延期后的届满日期应晚于原届满日期，且延期最长不超过一年。"))
        if until and not cleaned.get("extension_approved_on") and "extension_approved_on" not in self.errors:
            self.add_error("extension_approved_on", _("请填写上级党组织批准延期的日期。"))
        return cleaned


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(DateRangesAdminMixin, SimpleHistoryAdmin):
    date_ranges = rules.TERM_DATE_RANGES
    form = CommitteeTermAdminForm
    list_display = ("organisation", "elected_on", "term_ends_on", "extended_until", "is_current")
    list_filter = ("is_current",)
    search_fields = ("organisation__name", "organisation__code")
    autocomplete_fields = ("organisation",)
    inlines = (CommitteePostInline,)
    date_hierarchy = "elected_on"

    def save_model(self, request, obj, form, change):
        # The posts (inlines) are saved next, in the same transaction: the pages renewed again after it commits
        # show them.
        super().save_model(request, obj, form, change)
        services.committee_changed(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.committee_changed(obj)

    def delete_queryset(self, request, queryset):
        terms = list(queryset)
        super().delete_queryset(request, queryset)
        for term in terms:
            services.committee_changed(term)


@admin.register(ReviewerAppointment)
class ReviewerAppointmentAdmin(DateRangesAdminMixin, admin.ModelAdmin):
    date_ranges = rules.APPOINTMENT_DATE_RANGES
    list_display = ("user", "organisation", "appointed_on", "ends_on")
    search_fields = ("user__username", "organisation__name", "organisation__code")
    autocomplete_fields = ("user", "organisation")
