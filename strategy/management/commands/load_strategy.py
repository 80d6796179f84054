from django.core.management import call_command
from django.core.management.base import BaseCommand

from strategy.models import StrategyElement


class Command(BaseCommand):
    help = (
        "Laster strategien fra fixtures/strategy.json når databasen er tom. En database "
        "med innhold røres ikke, så redaktørenes endringer blir ikke overskrevet."
    )

    def handle(self, *args, **options):
        if StrategyElement.objects.exists():
            self.stdout.write("Strategien finnes allerede i databasen; ingenting lastet.")
            return
        call_command("loaddata", "strategy", verbosity=options["verbosity"])
