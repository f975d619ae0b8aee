"""Make the access log append-only at the database: UPDATE, DELETE (and TRUNCATE on PostgreSQL) fail."""

from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from mace.core import triggers

    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    from mace.core import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
