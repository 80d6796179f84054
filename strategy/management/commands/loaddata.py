"""Django's ``loaddata``, refusing a broken strategy fixture whole.

Django already loads all fixtures in one transaction. This version validates every object of
the strategy app as the admin does - the model's field validators, constraints and permanent
codes before the row is written, the rest of ``StrategyElement.clean()`` (``check_rules``: kinds,
titles, reserved slugs) once the whole tree is in - and checks the strategy before that
transaction commits - codes unique, every parent present, every kind allowed under its parent,
nested-set numbers and stored paths consistent.
Every failure (bad JSON too) becomes one Norwegian error naming the file and the object.
Nothing is left in the database.

Fixtures do not carry the derived public flag (and one that did would not be trusted): it is
derived for every loaded tree in the same transaction, before the check.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import models
from django.utils import timezone

from strategy.infrastructure.integrity import tree_problems
from strategy.models import Source, StrategyElement
from strategy.validators import describe

# What the history compares to tell whether a loaded row differs from its latest version.
HISTORY_COMPARED = {
    StrategyElement: ("parent_id", "kind", "code", "title", "slug", "path", "body", "is_published"),
    Source: ("element_id", "number", "text", "url", "anchor"),
}


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
            self._count_version(element)
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
            self._record_in_history()

    def _count_version(self, element: StrategyElement) -> None:
        """The fixture carries no version. A row loaded over a different one is a new
        version of it (a form opened before the load is then stale); an identical one keeps
        its version, so loading the same file twice changes nothing."""
        fields = HISTORY_COMPARED[StrategyElement]
        stored = StrategyElement.objects.filter(pk=element.pk).values(*fields, "version").first()
        if stored is None:
            return
        unchanged = all(getattr(element, field) == stored[field] for field in fields)
        element.version = stored["version"] + (0 if unchanged else 1)

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
                    for field in HISTORY_COMPARED[model]
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
                raise self._refuse(file, _label(element), describe(element, error)) from error


def _label(instance: models.Model) -> str:
    if isinstance(instance, StrategyElement):
        return f"strategielement pk={instance.pk} (kode «{instance.code}»)"
    if isinstance(instance, Source):
        return f"kilde pk={instance.pk} (nr. {instance.number})"
    return f"{instance._meta.verbose_name} pk={instance.pk}"
