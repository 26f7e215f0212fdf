"""A member's own study pages: my tasks, one task (read and confirm, a reflection), the yearly record."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from branches.errors import DomainError
from branches.paging import paginate
from members.access.views import ScopedObjectMixin, ScopedViewMixin
from members.models import Member

from .. import rules, selectors, services
from ..forms import ReflectionForm
from ..models import Completion

SHOW_LABELS = {
    "todo": _("待完成"),
    "due_soon": _("即将到期"),
    "overdue": _("已逾期"),
    "done": _("已完成"),
}


def with_due_states(rows, today):
    """Each row gets `due` (rules.due_state) for its badge."""
    for row in rows:
        row.due = rules.due_state(done=row.is_done, starts_on=row.task.starts_on, due_on=row.task.due_on, today=today)
    return rows


class MyTasksView(ScopedViewMixin, TemplateView):
    """我的学习任务: to do, due soon, overdue, done — cards at phone width."""

    template_name = "study/my_tasks.html"

    def permitted(self) -> bool:
        return self.scope.is_member

    def get_context_data(self, **kwargs):
        show = self.request.GET.get("show", "todo")
        show = show if show in selectors.SHOWS else "todo"
        today = timezone.localdate()
        paginator, page = paginate(self.request, selectors.my_assignments(self.scope.member_id, show=show, today=today))
        return super().get_context_data(
            show=show,
            tabs=[(key, str(label)) for key, label in SHOW_LABELS.items()],
            counts=selectors.my_counts(self.scope.member_id, today),
            rows=with_due_states(list(page.object_list), today),
            page_obj=page,
            paginator=paginator,
            query=f"show={show}",
            hours=selectors.hours_for_year(self.scope.member_id, today.year),
            year=today.year,
            **kwargs,
        )


class AssignmentView(ScopedObjectMixin, TemplateView):
    """One of my tasks: its content and files; one tap to confirm reading, or the reflection to save or submit."""

    template_name = "study/assignment.html"
    object_attribute = "assignment"

    def scoped_queryset(self):
        return selectors.my_assignment_queryset(self.scope)

    def get_context_data(self, form=None, **kwargs):
        row = self.assignment
        task = row.task
        today = timezone.localdate()
        with_due_states([row], today)
        return super().get_context_data(
            row=row,
            task=task,
            files=list(task.files.all()),
            form=form or ReflectionForm(initial={"reflection": row.reflection}),
            may_edit_reflection=task.completion == Completion.REFLECTION and not row.is_done,
            length=rules.reflection_length(row.reflection),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                services.assignment_confirm(assignment=self.assignment, by=self.scope)
                messages.success(request, _("已确认学习。"))
            elif action in ("draft", "submit"):
                form = ReflectionForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                services.reflection_save(
                    assignment=self.assignment,
                    text=form.cleaned_data["reflection"],
                    submit=action == "submit",
                    by=self.scope,
                )
                messages.success(
                    request, _("心得体会已提交，任务已完成。") if action == "submit" else _("草稿已保存。")
                )
            else:
                return self.render_to_response(self.get_context_data())
        except DomainError as error:
            form = ReflectionForm(request.POST)
            form.is_valid()
            error.add_to(form)
            return self.render_to_response(self.get_context_data(form=form))
        return HttpResponseRedirect(self.assignment.get_absolute_url())


class StudyRecordView(ScopedObjectMixin, TemplateView):
    """A member's yearly study record (学习档案): tasks completed, study hours, meetings attended; printable."""

    template_name = "study/record.html"
    object_attribute = "member"

    def scoped_queryset(self):
        return Member.objects.filter(self.scope.members_readable_q()).select_related("organisation")

    def allowed(self, member) -> bool:
        return self.scope.may_read_study_record(member)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except (TypeError, ValueError):
            year = today.year
        year = year if today.year - 20 <= year <= today.year else today.year
        return super().get_context_data(record=selectors.study_record(self.member, year), **kwargs)
