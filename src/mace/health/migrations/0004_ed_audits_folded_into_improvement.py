# The ED audits are audits of the `ed` tool in mace.improvement.audits: improvement's migration copies
# them (records, questions, answers) before these tables go.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0003_assessmentwait"),
        # Renumber with improvement's migration at merge.
        ("improvement", "0003_audits_and_reviews"),
    ]

    operations = [
        migrations.DeleteModel(name="AuditAnswer"),
        migrations.DeleteModel(name="Audit"),
    ]
