import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from strategy.public_site.opendata import import_tree


class Command(BaseCommand):
    help = (
        "Leser en eksport av hele strategien (/api/strategi.json) inn i databasen. Filen "
        "kontrolleres i sin helhet først; finnes en av kodene fra før, endres ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON-filen fra /api/strategi.json («-» for stdin).")

    def handle(self, *args, file: str, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Kan ikke lese {file}: {error.strerror}.") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file} er ikke gyldig JSON: {error.msg} (linje {error.lineno})."
            ) from error
        try:
            root = import_tree(data)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        root.refresh_from_db()  # children were inserted after it: its rght is stale in memory
        count = root.get_descendant_count() + 1
        self.stdout.write(f"Importerte {count} elementer fra {file}.")
