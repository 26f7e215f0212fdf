"""The two schedules of the notifications app, as django-celery-beat rows that admins can edit in the admin."""

from django.db import migrations

SWEEP = "notifications: send due notices (every minute)"
ALERTS = "notifications: compliance alerts (daily 07:30)"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=SWEEP, defaults={"task": "notifications.tasks.notices_sweep_task", "interval": every_minute}
    )
    PeriodicTask.objects.get_or_create(
        name=ALERTS, defaults={"task": "notifications.tasks.compliance_alerts_task", "crontab": morning}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SWEEP, ALERTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
