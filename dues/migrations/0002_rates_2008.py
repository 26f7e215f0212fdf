"""The rates of 中组发〔2008〕3号 (in force from 1 April 2008) as the first rows of the rate table."""

from datetime import date
from decimal import Decimal

from django.db import migrations

EFFECTIVE_FROM = date(2008, 4, 1)
#: (category, up to (None: no upper bound), percent, fixed amount): the same rows as dues.rules.RATES_2008.
ROWS = (
    ("employed", Decimal("3000"), Decimal("0.5"), None),
    ("employed", Decimal("5000"), Decimal("1"), None),
    ("employed", Decimal("10000"), Decimal("1.5"), None),
    ("employed", None, Decimal("2"), None),
    ("retired", Decimal("5000"), Decimal("0.5"), None),
    ("retired", None, Decimal("1"), None),
    ("low_income", None, None, Decimal("0.20")),
    ("farmer", None, None, Decimal("0.20")),
)


def create(apps, schema_editor):
    DuesRate = apps.get_model("dues", "DuesRate")
    for category, up_to, percent, amount in ROWS:
        DuesRate.objects.get_or_create(
            effective_from=EFFECTIVE_FROM, category=category, up_to=up_to, defaults={"percent": percent, "amount": amount}
        )


def remove(apps, schema_editor):
    apps.get_model("dues", "DuesRate").objects.filter(effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
