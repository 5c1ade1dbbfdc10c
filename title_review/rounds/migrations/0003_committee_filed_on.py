import datetime as dt

from django.db import migrations, models


def three_years_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 3, day=28)


def fill_filed_on(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing committees with an 有效期 get a 备案日期: the day they were entered, unless that is more than
    three years before the end of their validity (then the earliest day the ≤ 3 year rule allows), and never
    after the end itself. Committees without an 有效期 stay 未备案."""
    Committee = apps.get_model("rounds", "Committee")
    for committee in Committee.objects.filter(valid_until__isnull=False, filed_on__isnull=True).iterator():
        entered = committee.created_at.date()
        filed = min(max(entered, three_years_before(committee.valid_until)), committee.valid_until)
        Committee.objects.filter(pk=committee.pk).update(filed_on=filed)


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0002_round_pass_through"),
    ]

    operations = [
        migrations.AddField(
            model_name="committee",
            name="filed_on",
            field=models.DateField(blank=True, null=True, verbose_name="备案日期"),
        ),
        migrations.RunPython(fill_filed_on, migrations.RunPython.noop),
    ]
