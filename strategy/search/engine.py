"""Full-text search of the strategy in Norwegian, on PostgreSQL or SQLite.

The query is parsed in Python (``terms.py``) into terms, and each term into the
Snowball stems it matches at three levels - exact, part (compounds), synonym - ranked in that
order, always: an element that matches the words as typed comes before one that only matches
a part of a compound, and that one before one found through a synonym. Within a level the
database ranks: PostgreSQL with ``ts_rank`` over ``search_vector`` (``schema.py``), SQLite
with ``bm25`` over its FTS5 table of stems.

The results page is one statement (``search_page``): the query texts, expanded in the database
with the strategy's own compounds and the synonym groups (tables read there, so an edit counts
at once in every process), the matches, their focus area or theme for the filters and their
counts, the page of hits with highlighted titles and snippets, and their context for the
breadcrumbs and the navigation. "Mente du …?" (``suggest``) is one more statement, only when a
search finds few elements; the suggestions as you type (``title_suggestions``) are one.

Highlighting: the database (PostgreSQL's ``ts_headline``) or Python (SQLite, whose index holds
stems, not the text) wraps matches in two Unicode noncharacters; the text is HTML-escaped and
only then are those turned into ``<mark>``/``</mark>``, so an editor's ``<script>`` in a title
or body stays text.

Each database's own statements, highlights and suggestions are in ``postgresql.py`` and
``sqlite.py``; what every statement shares (what the public may find) is in ``sql.py``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.utils.safestring import SafeString, mark_safe

from ..models import Edition, EditionStatus, Kind, SearchWord, StrategyElement, link_elements
from . import postgresql, sqlite
from .language import STOPWORDS, WORD, compound_parts, stem, words
from .schema import SYNONYMS_TABLE, TABLE, WORDS_TABLE
from .sql import (
    CONTEXT_COLUMNS,
    ELEMENT_COLUMNS,
    START_MARK,
    STOP_MARK,
    VISIBLE,
    embed,
    statement,
)
from .terms import ParsedQuery, Pattern, Term, parse_query

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
MAX_PAGE = 50
# "Mente du …?" when fewer elements than this have the words as typed, for words of at least
# MIN_SUGGESTED_LENGTH letters that public content does not have and no synonym group knows.
FEW_HITS = 3
MIN_SUGGESTED_LENGTH = 4
# Suggestions as you type: how many, and from how many letters.
TITLE_SUGGESTIONS = 8
MIN_SUGGESTION_LETTERS = 2
# Compounds of the strategy looked up for one word ("utslipp" → "klimagassutslippene", …).
MAX_COMPOUNDS_PER_TERM = 30

CODE = re.compile(r"[A-Za-z0-9]{1,10}(?:-[A-Za-z0-9]{1,10}){0,4}")
# The kinds a search can be narrowed to, in the order the filters list them.
FILTER_KINDS = (
    Kind.GOAL,
    Kind.STRATEGY,
    Kind.CHALLENGE,
    Kind.SUBGOAL,
    Kind.FOCUS_AREA,
    Kind.THEME,
    Kind.INTRODUCTION,
    Kind.VISION,
    Kind.SECTION,
)
AREA_KINDS = (Kind.FOCUS_AREA, Kind.THEME)

EXACT, PART, ALL = 2, 1, 0  # the match levels, best first


@dataclass
class CleanQuery:
    text: str
    messages: list[str]


@dataclass
class Hit:
    element: StrategyElement
    title_html: SafeString
    snippet_html: SafeString
    ancestors: list[StrategyElement] = field(default_factory=list)


@dataclass
class Facet:
    """One filter: a focus area or theme (``value`` its code), or a kind."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Results:
    hits: list[Hit]
    total: int
    # False when the query held nothing to look for: only signs, small words or exclusions.
    searched: bool = True
    page: int = 1
    # Elements found before the filters narrowed them, and of those the ones that matched the
    # words as typed (not only a part of a compound or a synonym).
    unfiltered_total: int = 0
    exact_total: int = 0
    areas: list[Facet] = field(default_factory=list)
    kinds: list[Facet] = field(default_factory=list)
    area: str = ""  # the filters in force ("" = all)
    kind: str = ""
    unknown_filters: list[str] = field(default_factory=list)
    # The words synonym groups added ("Viser også treff for: kollektiv"), and the stems of the
    # words typed that a group knows.
    synonyms: list[str] = field(default_factory=list)
    synonym_keys: frozenset[str] = frozenset()
    # Whether the query has alternatives ("sykkel eller gange").
    alternatives: bool = False

    @property
    def first_number(self) -> int:
        return (self.page - 1) * RESULTS_PER_PAGE + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.hits) - 1

    @property
    def has_next(self) -> bool:
        return self.last_number < self.total and self.page < MAX_PAGE

    @property
    def filtered(self) -> bool:
        return bool(self.area or self.kind)

    @property
    def few(self) -> bool:
        """So few elements have the words as typed that a corrected spelling may serve better
        ("transprot" finds nothing; "bærekarftig" only the compounds with "kraft…"). When some
        element has them all, every word is one of the strategy's: nothing to correct, unless
        one of several alternatives ("eller") is misspelt."""
        return self.searched and (
            self.exact_total == 0 or (self.exact_total < FEW_HITS and self.alternatives)
        )


def clean_query(raw: str) -> CleanQuery:
    """Control characters (NUL included, which PostgreSQL refuses) and the highlight markers
    become spaces; runs of whitespace collapse; an overlong query is cut."""
    text = "".join(
        " " if not char.isprintable() or char in (START_MARK, STOP_MARK) else char for char in raw
    )
    text = " ".join(text.split())
    messages = []
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rstrip()
        messages.append(
            f"Søket var for langt og er kortet ned til de første {MAX_QUERY_LENGTH} tegnene."
        )
    return CleanQuery(text, messages)


def looks_like_code(text: str) -> bool:
    return len(text) <= 20 and CODE.fullmatch(text) is not None


def find_by_code(text: str, edition: Edition | None = None) -> StrategyElement | None:
    """The public element with this reference code ("t-s2" finds T-S2), if any: in the
    edition in force, or in ``edition``."""
    if not looks_like_code(text):
        return None
    elements = StrategyElement.objects.public()
    elements = elements.filter(edition=edition) if edition else elements.in_force()
    return (
        elements.filter(code__iexact=text)
        .select_related("edition")
        .only("pk", "path", "edition__status", "edition__period")
        .first()
    )


def edition_rows(
    rows: list[StrategyElement], edition: Edition | None = None
) -> list[StrategyElement]:
    """Rows of a search statement, which reads one edition's document: the edition in force
    (its rows' URLs are plain ones) unless ``edition`` is given. Every row gets its edition
    without a query per row."""
    edition = edition or Edition(status=EditionStatus.IN_FORCE)
    for row in rows:
        row.edition = edition
    return rows


def highlighted(text: str) -> SafeString:
    """Escape the text, then turn the match markers into <mark> elements, always balanced."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Markdown links: keep their words
    text = text.replace("**", "").replace("*", "")
    parts: list[str] = []
    inside = False
    for piece in re.split(f"([{START_MARK}{STOP_MARK}])", text):
        if piece == START_MARK:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif piece == STOP_MARK:
            if inside:
                parts.append("</mark>")
                inside = False
        else:
            # The standard library's escape: Django's is lazy-aware and costs several times more
            # for the many small pieces of a results page.
            parts.append(html.escape(piece))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))


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


def tsquery_sql(parsed: ParsedQuery, level: int = ALL) -> tuple[str, list[str]]:
    """PostgreSQL: the query at one level as a tsquery expression, and its parameters."""
    text, params = query_text(parsed, POSTGRESQL, level)
    return f"to_tsquery('simple'::regconfig, {text})", params


def fts_match_sql(parsed: ParsedQuery, level: int = ALL) -> tuple[str, list[str]]:
    """SQLite: the query at one level as the text of an FTS5 MATCH, and its parameters."""
    return query_text(parsed, SQLITE, level)


# --- The results page's statement -----------------------------------------------------------


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

# After the backend's ``matches`` (every public match: id, kind, lft, area_id, and whether it
# has the words as typed): the filters; the matches of each level with their rank (the
# backend's ``{exact_rows}``, ``{part_rows}``, ``{other_rows}``), a level read only when the
# ones above do not fill the page: ranking every match of a common word, and checking each
# one's level row by row, cost more than the rest of the search. Then the counts per area and
# per kind, each under the other filter.
FILTERED = f"""
    filtered AS NOT MATERIALIZED (
        SELECT * FROM matches
        WHERE (NOT EXISTS (SELECT 1 FROM area_filter) OR area_id = (SELECT id FROM area_filter))
            AND (%(kind)s = '' OR kind = %(kind)s)
    ),
    {{exact_rows}},
    {{part_rows}},
    {{other_rows}},
    candidates AS (
        SELECT id, lft, {EXACT} AS level_found, score FROM exact_rows
        UNION ALL
        SELECT id, lft, {PART}, score FROM part_rows
        WHERE (SELECT count(*) FROM exact_rows) < %(needed)s
        UNION ALL
        SELECT id, lft, {ALL}, score FROM other_rows
        WHERE (SELECT count(*) FROM exact_rows) < %(needed)s
            AND (SELECT count(*) FROM exact_rows) + (SELECT count(*) FROM part_rows) < %(needed)s
    ),
    top AS MATERIALIZED (
        SELECT id, lft, level_found, score FROM candidates
        ORDER BY level_found DESC, score {{best_first}}, lft
        LIMIT %(limit)s OFFSET %(offset)s
    ),
    area_counts AS MATERIALIZED (
        SELECT area_id, count(*) AS total FROM matches
        WHERE area_id IS NOT NULL AND (%(kind)s = '' OR kind = %(kind)s) GROUP BY area_id
    ),
    kind_counts AS MATERIALIZED (
        SELECT kind, count(*) AS total FROM matches
        WHERE NOT EXISTS (SELECT 1 FROM area_filter) OR area_id = (SELECT id FROM area_filter)
        GROUP BY kind
    ),
"""

# The page: the hits (the backend's ``hits`` CTE over ``top``), their context (the document,
# its sections for the header navigation, every ancestor of a hit, found by walking parent_id
# up), and one "meta" row: in ``score`` the number of exact matches, in ``level_found`` all
# matches, in ``total`` the filtered ones; in ``code`` the words typed that synonym groups
# know (their keys), in ``title`` the synonyms used, in ``body`` the areas
# with their counts and in ``path`` the kinds with theirs (JSON: a few hundred areas as rows
# would cost more to send and to read), in ``body_marked`` the query text (SQLite highlights
# with it). As several ORM queries, building them and the round trips cost more than the
# search.
PAGE = f"""
    ancestors(id) AS (
        SELECT parent_id FROM hits WHERE parent_id IS NOT NULL
        UNION
        SELECT e.parent_id FROM ancestors JOIN {TABLE} e ON e.id = ancestors.id
        WHERE e.parent_id IS NOT NULL
    ),
    context(id) AS (
        SELECT id FROM document
        UNION
        SELECT section.id FROM document JOIN {TABLE} section ON section.parent_id = document.id
        WHERE section.kind = '{Kind.SECTION}'
        UNION
        SELECT id FROM ancestors
    )
    SELECT 'hit' AS row_type, {ELEMENT_COLUMNS}, score, level_found, CAST(NULL AS BIGINT) AS total,
        title_marked, body_marked
    FROM hits e
    UNION ALL
    SELECT 'context', {CONTEXT_COLUMNS}, NULL, NULL, NULL, NULL, NULL
    FROM {{context_rows}}
    WHERE e.is_public {{context_filter}}
    UNION ALL
    SELECT 'meta', NULL, NULL,
        (SELECT {{synonym_keys}} FROM {SYNONYMS_TABLE} WHERE key IN ({{keys}})),
        (SELECT {{synonyms_used}} FROM {SYNONYMS_TABLE} WHERE key IN ({{keys}})),
        (SELECT {{areas_json}} FROM (
            SELECT areas.code, areas.title, coalesce(counted.total, 0) AS total
            FROM areas LEFT JOIN area_counts counted ON counted.area_id = areas.id
            WHERE counted.total > 0 OR areas.code = %(area)s ORDER BY areas.lft
        ) counted_areas),
        (SELECT {{kinds_json}} FROM kind_counts),
        NULL, NULL, NULL, NULL,
        (SELECT count(*) FROM matches WHERE is_exact),
        (SELECT count(*) FROM matches), (SELECT count(*) FROM filtered),
        NULL, {{query_text}}
    ORDER BY row_type, level_found DESC, score {{best_first}}, lft
"""


NO_MATCHES = f"""
    search AS MATERIALIZED (SELECT '' AS query),
    matches AS MATERIALIZED (
        SELECT e.id, e.kind, e.lft, e.parent_id AS area_id, e.is_published AS is_exact
        FROM {TABLE} e WHERE 1 = 0
    ),
"""
NO_LEVELS = {
    "exact_rows": "exact_rows AS (SELECT id, lft, 0.0 AS score FROM matches)",
    "part_rows": "part_rows AS (SELECT id, lft, 0.0 AS score FROM matches)",
    "other_rows": "other_rows AS (SELECT id, lft, 0.0 AS score FROM matches)",
}
NO_HITS = f"""
    hits AS MATERIALIZED (
        SELECT {ELEMENT_COLUMNS}, CAST(NULL AS REAL) AS score, CAST(NULL AS INTEGER) AS level_found,
            CAST(NULL AS TEXT) AS title_marked, CAST(NULL AS TEXT) AS body_marked
        FROM {TABLE} e WHERE 1 = 0
    ),
"""


def page_statement(
    parsed: ParsedQuery, area: str, kind: str, offset: int, edition: Edition | None = None
) -> tuple[str, dict]:
    on_postgresql = connection.vendor == "postgresql"
    params: dict = {
        "area": area,
        "kind": kind,
        "limit": RESULTS_PER_PAGE,
        "offset": offset,
        "needed": offset + RESULTS_PER_PAGE,
    }
    texts = {}
    for name, level in (("exact", EXACT), ("part", PART), ("query", ALL)):
        if parsed:
            text_sql = (tsquery_sql if on_postgresql else fts_match_sql)(parsed, level)
            texts[name] = embed(*text_sql, f"{name}_", params)
    keys = list(dict.fromkeys(term.key for term in parsed.terms if term.key))
    keys_sql = (
        ", ".join(embed("%s", [key], f"key{number}_", params) for number, key in enumerate(keys))
        or "NULL"
    )
    if on_postgresql:
        matches, hits = postgresql.POSTGRESQL_MATCHES, postgresql.POSTGRESQL_HITS
        levels = postgresql.POSTGRESQL_LEVELS
        if area or kind:
            levels = postgresql.POSTGRESQL_FILTERED_LEVELS
        params.update(
            title_headline=postgresql.TITLE_HEADLINE, body_headline=postgresql.BODY_HEADLINE
        )
        page = {
            # PostgreSQL guesses a recursive CTE large and would read the whole table to join
            # it; as an array, the few ids are looked up in the primary key.
            "context_rows": f"{TABLE} e",
            "context_filter": "AND e.id = ANY(ARRAY(SELECT id FROM context))",
            "query_text": "NULL",
            **postgresql.POSTGRESQL_JSON,
        }
        best_first = "DESC"  # ts_rank: higher is better
    else:
        matches, hits = sqlite.SQLITE_MATCHES, sqlite.SQLITE_HITS
        levels = sqlite.SQLITE_LEVELS
        page = {
            "context_rows": f"context JOIN {TABLE} e ON e.id = context.id",
            "context_filter": "",
            "query_text": "(SELECT query FROM search)",
            **sqlite.SQLITE_JSON,
        }
        best_first = "ASC"  # bm25: lower is better
    if parsed:
        matches = matches.format(**texts)
    else:
        matches, levels, hits = NO_MATCHES, NO_LEVELS, NO_HITS
        page["query_text"] = "NULL"
    body = AREAS + matches + FILTERED.format(best_first=best_first, **levels) + hits
    page_sql = PAGE.format(keys=keys_sql, best_first=best_first, **page)
    return statement(body + page_sql, params, edition)


def search_page(
    text: str, page: int = 1, area: str = "", kind: str = "", edition: Edition | None = None
) -> tuple[Results, StrategyElement | None]:
    """Everything the results page shows, in one query: the best public matches in the current
    document (narrowed to a focus area or theme by its code, and to a kind), with their titles
    and snippets marked and each with its ancestors; the filters with their counts; and the
    document, linked in memory to its sections for the navigation (None: no document)."""
    parsed = parse_query(text)
    page = min(max(page, 1), MAX_PAGE)
    unknown = []
    if kind and kind not in FILTER_KINDS:
        unknown.append(f"Typen «{kind[:40]}» finnes ikke; viser alle typer.")
        kind = ""
    if area and not looks_like_code(area):
        unknown.append(f"Området «{area[:40]}» finnes ikke; viser alle områder.")
        area = ""
    area = area.upper()
    sql, params = page_statement(parsed, area, kind, (page - 1) * RESULTS_PER_PAGE, edition)
    try:
        rows = list(StrategyElement.objects.raw(sql, params))
    except DatabaseError:
        if connection.vendor == "postgresql":
            raise
        # FTS5 refuses a few odd queries (e.g. a word its tokenizer splits to nothing).
        parsed = ParsedQuery()
        rows = list(StrategyElement.objects.raw(*page_statement(parsed, area, kind, 0, edition)))
    by_type: dict[str, list[StrategyElement]] = {}
    for row in edition_rows(rows, edition):
        by_type.setdefault(row.row_type, []).append(row)
    meta = by_type["meta"][0]
    nodes = link_elements(sorted(by_type.get("context", []), key=lambda r: (r.tree_id, r.lft)))
    root = next((node for node in nodes.values() if node.parent_id is None), None)
    found = by_type.get("hit", [])
    if connection.vendor != "postgresql" and found:
        mark = sqlite.Marker(meta.body_marked or "")
        for row in found:
            row.title_marked, row.body_marked = mark.all(row.title), mark.snippet(row.body)
    hits = [
        Hit(row, highlighted(row.title_marked or ""), highlighted(row.body_marked or ""))
        for row in found
    ]
    areas = json.loads(meta.body or "[]") if parsed else []
    if area and area not in {code for code, _title, _count in areas}:
        unknown.append(f"Området «{area[:40]}» finnes ikke; viser alle områder.")
        area = ""
    kind_counts = dict(json.loads(meta.path or "[]")) if parsed else {}
    results = Results(
        attach_ancestors(hits, nodes),
        meta.total if parsed else 0,
        searched=bool(parsed),
        page=page,
        unfiltered_total=meta.level_found if parsed else 0,
        exact_total=int(meta.score or 0) if parsed else 0,
        areas=[Facet(code, title, count, code == area) for code, title, count in areas],
        kinds=[
            Facet(value, Kind(value).label, kind_counts.get(value, 0), value == kind)
            for value in FILTER_KINDS
            if kind_counts.get(value) or value == kind
        ],
        area=area,
        kind=kind,
        unknown_filters=unknown,
        synonyms=sorted(set(filter(None, (meta.title or "").split(",")))),
        synonym_keys=frozenset(filter(None, (meta.code or "").split(","))),
        alternatives=any(len(clause) > 1 for clause in parsed.clauses),
    )
    return results, root


def attach_ancestors(hits: list[Hit], nodes: dict[int, StrategyElement]) -> list[Hit]:
    """Give each hit its ancestors from an in-memory tree (``linked()``); a hit whose chain of
    ancestors is not all there (a draft appeared meanwhile) is dropped."""
    kept = []
    for hit in hits:
        chain: list[StrategyElement] = []
        parent_id = hit.element.parent_id
        while parent_id is not None and parent_id in nodes:
            chain.append(nodes[parent_id])
            parent_id = nodes[parent_id].parent_id
        if parent_id is None:
            hit.ancestors = chain[::-1]
            kept.append(hit)
    return kept


# --- "Mente du …?" --------------------------------------------------------------------------


@dataclass
class Suggestion:
    text: str  # the query with its misspelt words replaced
    words: list[str]  # the words put in


def suggest(text: str, synonym_keys: frozenset[str] = frozenset()) -> Suggestion | None:
    """«Mente du …?»: the query with each word that public content does not have replaced by
    the closest word that it has (typos: "transprot" → "transport"; æøå written without:
    "miljo" → "miljø"). One query, and none when no word typed can be misspelt: short words,
    compounds the dictionary splits and words a synonym group knows (``Results.synonym_keys``)
    are words. None when there is nothing better to offer."""
    typed = list(
        dict.fromkeys(
            term.word
            for term in parse_query(text).terms
            if term.word
            and term.word.isalpha()
            and len(term.word) >= MIN_SUGGESTED_LENGTH
            and not compound_parts(term.word)
            and term.key not in synonym_keys
        )
    )
    if not typed:
        return None
    backend = postgresql if connection.vendor == "postgresql" else sqlite
    replacements = backend.replacements(typed)
    if not replacements:
        return None
    suggestion = WORD.sub(
        lambda match: replacements.get(match.group().lower(), match.group()), text
    )
    return Suggestion(suggestion, list(replacements.values()))


# --- As you type ----------------------------------------------------------------------------


@dataclass
class TitleSuggestion:
    code: str
    title: str
    kind: str
    url: str


# Element titles and codes that begin with what is typed: the code first, then titles whose
# first word fits, then the tree's order. The typed words are prefixes of the title's words
# (PostgreSQL: weight A of search_vector; SQLite: the FTS5 title column).
TITLES = f"""
    matched AS MATERIALIZED (
        SELECT {ELEMENT_COLUMNS} FROM {TABLE} e
        WHERE {{matches}} AND e.title <> '' AND e.kind <> '{Kind.DOCUMENT}' AND {VISIBLE}
    )
    SELECT * FROM matched e
    ORDER BY lower(e.code) = %(code)s DESC, lower(e.code) LIKE %(code_prefix)s DESC,
        lower(e.title) LIKE %(title_prefix)s DESC, e.lft
    LIMIT {TITLE_SUGGESTIONS}
"""


def title_suggestions(text: str) -> list[TitleSuggestion]:
    """Up to eight public elements whose title words begin with the words typed, or whose code
    begins with the text, in one query ("tra" → «Transport og mobilitet», "t-s" → T-S1 …)."""
    text = clean_query(text).text.lower()[:MAX_QUERY_LENGTH]
    typed = words(text)
    if sum(len(word) for word in typed) < MIN_SUGGESTION_LETTERS:
        return []
    # Small words are not in the index ("transport og" looks for "transport"), nor is a single
    # letter a word to look for ("t-s" is the start of a code).
    prefixes = [
        sorted({word, stem(word)})
        for word in typed
        if len(word) >= MIN_SUGGESTION_LETTERS and word not in STOPWORDS
    ]
    params: dict = {
        "code": text,
        "code_prefix": text.replace("%", "").replace("_", "") + "%",
        "title_prefix": typed[0] + "%",
    }
    code_match = "lower(e.code) LIKE %(code_prefix)s"
    backend = postgresql if connection.vendor == "postgresql" else sqlite
    params["title_query"], title_match = backend.title_query(prefixes)
    matches = f"({code_match} OR {title_match})" if prefixes else code_match
    sql, params = statement(TITLES.format(matches=matches), params)
    try:
        rows = list(StrategyElement.objects.raw(sql, params))
    except DatabaseError:
        if connection.vendor == "postgresql":
            raise
        return []  # FTS5 refused the text
    return [
        TitleSuggestion(row.code, row.title, row.get_kind_display(), row.get_absolute_url())
        for row in edition_rows(rows)
    ]


def rebuild_vocabulary() -> int:
    """The strategy's words from every element again (after bulk inserts or raw SQL that
    bypassed the model's save). Returns the number of words."""
    return SearchWord.objects.rebuild(
        text
        for title, body in StrategyElement.objects.values_list("title", "body").iterator()
        for text in (title, body)
    )
