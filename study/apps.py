from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = _("学习任务")

    def ready(self):
        # meetings and members know nothing of study: they call the hooks registered here inside their writes (a
        # finalised meeting completes its linked tasks; a member who joins a target group receives its open tasks).
        from meetings import services as meeting_services
        from members import services as member_services

        from .services import assignments_for_joiner, tasks_complete_by_meeting

        if tasks_complete_by_meeting not in meeting_services.meeting_changed_hooks:
            meeting_services.meeting_changed_hooks.append(tasks_complete_by_meeting)
        if assignments_for_joiner not in member_services.member_changed_hooks:
            member_services.member_changed_hooks.append(assignments_for_joiner)
