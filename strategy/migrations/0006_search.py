"""Full-text search, kept up to date by the database itself.

PostgreSQL: a ``search_vector`` tsvector column (title A, body B, code C, ``norwegian``
configuration) filled by a trigger, with a GIN index. SQLite: an FTS5 table over the same columns,
kept in sync by triggers. Neither is a Django field: nothing else reads them, and Django's SELECTs
of the element table stay as they were. The SQL lives in strategy/search/schema.py, which also
re-creates the SQLite triggers after every migrate (a table rebuild by a later migration on SQLite
drops them).
"""

from django.db import migrations

from strategy.search import schema as search_schema


def create(apps, schema_editor):
    search_schema.create(schema_editor.connection)


def drop(apps, schema_editor):
    search_schema.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0005_content_version"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
