"""Django's ``loaddata``, refusing a broken strategy fixture whole.

Django already loads all fixtures in one transaction. This version validates every object of
the strategy app as the admin does - the model's field validators, constraints and permanent
codes before the row is written, the rest of ``StrategyElement.clean()`` (``check_rules``: kinds,
titles, reserved slugs) once the whole tree is in - and checks the strategy before that
transaction commits - codes unique, every parent present, every kind allowed under its parent,
nested-set numbers and stored paths consistent.
Every failure (bad JSON too) becomes one Norwegian error naming the file and the object.
Nothing is left in the database.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import models

from strategy.integrity import tree_problems
from strategy.models import Source, StrategyElement
from strategy.validators import describe


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
        self._codes: dict[str, int] = {}
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

    def _validate_fields(self, instance: models.Model, file: str) -> None:
        """The model's field rules, before the row is written: a NUL or an over-long title
        would otherwise fail in PostgreSQL with an English error, and be stored on SQLite.
        Relations are checked once every object is in (``_check_tree``)."""
        relations = {field.name for field in instance._meta.fields if field.is_relation}
        # A fixture's object with a primary key may overwrite its own row (loading onto a
        # database that has the strategy): uniqueness is then checked against the other rows.
        instance._state.adding = instance.pk is None
        try:
            instance.clean_fields(exclude=relations)
            instance.validate_constraints()  # e.g. one footnote number once per element
            if isinstance(instance, StrategyElement):
                instance.check_code()  # before the row is overwritten: codes are permanent
        except ValidationError as error:
            raise self._refuse(file, _label(instance), describe(instance, error)) from error

    def save_obj(self, obj):
        element = obj.object
        if element._meta.app_label == StrategyElement._meta.app_label:
            self._validate_fields(element, getattr(self, "_current_file", "?"))
        if isinstance(element, StrategyElement):
            file = getattr(self, "_current_file", "?")
            clash = self._codes.get(element.code)
            if clash is None:
                clash = (
                    StrategyElement.objects.filter(code=element.code)
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
            self._codes[element.code] = element.pk
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
            self._check_tree()

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
                raise self._refuse(file, _label(element), describe(element, error)) from error


def _label(instance: models.Model) -> str:
    if isinstance(instance, StrategyElement):
        return f"strategielement pk={instance.pk} (kode «{instance.code}»)"
    if isinstance(instance, Source):
        return f"kilde pk={instance.pk} (nr. {instance.number})"
    return f"{instance._meta.verbose_name} pk={instance.pk}"
