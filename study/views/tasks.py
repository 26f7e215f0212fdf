"""The assigners' study pages: the task list, assigning and editing a task, completion by branch and by member,
the reminder to those behind, a reflection to return, and a task's files."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from branches.downloads import download_name
from branches.errors import DomainError
from branches.paging import paginate
from config import request_size
from meetings.models import Meeting
from members.access.views import ScopedObjectMixin, ScopedViewMixin
from members.models import Member
from notifications import services as notification_services

from .. import selectors, services
from ..forms import CompletionFilterForm, ReturnForm, TaskForm
from ..models import StudyTask


class TaskListView(ScopedViewMixin, TemplateView):
    """学习任务: the tasks the user reads, newest first, with completion among the members they read."""

    template_name = "study/task_list.html"

    def permitted(self) -> bool:
        return self.scope.may_assign_tasks()

    def get_context_data(self, **kwargs):
        paginator, page = paginate(self.request, selectors.tasks_for(self.scope))
        return super().get_context_data(tasks=list(page.object_list), page_obj=page, paginator=paginator, **kwargs)


class TaskFormMixin:
    template_name = "study/task_form.html"
    form_class = TaskForm
    #: A task form carries one file.
    max_upload_bytes = staticmethod(request_size.attachment_max_bytes)

    def form_choices(self):
        scope = self.scope
        since = timezone.now() - timedelta(days=730)
        return {
            "organisations": scope.organisations_readable(),
            "members": Member.objects.filter(scope.members_readable_q() if not scope.is_admin else Q())
            .exclude(pk=None)
            .select_related("organisation")
            .order_by("organisation__path", "name"),
            "meetings": Meeting.objects.filter(scope.meetings_readable_q(), starts_at__gte=since).order_by(
                "-starts_at"
            ),
        }

    def data_from(self, form) -> dict:
        data = dict(form.cleaned_data)
        data["content"] = data.get("content") or ""
        return data

    def get_context_data(self, **kwargs):
        return super().get_context_data(editing=hasattr(self, "task"), **kwargs)


class TaskCreateView(TaskFormMixin, ScopedViewMixin, FormView):
    """新建学习任务: the organisation preselected (?organisation=), published when saved."""

    def permitted(self) -> bool:
        return self.scope.may_assign_tasks()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_choices()}

    def get_initial(self):
        today = timezone.localdate()
        initial = {"starts_on": today, "due_on": today + timedelta(days=30)}
        wanted = self.request.GET.get("organisation", "")
        if wanted.isdecimal() and len(wanted) < 12:
            initial["organisation"] = self.scope.organisations_readable().filter(pk=int(wanted)).first()
        return initial

    def form_valid(self, form):
        try:
            task = services.task_assign(
                organisation=form.cleaned_data["organisation"],
                data=self.data_from(form),
                by=self.scope,
                target_members=form.cleaned_data.get("target_members") or (),
                files=[form.cleaned_data.get("file")],
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("学习任务已发布，共%(n)d人。") % {"n": task.assignments.count()})
        return HttpResponseRedirect(task.get_absolute_url())


class TaskObjectMixin(ScopedObjectMixin):
    object_attribute = "task"

    def scoped_queryset(self):
        return selectors.task_detail_queryset(self.scope)

    def allowed(self, task) -> bool:
        return self.scope.may_review_completion(task)


class TaskEditView(TaskFormMixin, TaskObjectMixin, FormView):
    """Edit a task; what completion means stays once someone completed it."""

    def allowed(self, task) -> bool:
        return self.scope.may_edit_task(task)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_choices(), "editing": True}

    def get_initial(self):
        task = self.task
        return {
            "organisation": task.organisation,
            "title": task.title,
            "content": task.content,
            "starts_on": task.starts_on,
            "due_on": task.due_on,
            "hours": task.hours,
            "target_kind": task.target_kind,
            "target_statuses": task.target_statuses,
            "target_members": list(task.target_members.all()),
            "completion": task.completion,
            "min_length": task.min_length,
            "meeting": task.meeting,
            "version": task.version,
        }

    def form_valid(self, form):
        try:
            services.task_update(
                task=self.task,
                data=self.data_from(form),
                version=self.task.version,
                by=self.scope,
                target_members=form.cleaned_data.get("target_members") or (),
                files=[form.cleaned_data.get("file")],
            )
        except DomainError as error:
            error.add_to(form)
            return self.form_invalid(form)
        messages.success(self.request, _("学习任务已保存。"))
        return HttpResponseRedirect(self.task.get_absolute_url())


class TaskDetailView(TaskObjectMixin, TemplateView):
    """A task and its completion by branch (the completion page), with the reminder and the export."""

    template_name = "study/task_detail.html"

    def get_context_data(self, **kwargs):
        task = self.task
        branches = selectors.completion_by_branch(task, self.scope)
        total = sum(b.total for b in branches)
        done = sum(b.done for b in branches)
        return super().get_context_data(
            task=task,
            files=list(task.files.all()),
            branches=branches,
            total=total,
            done=done,
            behind=total - done,
            can_edit=self.scope.may_edit_task(task),
            **kwargs,
        )


class TaskMembersView(TaskObjectMixin, TemplateView):
    """A task's completion by member, filtered by branch and state, paginated."""

    template_name = "study/task_members.html"

    def get_context_data(self, **kwargs):
        task = self.task
        filters = CompletionFilterForm(
            self.request.GET or None, branches=selectors.completion_by_branch(task, self.scope)
        )
        organisation_id = state = None
        if filters.is_valid():
            organisation_id, state = filters.cleaned_data["organisation"], filters.cleaned_data["state"]
        rows = selectors.completion_rows(task, self.scope, organisation_id=organisation_id, state=state or "")
        paginator, page = paginate(self.request, rows)
        query = "&".join(f"{k}={v}" for k, v in (("organisation", organisation_id), ("state", state)) if v)
        return super().get_context_data(
            task=task,
            filters=filters,
            rows=list(page.object_list),
            page_obj=page,
            paginator=paginator,
            query=query,
            **kwargs,
        )


class TaskRemindView(TaskObjectMixin, View):
    """Remind those behind, once per task and person (a second click reminds nobody again)."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.task.get_absolute_url())

    def post(self, request, *args, **kwargs):
        sent = notification_services.study_reminders_create(task=self.task, by=self.scope)
        if sent:
            messages.success(request, _("已向%(n)d名未完成的党员发送提醒。") % {"n": sent})
        else:
            messages.info(request, _("没有需要提醒的党员：未完成的党员都已提醒过。"))
        return HttpResponseRedirect(self.task.get_absolute_url())


class ReviewView(ScopedObjectMixin, TemplateView):
    """One member's row of a task, for its reviewer: the reflection, and returning it with a comment."""

    template_name = "study/review.html"
    object_attribute = "assignment"

    def scoped_queryset(self):
        return selectors.assignment_review_queryset(self.scope)

    def allowed(self, assignment) -> bool:
        return self.scope.may_review_completion(assignment.task)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            row=self.assignment,
            task=self.assignment.task,
            form=form or ReturnForm(),
            can_return=self.scope.may_return_reflection(self.assignment)
            and self.assignment.task.completion == "reflection"
            and self.assignment.is_done,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.reflection_return(assignment=self.assignment, comment=form.cleaned_data["comment"], by=self.scope)
        except DomainError as error:
            error.add_to(form)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("已退回，党员修改后可重新提交。"))
        return HttpResponseRedirect(reverse("study:detail", args=[self.assignment.task_id]))


class TaskFileView(ScopedObjectMixin, View):
    """A task's file, for those who read the task and those it is assigned to, under a safe name."""

    object_attribute = "task"
    http_method_names = ["get", "head"]

    def scoped_queryset(self):
        if self.scope.is_admin:
            return StudyTask.objects.all()
        mine = Q(assignments__member_id=self.scope.member_id) if self.scope.member_id else Q(pk__in=[])
        return StudyTask.objects.filter(self.scope.tasks_readable_q() | mine).distinct()

    def get(self, request, *args, **kwargs):
        found = self.task.files.filter(pk=kwargs["file_pk"]).first()
        if found is None:
            raise Http404
        stem, dot, extension = found.original_name.rpartition(".")
        if not dot:
            stem, extension = found.original_name, ""
        try:
            handle = found.file.open("rb")
        except (FileNotFoundError, OSError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            content_type=found.content_type,
            as_attachment=True,
            filename=download_name(stem, extension=extension, fallback=_("学习材料")),
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
