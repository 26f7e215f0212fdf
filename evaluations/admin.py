"""The admin of evaluations: to look, not to write (every write goes through the services and their rules), except
the 优秀 share per organisation, saved through its service.

Ballots: the voters who have voted and the marks are two separate lists; neither shows the other, the marks have no
voter, no time and no order to match against, and the voters are listed by name, not in the order they voted.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from branches.errors import DomainError
from members.access import scope_for

from . import services
from .models import (
    Appraisal,
    AppraisalResult,
    AppraisalSetting,
    BallotMark,
    BallotVoter,
    BranchScore,
    FollowUp,
    Indicator,
    ManualScore,
    MassesOpinion,
    Scheme,
    SelfAssessment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "year", "step", "ballot_closed", "opened_on")
    list_filter = ("year", "step")
    search_fields = ("organisation__name",)


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("appraisal", "member")
    search_fields = ("member__name",)


@admin.register(BallotVoter)
class BallotVoterAdmin(ReadOnlyAdmin):
    """Who has voted (never what), by name."""

    list_display = ("appraisal", "voter")
    ordering = ("appraisal", "voter__name")
    search_fields = ("voter__name",)


@admin.register(BallotMark)
class BallotMarkAdmin(ReadOnlyAdmin):
    """The anonymous marks: rated member and grade, listed by member and grade (no voter, no order of casting)."""

    list_display = ("appraisal", "member", "grade")
    list_filter = ("grade",)
    ordering = ("appraisal", "member__name", "grade")
    show_full_result_count = False


@admin.register(MassesOpinion)
class MassesOpinionAdmin(ReadOnlyAdmin):
    list_display = ("appraisal", "member", "grade", "count")


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AppraisalResult)
class AppraisalResultAdmin(ReadOnlyAdmin):
    list_display = ("appraisal", "member", "grade")
    list_filter = ("grade",)
    search_fields = ("member__name",)
    inlines = [FollowUpInline]


@admin.register(AppraisalSetting)
class AppraisalSettingAdmin(admin.ModelAdmin):
    list_display = ("organisation", "excellent_numerator", "excellent_denominator")
    raw_id_fields = ("organisation",)

    def save_model(self, request, obj, form, change):
        try:
            services.appraisal_setting_set(
                organisation=obj.organisation,
                numerator=obj.excellent_numerator,
                denominator=obj.excellent_denominator,
                by=scope_for(request.user),
            )
        except DomainError as error:
            messages.error(request, error.message)
            raise ValidationError(error.message) from error


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "year", "version", "is_current", "published_on")
    list_filter = ("year", "is_current")
    inlines = [IndicatorInline]


@admin.register(ManualScore)
class ManualScoreAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "organisation", "value", "justification")


@admin.register(BranchScore)
class BranchScoreAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "scheme", "total", "band", "computed_at")
    search_fields = ("organisation__name",)
