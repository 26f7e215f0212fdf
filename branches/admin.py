"""Django admin for the organisation tree, committee terms with their posts, and reviewer appointments."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from members.models import CommitteePost

from . import rules
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


class CommitteePostInline(admin.TabularInline):
    model = CommitteePost
    extra = 0
    autocomplete_fields = ("member",)


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(DateRangesAdminMixin, SimpleHistoryAdmin):
    date_ranges = rules.TERM_DATE_RANGES
    list_display = ("organisation", "elected_on", "term_ends_on", "is_current")
    list_filter = ("is_current",)
    search_fields = ("organisation__name", "organisation__code")
    autocomplete_fields = ("organisation",)
    inlines = (CommitteePostInline,)
    date_hierarchy = "elected_on"


@admin.register(ReviewerAppointment)
class ReviewerAppointmentAdmin(DateRangesAdminMixin, admin.ModelAdmin):
    date_ranges = rules.APPOINTMENT_DATE_RANGES
    list_display = ("user", "organisation", "appointed_on", "ends_on")
    search_fields = ("user__username", "organisation__name", "organisation__code")
    autocomplete_fields = ("user", "organisation")
