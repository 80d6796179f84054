"""The SQL every search statement shares, on PostgreSQL and SQLite alike: the one place search
decides what the public may find, the statement around it, the element columns, a match's
focus area or theme, and the marks around a highlighted word. The databases' own parts are in
``postgresql.py`` and ``sqlite.py``; ``engine.py`` puts a statement together."""

from __future__ import annotations

import functools
import re

from django.db import connection

from ..models import Edition, Kind, StrategyElement

# Unicode noncharacters: never part of interchanged text, so never mistaken for a match marker.
START_MARK = "\ufdd0"
STOP_MARK = "\ufdd1"


# --- Visibility: the one place search decides what the public may find ----------------------

# Only public rows of the current document's tree. "Public" is the stored flag that
# StrategyElement.objects.public() reads (strategy/public.py): this SQL reads the same column and
# restates no rule (search's statements are plain SQL: building them with the ORM cost more
# Python time than the database spent on them). Every statement below starts with
# VISIBILITY_CTES and checks rows ``e`` with VISIBLE.
VISIBILITY_CTES = """
    document AS MATERIALIZED ({document})
"""
VISIBLE = """
    e.tree_id = (SELECT tree_id FROM document) AND e.is_public
"""


@functools.cache
def _current_document_sql(vendor: str) -> tuple[str, tuple]:
    """The current document's id and tree as SQL, compiled once per database backend from the
    queryset that defines it, so the rule lives in one place and costs no ORM work per search."""
    documents = StrategyElement.objects.current_documents().values("id", "tree_id")[:1]
    return documents.query.sql_with_params()


# A period no edition has: the compiled statement's placeholder for the edition searched.
PERIOD_PLACEHOLDER = "0000-0000"


@functools.cache
def _edition_document_sql(vendor: str) -> tuple[str, tuple]:
    """The public document of one edition (by period) as SQL, compiled once per backend like
    ``_current_document_sql``; the period is a parameter."""
    documents = (
        StrategyElement.objects.documents()
        .public()
        .filter(edition__period=PERIOD_PLACEHOLDER)
        .values("id", "tree_id")[:1]
    )
    return documents.query.sql_with_params()


def statement(body: str, params: dict, edition: Edition | None = None) -> tuple[str, dict]:
    """``WITH RECURSIVE`` the visibility CTEs, then ``body`` (more CTEs and the SELECT). The
    document searched is the edition in force's, or ``edition``'s (a public one)."""
    if edition is None or edition.is_in_force:
        sql, values = _current_document_sql(connection.vendor)
    else:
        sql, values = _edition_document_sql(connection.vendor)
        values = tuple(edition.period if v == PERIOD_PLACEHOLDER else v for v in values)
    document = embed(sql, values, "document", params)
    return f"WITH RECURSIVE {VISIBILITY_CTES.format(document=document)}, {body}", params


def embed(sql: str, params: list | tuple, prefix: str, into: dict) -> str:
    """A piece of SQL with positional ``%s`` parameters, as named ones (``%(prefix0)s`` …) in
    ``into``, so that pieces and the page's own parameters mix in one statement."""
    numbers = iter(range(len(params)))
    named = re.sub(r"%s", lambda _match: f"%({prefix}{next(numbers)})s", sql)
    into.update({f"{prefix}{index}": value for index, value in enumerate(params)})
    return named


ELEMENT_COLUMNS_LIST = (
    "id", "kind", "code", "title", "body", "path", "parent_id", "tree_id", "lft", "rght",
)  # fmt: skip
ELEMENT_COLUMNS = ", ".join(f"e.{column}" for column in ELEMENT_COLUMNS_LIST)
# The context's rows without their body text, which the page does not show for them.
CONTEXT_COLUMNS = ELEMENT_COLUMNS.replace("e.body", "'' AS body")

# A match's focus area or theme (``engine.AREAS``): itself, or its parent.
AREA_ID = (
    f"CASE WHEN (CASE WHEN e.kind IN ('{Kind.FOCUS_AREA}', '{Kind.THEME}') THEN e.id "
    "ELSE e.parent_id END) IN (SELECT id FROM areas) "
    f"THEN (CASE WHEN e.kind IN ('{Kind.FOCUS_AREA}', '{Kind.THEME}') THEN e.id "
    "ELSE e.parent_id END) END AS area_id"
)
