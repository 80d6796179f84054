"""Django's ``loaddata``, refusing a broken strategy fixture whole.

Django already loads all fixtures in one transaction. This version also checks the strategy
before that transaction commits - codes unique, every parent present, every kind allowed under
its parent, nested-set numbers and stored paths consistent - and turns every failure (bad JSON
too) into one Norwegian error naming the file and the object. Nothing is left in the database.

Fixtures do not carry the derived public flag (and one that did would not be trusted): it is
derived for every loaded tree in the same transaction, before the check.
"""

from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from strategy.integrity import tree_problems
from strategy.models import Source, StrategyElement


class Command(loaddata.Command):
    help = (
        f"{loaddata.Command.help} Strategien kontrolleres før noe lagres: en ødelagt fil "
        "avvises i sin helhet, og databasen er som før."
    )

    def handle(self, *fixture_labels, **options):
        try:
            return super().handle(*fixture_labels, **options)
        except CommandError:
            raise
        except Exception as error:
            # Bad JSON, a failing insert, a broken foreign key: the transaction rolled back.
            # Django's JSON reader keeps the line and column only in the cause.
            cause = f" ({error.__cause__})" if error.__cause__ else ""
            raise CommandError(
                f"Fixturen ble ikke lastet, og databasen er uendret. {error}{cause}"
            ) from error

    def loaddata(self, fixture_labels):
        self._element_files: dict[int, str] = {}
        self._codes: dict[tuple[int, str], int] = {}
        self._sources: list[tuple[Source, str]] = []
        self._labels_left = len(fixture_labels)
        super().loaddata(fixture_labels)

    def find_fixtures(self, fixture_label):
        fixtures = super().find_fixtures(fixture_label)
        self._current_file = ", ".join(str(fixture_file) for fixture_file, _, _ in fixtures)
        self._all_files = [*getattr(self, "_all_files", []), self._current_file]
        return fixtures

    def save_obj(self, obj):
        element = obj.object
        if isinstance(element, StrategyElement):
            file = getattr(self, "_current_file", "?")
            key = (element.edition_id, element.code)
            clash = self._codes.get(key)
            if clash is None:
                clash = (
                    StrategyElement.objects.filter(edition_id=element.edition_id, code=element.code)
                    .exclude(pk=element.pk)
                    .values_list("pk", flat=True)
                    .first()
                )
            if clash is not None and clash != element.pk:
                raise CommandError(
                    f"Fixturen «{file}» ble ikke lastet, og databasen er uendret: "
                    f"strategielement pk={element.pk}: referansekoden «{element.code}» er "
                    f"allerede brukt av strategielement pk={clash}."
                )
            self._codes[key] = element.pk
            self._element_files[element.pk] = file
        elif isinstance(element, Source):
            self._sources.append((element, getattr(self, "_current_file", "?")))
        return super().save_obj(obj)

    def load_label(self, fixture_label):
        super().load_label(fixture_label)
        self._labels_left -= 1
        if self._labels_left == 0 and (self._element_files or self._sources):
            # After the last file, before Django checks the foreign keys (which would name
            # neither the file nor the object).
            if self._element_files:
                StrategyElement.objects.filter(pk__in=self._element_files).refresh_public()
            self._check_tree()

    def _check_tree(self) -> None:
        elements = list(
            StrategyElement.objects.select_related("edition").order_by("tree_id", "lft", "pk")
        )
        problems = tree_problems(elements)
        present = {element.pk for element in elements}
        for source, file in self._sources:
            if source.element_id not in present:
                raise CommandError(
                    f"Fixturen «{file}» ble ikke lastet, og databasen er uendret: kilde "
                    f"pk={source.pk} (nr. {source.number}): elementet pk={source.element_id} "
                    "finnes ikke."
                )
        if problems:
            pk, message = problems[0]
            file = self._element_files.get(pk) or ", ".join(
                sorted(set(self._element_files.values()))
            )
            raise CommandError(
                f"Fixturen «{file}» ble ikke lastet, og databasen er uendret: {message}."
            )
