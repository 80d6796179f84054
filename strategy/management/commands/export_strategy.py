from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand

from strategy.models import Edition, Source, StrategyElement

# Editing bookkeeping, not content: the optimistic-locking counter starts again at 1 on load.
NOT_EXPORTED = frozenset({"version"})


class Command(BaseCommand):
    help = (
        "Skriver hele strategien (utgaver, elementer og kilder) til fixtures/strategy.json, "
        "i fast rekkefølge, slik at samme innhold alltid gir samme bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.FIXTURE_DIRS[0]) / "strategy.json"),
            help="Filen som skrives (standard: fixtures/strategy.json). «-» skriver til stdout.",
        )

    def handle(self, *args, output: str, **options):
        objects = [
            # Editions first: every element names its edition.
            *Edition.objects.order_by("pk"),
            *StrategyElement.objects.order_by("tree_id", "lft"),
            *Source.objects.order_by("element__tree_id", "element__lft", "number"),
        ]
        fields = [
            field.name
            for model in (Edition, StrategyElement, Source)
            for field in model._meta.local_fields
            if not field.primary_key and field.name not in NOT_EXPORTED
        ]
        data = (
            serializers.serialize("json", objects, indent=2, ensure_ascii=False, fields=fields)
            + "\n"
        )
        if output == "-":
            self.stdout.write(data, ending="")
            return
        Path(output).write_text(data, encoding="utf-8")
        self.stdout.write(f"Skrev {len(objects)} objekter til {output}")
