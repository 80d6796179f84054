"""``load_strategy``: the strategy's fixtures loaded and checked, or refused whole.

Without a file it loads fixtures/strategy.json into an empty database and leaves a database
with content alone (``make serve``: the editors' changes are never overwritten). With files
(``load_strategy strategy``, ``load_strategy eksport.json``) it loads them as Django's
``loaddata`` does - one transaction, the model's rules for every row (strategy/signals.py) -
and on top checks the strategy before that transaction commits: every parent present, every
kind allowed under its parent, nested-set numbers and stored paths consistent, and the rest of
``StrategyElement.clean()`` (``check_rules``: kinds, titles, reserved slugs) once the whole tree
is in. Every failure (bad JSON too) becomes one Norwegian error naming the file and the object;
nothing is left in the database. The load is recorded in the history.

Plain ``manage.py loaddata`` is Django's own: the same row rules and public flags (they live on
the model's signals), but not the whole-tree check nor the history.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from strategy.infrastructure.integrity import tree_problems
from strategy.models import Source, StrategyElement
from strategy.signals import COMPARED_ON_LOAD, loaded_row_label
from strategy.validators import describe


class Command(loaddata.Command):
    help = (
        "Laster strategien fra fixtures/strategy.json når databasen er tom (en database med "
        "innhold røres ikke, så redaktørenes endringer blir ikke overskrevet), eller de "
        "oppgitte fixturene. Strategien kontrolleres før noe lagres: en ødelagt fil avvises i "
        "sin helhet, og databasen er som før."
    )

    missing_args_message = None  # without a fixture: the strategy, into an empty database

    def add_arguments(self, parser):
        parser.add_argument(
            "args",
            metavar="fixtur",
            nargs="*",
            help="Fixturer som skal lastes (standard: strategy, bare i en tom database).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections))

    def handle(self, *fixture_labels, **options):
        if not fixture_labels:
            if StrategyElement.objects.using(options["database"]).exists():
                self.stdout.write("Strategien finnes allerede i databasen; ingenting lastet.")
                return None
            fixture_labels = ("strategy",)
        options = {"app_label": None, "ignore": False, "exclude": [], "format": None, **options}
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
        self._sources: list[tuple[Source, str]] = []
        self._labels_left = len(fixture_labels)
        super().loaddata(fixture_labels)

    def find_fixtures(self, fixture_label):
        fixtures = super().find_fixtures(fixture_label)
        self._current_file = ", ".join(str(fixture_file) for fixture_file, _, _ in fixtures)
        self._all_files = [*getattr(self, "_all_files", []), self._current_file]
        return fixtures

    def _refuse(self, file: str, what: str, problem: str) -> CommandError:
        return CommandError(
            f"Fixturen «{file}» ble ikke lastet, og databasen er uendret: {what}: "
            f"{problem.rstrip('.')}."
        )

    def save_obj(self, obj):
        row = obj.object
        file = getattr(self, "_current_file", "?")
        try:
            saved = super().save_obj(obj)  # the row's rules: strategy/signals.py
        except ValidationError as error:
            raise CommandError(
                f"Fixturen «{file}» ble ikke lastet, og databasen er uendret: "
                f"{' '.join(error.messages).rstrip('.')}."
            ) from error
        if isinstance(row, StrategyElement):
            self._element_files[row.pk] = file
        elif isinstance(row, Source):
            self._sources.append((row, file))
        return saved

    def load_label(self, fixture_label):
        super().load_label(fixture_label)
        self._labels_left -= 1
        if self._labels_left == 0 and (self._element_files or self._sources):
            # After the last file, before Django checks the foreign keys (which would name
            # neither the file nor the object).
            self._check_tree()
            self._record_in_history()

    def _record_in_history(self) -> None:
        """The history starts with the load, not with the first editor who touches an
        element: every loaded element and source gets a version with no user, the load's time
        and the reason «Lastet fra fixtures/strategy.json». A row unchanged since its latest
        version (the same file loaded twice) gets none."""
        names = []
        for file in self._all_files:
            for name in file.split(", "):
                path = Path(name)
                shown = (
                    str(path.relative_to(settings.BASE_DIR))
                    if path.is_relative_to(settings.BASE_DIR)
                    else path.name
                )
                if shown not in names:
                    names.append(shown)
        reason = f"Lastet fra {', '.join(names)}"[:100]
        now = timezone.now()
        loaded_pks = {
            StrategyElement: list(self._element_files),
            Source: [source.pk for source, _ in self._sources],
        }
        for model, pks in loaded_pks.items():
            latest = {}
            for record in model.history.filter(id__in=pks).order_by("history_date", "history_id"):
                latest[record.id] = record
            created, changed = [], []
            for obj in model.objects.filter(pk__in=pks).order_by("pk"):
                obj._history_user = None  # not whoever is logged in, if run from a request
                record = latest.get(obj.pk)
                if record is None or record.history_type == "-":
                    created.append(obj)
                elif any(
                    getattr(obj, field) != getattr(record, field)
                    for field in COMPARED_ON_LOAD[model]
                ):
                    changed.append(obj)
            for objs, update in ((created, False), (changed, True)):
                model.history.bulk_history_create(
                    objs, update=update, default_date=now, default_change_reason=reason
                )

    def _check_tree(self) -> None:
        elements = list(StrategyElement.objects.order_by("tree_id", "lft", "pk"))
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
        # The tree is whole (tree_problems linked every element to its parent in memory):
        # now the rest of the model's clean(), as the admin form applies it (the code was
        # checked before the row was written).
        for element in elements:
            if element.pk not in self._element_files:
                continue
            try:
                element.check_rules()
            except ValidationError as error:
                file = self._element_files[element.pk]
                raise self._refuse(
                    file, loaded_row_label(element), describe(element, error)
                ) from error
