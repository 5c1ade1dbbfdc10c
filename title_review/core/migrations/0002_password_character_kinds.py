"""password.min_classes (how many of upper, lower, digit, symbol) becomes the four password.require_* switches.

A stored count keeps its intent: 4 → also require upper- and lower-case letters; 3 → the new default
(letters, digits and special characters, the seed manuals' rule); 2 or less → letters and digits. Rows the
province already set for the new keys are kept. docs/decisions/0025-password-policy.md.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    PolicySetting = apps.get_model("core", "PolicySetting")
    row = PolicySetting.objects.filter(key="password.min_classes").first()
    if row is None:
        return
    try:
        classes = int(row.value)
    except (TypeError, ValueError):
        classes = 3
    if classes >= 4:
        PolicySetting.objects.get_or_create(key="password.require_mixed_case", defaults={"value": True})
    elif classes <= 2:
        PolicySetting.objects.get_or_create(key="password.require_symbol", defaults={"value": False})
    row.delete()


def backwards(apps, schema_editor):
    PolicySetting = apps.get_model("core", "PolicySetting")
    switches = dict(PolicySetting.objects.filter(key__startswith="password.require_").values_list("key", "value"))
    if switches.get("password.require_mixed_case"):
        PolicySetting.objects.update_or_create(key="password.min_classes", defaults={"value": 4})
    elif switches.get("password.require_symbol") is False:
        PolicySetting.objects.update_or_create(key="password.min_classes", defaults={"value": 2})
    PolicySetting.objects.filter(key__startswith="password.require_").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
