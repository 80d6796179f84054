"""A costly fixture built once and put back in each test: the rows it wrote, kept."""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction


def every_table() -> dict[type[models.Model], list[dict]]:
    return {
        model: list(model._base_manager.order_by("pk").values(*columns(model)))
        for model in apps.get_models(include_auto_created=True)
    }


def columns(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def tables_written_by(build, django_db_blocker) -> dict[type[models.Model], list[dict]]:
    """Runs ``build()`` once, in a transaction that is rolled back, and returns every table it
    changed, as it left it: a fixture that is costly to build (the strategy's load, 2,000
    elements with 20 versions each) is built once and put back (``put_back``) in each test."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = every_table()
        build()
        after = every_table()
        transaction.set_rollback(True)
    return {model: rows for model, rows in after.items() if rows != before[model]}


def put_back(tables: dict[type[models.Model], list[dict]]) -> None:
    """The rows ``tables_written_by`` kept, inserted in this test's transaction (rolled back
    after it), one statement a table."""
    from strategy.models import ContentVersion

    quote = connection.ops.quote_name
    # One transaction (a savepoint in a test's own), so the foreign keys are checked once all
    # rows are in: with transactional_db each statement would commit on its own.
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows as stored, in tables a test starts with empty: no save(), no signals, and no
        # auto_now (bulk_create would stamp created_at and updated_at with today).
        for model, rows in tables.items():
            fields = model._meta.concrete_fields
            cursor.executemany(
                f"INSERT INTO {quote(model._meta.db_table)} "
                f"({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})",
                [
                    [field.get_db_prep_save(row[field.attname], connection) for field in fields]
                    for row in rows
                ],
            )
        for statement in connection.ops.sequence_reset_sql(no_style(), list(tables)):
            cursor.execute(statement)
    # A new version, as a load in the test itself would make: nothing a worker process kept
    # from another test (a rendered page, a PDF) is taken for this one's.
    ContentVersion.bump()
