# Written by hand (issue 13).

"""Everything that existed before editions is the 2025–2028 edition, in force, and the edition
that links printed without an edition (/r/T-S2/, plain paths) name for ever. The document gets
the owner's title for it. Nothing is invented: adoption date and case reference stay empty."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

FIRST_PERIOD = "2025-2028"
OLD_TITLE = "Strategi for Osloregionen"
OWNERS_TITLE = "Strategiske føringer for Osloregionen 2025–2028"


def first_edition(apps, schema_editor):
    Edition = apps.get_model("strategy", "Edition")
    Element = apps.get_model("strategy", "StrategyElement")
    HistoricalElement = apps.get_model("strategy", "HistoricalStrategyElement")
    ElementPath = apps.get_model("strategy", "ElementPath")
    DeletedElement = apps.get_model("strategy", "DeletedElement")
    if not (
        Element.objects.exists()
        or ElementPath.objects.exists()
        or DeletedElement.objects.exists()
    ):
        return
    edition, _ = Edition.objects.get_or_create(
        period=FIRST_PERIOD,
        defaults={
            "status": "gjeldende",
            "in_force_since": timezone.now(),
            "answers_unqualified_links": True,
        },
    )
    for model in (Element, HistoricalElement, ElementPath, DeletedElement):
        model.objects.filter(edition__isnull=True).update(edition=edition)
    Element.objects.filter(parent__isnull=True, kind="document", title=OLD_TITLE).update(
        title=OWNERS_TITLE
    )


class Migration(migrations.Migration):

    dependencies = [
        ('strategy', '0013_editions'),
    ]

    operations = [
        migrations.RunPython(first_edition, migrations.RunPython.noop),
    ]
