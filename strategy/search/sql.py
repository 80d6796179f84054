"""The SQL every search statement shares, on PostgreSQL and SQLite alike: the one place search
decides what the public may find, the query texts expanded in the database, the match levels,
the element columns and the focus areas and themes the results are filtered by. The
databases' own parts are in ``postgresql.py`` and ``sqlite.py``; ``engine.py`` puts a
statement together."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.db import connection

from ..models import Kind, StrategyElement
from .schema import SYNONYMS_TABLE, TABLE, WORDS_TABLE
from .terms import ParsedQuery, Pattern, Term

EXACT, PART, ALL = 2, 1, 0  # the match levels, best first

# Compounds of the strategy looked up for one word ("utslipp" → "klimagassutslippene", …).
MAX_COMPOUNDS_PER_TERM = 30
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


def statement(body: str, params: dict) -> tuple[str, dict]:
    """``WITH RECURSIVE`` the visibility CTEs, then ``body`` (more CTEs and the SELECT)."""
    document = embed(*_current_document_sql(connection.vendor), "document", params)
    return f"WITH RECURSIVE {VISIBILITY_CTES.format(document=document)}, {body}", params


def embed(sql: str, params: list | tuple, prefix: str, into: dict) -> str:
    """A piece of SQL with positional ``%s`` parameters, as named ones (``%(prefix0)s`` …) in
    ``into``, so that pieces and the page's own parameters mix in one statement."""
    numbers = iter(range(len(params)))
    named = re.sub(r"%s", lambda _match: f"%({prefix}{next(numbers)})s", sql)
    into.update({f"{prefix}{index}": value for index, value in enumerate(params)})
    return named


# --- The query texts, expanded in the database ----------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """How one database writes a query: its operators, and the subqueries that add the
    strategy's compounds containing a word and the synonym groups' words."""

    any_of: str
    all_of: str
    concat_all: str  # aggregate of the subqueries: ' | x | y' or ' OR "x" OR "y"'

    def pattern(self, pattern: Pattern) -> str:
        return pattern.tsquery() if self is POSTGRESQL else pattern.fts()

    def compounds_sql(self) -> str:
        """Words of the strategy with a stem as a part (not as their start: the prefix already
        finds those), as alternatives to append; its parameters: ``compounds_params``."""
        if self is POSTGRESQL:
            item, not_prefix = "quote_literal(stem)", "NOT starts_with(stem, %s)"
        else:
            item, not_prefix = "'\"' || stem || '\"'", "substr(stem, 1, length(%s)) <> %s"
        return (
            f"(SELECT coalesce({self.concat_all.format(item=item)}, '') FROM ("
            f"SELECT DISTINCT stem FROM {WORDS_TABLE} WHERE parts LIKE %s AND {not_prefix} "
            f"ORDER BY stem LIMIT {MAX_COMPOUNDS_PER_TERM}) compounds)"
        )

    def compounds_params(self, part: str) -> list[str]:
        return [f"% {part} %", part] if self is POSTGRESQL else [f"% {part} %", part, part]

    def synonyms_sql(self) -> str:
        item = "tsquery" if self is POSTGRESQL else "fts"
        return (
            f"(SELECT coalesce({self.concat_all.format(item=item)}, '') "
            f"FROM {SYNONYMS_TABLE} WHERE key = %s)"
        )


POSTGRESQL = Dialect(any_of=" | ", all_of=" & ", concat_all="string_agg(' | ' || {item}, '')")
SQLITE = Dialect(any_of=" OR ", all_of=" AND ", concat_all="group_concat(' OR ' || {item}, '')")


class QueryText:
    """A query text as an SQL expression: literal pieces (parameters) and subqueries joined
    with ``||``."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.params: list[str] = []
        self._literal = ""

    def add(self, text: str) -> None:
        self._literal += text

    def add_sql(self, sql: str, params: list[str]) -> None:
        self._flush()
        self.pieces.append(sql)
        self.params.extend(params)

    def _flush(self) -> None:
        if self._literal:
            self.pieces.append("%s")
            self.params.append(self._literal)
            self._literal = ""

    def sql(self) -> tuple[str, list[str]]:
        self._flush()
        return " || ".join(self.pieces), self.params


def excluded_patterns(term: Term) -> list[Pattern]:
    """An excluded word leaves out its forms and the compounds it starts ("-gods")."""
    return term.without_covered([*term.exact(), *term.parts()[:1]])


def query_text(parsed: ParsedQuery, dialect: Dialect, level: int) -> tuple[str, list[str]]:
    """The whole query at one match level, as an SQL expression of the database's query text:
    every clause must match, a clause when any of its terms does, excluded terms never."""
    text = QueryText()
    for number, clause in enumerate(parsed.clauses):
        text.add(dialect.all_of if number else "")
        text.add("(")
        for index, term in enumerate(clause):
            patterns = term.exact() if level == EXACT else term.parts() + term.exact()
            text.add(
                (dialect.any_of if index else "")
                + dialect.any_of.join(
                    dialect.pattern(pattern) for pattern in term.without_covered(patterns)
                )
            )
            if level != EXACT and term.part_of:
                text.add_sql(dialect.compounds_sql(), dialect.compounds_params(term.part_of))
            if level == ALL and term.key:
                text.add_sql(dialect.synonyms_sql(), [term.key])
        text.add(")")
    for term in parsed.excluded:
        alternatives = dialect.any_of.join(dialect.pattern(p) for p in excluded_patterns(term))
        text.add(f" & !({alternatives})" if dialect is POSTGRESQL else f" NOT ({alternatives})")
    return text.sql()


ELEMENT_COLUMNS_LIST = (
    "id", "kind", "code", "title", "body", "path", "parent_id", "tree_id", "lft", "rght",
)  # fmt: skip
ELEMENT_COLUMNS = ", ".join(f"e.{column}" for column in ELEMENT_COLUMNS_LIST)
# The context's rows without their body text, which the page does not show for them.
CONTEXT_COLUMNS = ELEMENT_COLUMNS.replace("e.body", "'' AS body")

# The focus areas and themes: children of the document's sections, the only place they may
# stand, found through parent_id's index. Their items (challenges, strategies, …) are their
# children and have none of their own (models.ALLOWED_CHILDREN): a match's area is itself or its
# parent, looked up in the few areas with IN, which both databases hash (joining the areas, or
# comparing lft/rght ranges, made PostgreSQL compare every match with every area: 130 ms for
# "transport" on 10,000 elements).
AREAS = f"""
    areas AS MATERIALIZED (
        SELECT e.id, e.code, e.title, e.lft
        FROM document JOIN {TABLE} section ON section.parent_id = document.id
        JOIN {TABLE} e ON e.parent_id = section.id
        WHERE section.kind = '{Kind.SECTION}' AND e.kind IN ('{Kind.FOCUS_AREA}', '{Kind.THEME}')
            AND {VISIBLE}
    ),
    area_filter(id) AS (
        SELECT id FROM areas WHERE code = %(area)s
    ),
"""
AREA_ID = (
    f"CASE WHEN (CASE WHEN e.kind IN ('{Kind.FOCUS_AREA}', '{Kind.THEME}') THEN e.id "
    "ELSE e.parent_id END) IN (SELECT id FROM areas) "
    f"THEN (CASE WHEN e.kind IN ('{Kind.FOCUS_AREA}', '{Kind.THEME}') THEN e.id "
    "ELSE e.parent_id END) END AS area_id"
)
