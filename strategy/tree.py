"""Serialised writes to the strategy tree.

django-mptt keeps nested-set numbers (lft/rght) that every insert, move and delete rewrites across
the tree; two writers interleaving can corrupt them. Every tree write therefore runs inside one
transaction that first takes a tree-wide lock.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

# Arbitrary but fixed key for pg_advisory_xact_lock; any tree writer in any process takes it.
TREE_LOCK_KEY = 0x05105E


@contextmanager
def tree_lock() -> Iterator[None]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])
        # SQLite: the settings open every transaction IMMEDIATE, which already takes the
        # database-wide write lock for the whole transaction.
        yield
