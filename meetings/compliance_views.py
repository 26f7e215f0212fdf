"""The compliance pages: an organisation's compliance table for a period, and its requirement settings."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from branches import selectors as branch_selectors
from branches.errors import DomainError
from branches.paging import paginate
from members.access.views import ScopedObjectMixin

from . import rules, selectors, services
from .compliance_forms import ComplianceFilterForm, RequirementForm
from .models import MeetingStatus, MeetingType, Period

#: The overall status of a branch, with its text label (a colour never stands alone).
OVERALL_LABELS = {
    rules.RED: selectors.STATUS_LABELS[rules.RED],
    rules.YELLOW: selectors.STATUS_LABELS[rules.YELLOW],
    rules.GREEN: selectors.STATUS_LABELS[rules.GREEN],
    rules.NEUTRAL: selectors.NOT_YET_DUE_LABEL,
}


def overall_label(result: selectors.BranchCompliance) -> str:
    """The text beside a branch's overall badge ("不适用" when it owes nothing in the period)."""
    if not result.required_types:
        return str(selectors.STATUS_LABELS[rules.NEUTRAL])
    return str(OVERALL_LABELS[result.status])


def period_choices(today: date, chosen: rules.PeriodRange) -> list[tuple[str, list[tuple[str, str]]]]:
    """The period selector's options: this and the previous 11 months, 7 quarters and 2 years."""
    months, quarters, years = [], [], []
    year, month = today.year, today.month
    for _i in range(12):
        months.append(rules.period_range(Period.MONTH, year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _i in range(8):
        quarters.append(rules.period_range(Period.QUARTER, year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    years = [rules.period_range(Period.YEAR, today.year - i) for i in range(3)]
    groups = [
        (_("月度"), [(p.code, _("%(year)d年%(n)d月") % {"year": p.year, "n": p.n}) for p in months]),
        (_("季度"), [(p.code, _("%(year)d年第%(n)d季度") % {"year": p.year, "n": p.n}) for p in quarters]),
        (_("年度"), [(p.code, _("%(year)d年") % {"year": p.year}) for p in years]),
    ]
    if chosen.code not in {code for _label, options in groups for code, _name in options}:
        groups.insert(0, (_("所选期间"), [(chosen.code, chosen.code)]))
    return groups


def period_label(period: rules.PeriodRange) -> str:
    if period.kind == Period.MONTH:
        return _("%(year)d年%(n)d月") % {"year": period.year, "n": period.n}
    if period.kind == Period.QUARTER:
        return _("%(year)d年第%(n)d季度") % {"year": period.year, "n": period.n}
    return _("%(year)d年") % {"year": period.year}


def _url_or_empty(name: str) -> str:
    """A page of another part of the meetings app, or "" while it does not exist (no link is shown then)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Cell:
    """One figure of the compliance table, ready to show: held/required, the status with its text, and the link
    to the finalised meetings behind it ("" where the meeting list does not exist)."""

    meeting_type: str
    label: str
    held: int
    required: int
    status: str
    status_label: str
    url: str
    #: 谈心谈话: the committee members' talks with each other beside "N/M members" ("" for other types).
    note: str = ""

    @property
    def shown(self) -> bool:
        return bool(self.required or self.held)


def _cells(list_url: str, result: selectors.BranchCompliance, columns, labels: dict) -> list[Cell]:
    """The row's figures; each links to the meeting list filtered by organisation (its own meetings only,
    `unit_only`), type, status and the window (`period`: a month, quarter or year) the figure is counted in.
    Every value in the link is a code of digits, letters and hyphens, so it needs no quoting."""
    base = f"{list_url}?organisation={result.organisation.pk}"
    cells = []
    for meeting_type, label in columns:
        item = result.for_type(meeting_type)
        url = (
            f"{base}&type={meeting_type}&status={MeetingStatus.FINALISED}&period={item.window.code}&unit_only=true"
            if list_url
            else ""
        )
        key = (item.status, item.required > 0)
        if key not in labels:
            labels[key] = item.status_label
        cells.append(
            Cell(meeting_type, label, item.held, item.required, item.status, labels[key], url, item.committee_note)
        )
    return cells


class OrganisationPageMixin(ScopedObjectMixin):
    """A compliance page of one organisation the user may read, fetched through the scope; outside it: 404."""

    object_attribute = "organisation"

    def scoped_queryset(self):
        return self.scope.organisations_readable()

    def breadcrumbs(self) -> list[tuple[str, str | None]]:
        crumbs = [
            (ancestor.name, ancestor.get_absolute_url() if self.scope.may_read_organisation(ancestor) else None)
            for ancestor in branch_selectors.organisation_ancestors(self.organisation)
        ]
        return [*crumbs, (self.organisation.name, self.organisation.get_absolute_url())]


class ComplianceView(OrganisationPageMixin, TemplateView):
    """Compliance of every branch and party group under an organisation for a month, quarter or year:
    required and held meetings per type with their status, the silent flag and the attendance rate.
    Ordered as the tree is, never by score."""

    template_name = "meetings/compliance_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = ComplianceFilterForm(self.request.GET)
        form.is_valid()
        period = form.cleaned_data.get("period") or rules.period_containing(Period.QUARTER, today)
        status = form.cleaned_data.get("status") or ""
        overview, evaluated = selectors.compliance_overview(self.organisation, period, today)
        counts = Counter(unit_status for _pk, unit_status in overview.statuses)
        columns = overview.columns
        shown = [pk for pk, unit_status in overview.statuses if not status or unit_status == status]
        paginator, page = paginate(self.request, shown)
        page_results = selectors.compliance_of_units(list(page.object_list), evaluated, period, today)
        list_url = _url_or_empty("meetings:list")
        column_labels = [(t, str(MeetingType(t).label)) for t in columns]
        labels: dict = {}
        rows = [
            (result, overall_label(result), _cells(list_url, result, column_labels, labels))
            for result in page_results
        ]
        query = urlencode({"period": period.code, **({"status": status} if status else {})})
        year = rules.period_range(Period.YEAR, period.year)
        lectures = selectors.secretary_lectures(selectors.lecturing_committees_under(self.organisation), year, today)
        return super().get_context_data(
            # 支部工作条例 §16: the 书记 of each 党委 here gives a 党课 a year (the chosen period's year).
            secretary_lectures=[(item, self.scope.may_plan_meeting(item.organisation)) for item in lectures],
            lecture_year=year,
            organisation=self.organisation,
            breadcrumbs=self.breadcrumbs(),
            form=form,
            period=period,
            period_label=period_label(period),
            period_choices=period_choices(today, period),
            status=status,
            status_label=OVERALL_LABELS.get(status, ""),
            status_choices=[(code, label) for code, label in form.fields["status"].choices if code],
            summary=[(code, OVERALL_LABELS[code], counts.get(code, 0)) for code in rules.STATUSES],
            unit_total=len(overview.statuses),
            columns=column_labels,
            rows=rows,
            page_obj=page,
            paginator=paginator,
            total=paginator.count,
            query=query,
            may_set=self.scope.may_set_requirements(self.organisation),
            **kwargs,
        )


class RequirementsView(OrganisationPageMixin, TemplateView):
    """An organisation's meeting requirements: per type the value in force and where it comes from (the default,
    an ancestor's setting, or its own); a committee's managers and admins set or clear its own setting."""

    template_name = "meetings/compliance_requirements.html"

    def get_context_data(self, form: RequirementForm | None = None, **kwargs):
        sources = selectors.requirement_sources(self.organisation)
        return super().get_context_data(
            organisation=self.organisation,
            breadcrumbs=self.breadcrumbs(),
            sources=sources,
            period_choices=Period.choices,
            may_set=self.scope.may_set_requirements(self.organisation),
            bound_form=form,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.scope.may_set_requirements(self.organisation):
            raise Http404
        if request.POST.get("action") == "clear":
            meeting_type = request.POST.get("meeting_type", "")
            if meeting_type not in rules.COMPLIANCE_TYPES:
                messages.error(request, _("会议类型无效。"))
                return HttpResponseRedirect(self._url())
            services.requirement_override_clear(
                organisation=self.organisation, meeting_type=meeting_type, by=self.scope
            )
            messages.success(
                request,
                _("已取消本组织对%(type)s的要求设置，改为沿用上级或默认要求。")
                % {"type": MeetingType(meeting_type).label},
            )
            return HttpResponseRedirect(self._url())
        form = RequirementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.requirement_override_set(
                    organisation=self.organisation,
                    meeting_type=data["meeting_type"],
                    period=data["period"],
                    count=data["count"],
                    by=self.scope,
                )
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(
                    request,
                    _("已保存%(type)s的要求，适用于%(name)s及其下级组织。")
                    % {"type": MeetingType(data["meeting_type"]).label, "name": self.organisation.name},
                )
                return HttpResponseRedirect(self._url())
        return self.render_to_response(self.get_context_data(form=form))

    def _url(self) -> str:
        return reverse("meetings:requirements", args=[self.organisation.pk])
