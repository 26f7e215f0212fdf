"""CommitteePost (and its history) moved here from the branches app: the model is taken over with its existing
tables (`db_table`), so no row is copied; the content types follow, keeping any permissions granted on them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("committeepost", "historicalcommitteepost")


def content_types_to(target: str, source: str):
    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        types = content_type.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            if not types.filter(app_label=target, model=model).exists():
                types.filter(app_label=source, model=model).update(app_label=target)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0003_committee_post_to_members"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0002_import_stage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalCommitteePost",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "post",
                            models.CharField(
                                choices=[
                                    ("secretary", "书记"),
                                    ("deputy_secretary", "副书记"),
                                    ("organisation_officer", "组织委员"),
                                    ("publicity_officer", "宣传委员"),
                                    ("discipline_officer", "纪检委员"),
                                    ("youth_officer", "青年委员"),
                                    ("united_front_officer", "统战委员"),
                                    ("committee_member", "委员"),
                                ],
                                max_length=24,
                                verbose_name="职务",
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="members.member",
                                verbose_name="党员",
                            ),
                        ),
                        (
                            "term",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="branches.committeeterm",
                                verbose_name="届次",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical 支委职务",
                        "verbose_name_plural": "historical 支委职务",
                        "db_table": "branches_historicalcommitteepost",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="CommitteePost",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "post",
                            models.CharField(
                                choices=[
                                    ("secretary", "书记"),
                                    ("deputy_secretary", "副书记"),
                                    ("organisation_officer", "组织委员"),
                                    ("publicity_officer", "宣传委员"),
                                    ("discipline_officer", "纪检委员"),
                                    ("youth_officer", "青年委员"),
                                    ("united_front_officer", "统战委员"),
                                    ("committee_member", "委员"),
                                ],
                                max_length=24,
                                verbose_name="职务",
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="committee_posts",
                                to="members.member",
                                verbose_name="党员",
                            ),
                        ),
                        (
                            "term",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="posts",
                                to="branches.committeeterm",
                                verbose_name="届次",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "支委职务",
                        "verbose_name_plural": "支委职务",
                        "db_table": "branches_committeepost",
                        "constraints": [
                            models.UniqueConstraint(fields=("term", "member"), name="one_post_per_member_per_term")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to("members", "branches"), content_types_to("branches", "members")),
    ]
