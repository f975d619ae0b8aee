"""A name nobody gave was stored as the placeholder "Not known", which the API returned as if it were
the child's name. Store it empty. Only placeholders are touched: their search key was made from the
empty name as received, so a real name spelt "Not known" (key "notknown") is left alone."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    Person.objects.filter(given_names="Not known", given_key="").update(
        given_names="", version=F("version") + 1
    )
    Person.objects.filter(family_name="Not known", family_key="").update(
        family_name="", version=F("version") + 1
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_merge")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
