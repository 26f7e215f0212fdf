"""CommitteePost (and its history) moved to the members app, where people are known: only Django's idea of which
app owns the model changes here; the tables `branches_committeepost` and `branches_historicalcommitteepost` stay as
they are (members.0003 takes the model over with them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalcommitteepost",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalcommitteepost",
                    name="member",
                ),
                migrations.RemoveField(
                    model_name="historicalcommitteepost",
                    name="term",
                ),
                migrations.DeleteModel(
                    name="CommitteePost",
                ),
                migrations.DeleteModel(
                    name="HistoricalCommitteePost",
                ),
            ],
            database_operations=[],
        ),
    ]
