"""Full-text search of the strategy in Norwegian, on PostgreSQL or SQLite.

The query a person types is parsed once, in Python, into words, "phrases", ``-excluded`` words
and ``or``/``eller`` alternatives (the syntax of PostgreSQL's ``websearch_to_tsquery``). Only
letters and digits ever reach the database, inside a query string this module builds itself, so
quotes, operators, SQL or emoji cannot make it fail. Each backend then renders that parse:

- PostgreSQL: a tsquery of the words' stems (``tsquery_sql``) over the ``search_vector``
  column (see search_schema.py), ranked with ``ts_rank`` and highlighted with ``ts_headline``.
- SQLite: an FTS5 ``MATCH`` ranked with ``bm25`` and highlighted with ``highlight``/``snippet``.

Highlighting: the database wraps matches in two Unicode noncharacters; the text is HTML-escaped
and only then are those turned into ``<mark>``/``</mark>``, so an editor's ``<script>`` in a
title or body stays text.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.utils.safestring import SafeString, mark_safe

from .models import Edition, EditionStatus, Kind, StrategyElement, link_elements
from .search_schema import FTS_TABLE, TABLE

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
MAX_PAGE = 50
# Unicode noncharacters: never part of interchanged text, so never mistaken for a match marker.
START_MARK = "\ufdd0"
STOP_MARK = "\ufdd1"

WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'((?<!\S)-)?"([^"]*)"?|((?<!\S)-)?([^\W_]+)')
CODE = re.compile(r"[A-Za-z0-9]{1,10}(?:-[A-Za-z0-9]{1,10}){0,4}")
OR_WORDS = frozenset({"or", "eller"})

# Short words that say nothing about a text; PostgreSQL's norwegian configuration drops more.
# fmt: off
STOPWORDS = frozenset({
    "og", "i", "på", "for", "med", "til", "av", "en", "et", "ei", "å", "som", "er", "det", "den",
    "de", "at", "om", "fra", "har", "var", "ved", "vi", "ikke", "kan", "skal", "være", "seg",
    "sin", "sitt", "sine", "så", "men", "også", "eller",
})
# fmt: on
# Bokmål noun and adjective endings, longest first: "byene" → "by", "transporten" → "transport".
SUFFIXES = ("ene", "ane", "er", "en", "et", "ar", "a", "e")
INFLECTIONS = ("", "en", "et", "er", "ene", "a", "e")
# A longer word also matches as the start of a compound: "transport" finds "transportsystemet".
MIN_PREFIX_LENGTH = 4


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class ParsedQuery:
    # Every clause must match; a clause matches when any of its terms does.
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses)


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
class Results:
    hits: list[Hit]
    total: int
    # False when the query held nothing to look for: only signs, small words or exclusions.
    searched: bool = True
    page: int = 1

    @property
    def first_number(self) -> int:
        return (self.page - 1) * RESULTS_PER_PAGE + 1

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.hits) - 1

    @property
    def has_next(self) -> bool:
        return self.last_number < self.total and self.page < MAX_PAGE


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


def find_by_code(text: str) -> StrategyElement | None:
    """The public element with this reference code ("t-s2" finds T-S2), if any."""
    if not looks_like_code(text):
        return None
    return (
        StrategyElement.objects.public()
        .in_force()
        .filter(code__iexact=text)
        .select_related("edition")
        .only("pk", "path", "edition__status", "edition__period")
        .first()
    )


def _words(text: str, keep_stopwords: bool = False) -> tuple[str, ...]:
    words = (word.lower() for word in WORD.findall(text))
    return tuple(word for word in words if keep_stopwords or word not in STOPWORDS)


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    join_with_previous = False
    for match in TOKEN.finditer(text):
        excluded = bool(match.group(1) or match.group(3))
        if match.group(2) is not None:  # a "phrase": its small words are part of it
            words = _words(match.group(2), keep_stopwords=True)
            if words and all(word in STOPWORDS for word in words):
                words = ()
        else:
            word = match.group(4).lower()
            if not excluded and word in OR_WORDS:
                join_with_previous = bool(parsed.clauses)
                continue
            words = _words(word)
        if not words:
            continue
        term = Term(words)
        if excluded:
            parsed.excluded.append(term)
        elif join_with_previous:
            parsed.clauses[-1].append(term)
        else:
            parsed.clauses.append([term])
        join_with_previous = False
    return parsed


def stem(word: str) -> str:
    """A light Norwegian stemmer: strips one inflectional ending, keeping at least two
    letters ("byene" → "by", "transporten" → "transport", "grønne" → "grønn")."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def inflections(word: str) -> list[str]:
    """The word and the forms of its stem: PostgreSQL's Snowball stemmer leaves short words
    alone ("byene" → 'byen', "byer" → 'byer'), so the query asks for every form."""
    base = stem(word)
    return list(dict.fromkeys([word, *(base + ending for ending in INFLECTIONS)]))


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


# --- The statement behind the results page ------------------------------------------------

# Only public rows of the current document's tree. "Public" is the stored flag that
# StrategyElement.objects.public() reads (strategy/public.py): this SQL reads the same column and
# restates no rule. The flag made the former check against every draft ancestor unneeded.
PUBLIC = "e.tree_id = (SELECT tree_id FROM document) AND e.is_public"
COLUMNS = ("id", "kind", "code", "title", "body", "path", "parent_id", "tree_id", "lft", "rght")
ELEMENT_COLUMNS = ", ".join(f"e.{column}" for column in COLUMNS)
HIT_COLUMNS = ", ".join([*COLUMNS, "score", "total", "title_marked", "body_marked"])

# The whole results page in one statement: the current document (the SQL of
# StrategyElement.objects.current_documents(), see _current_document_sql), the page of hits (the
# backend's ``hits`` CTE, with the columns HIT_COLUMNS), and their context - the document, its
# sections for the header navigation, and every ancestor of a hit, found by walking parent_id up
# from the hits. As three ORM queries, building them and the round trips cost more than the
# search.
RESULTS_PAGE = f"""
    WITH RECURSIVE
    document AS MATERIALIZED ({{document}}),
    {{hits}},
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
    SELECT 1 AS is_hit, {HIT_COLUMNS} FROM hits
    UNION ALL
    SELECT 0, {ELEMENT_COLUMNS}, NULL, NULL, NULL, NULL
    FROM {{context_rows}}
    WHERE e.is_public {{context_filter}}
    ORDER BY is_hit DESC, score {{best_first}}, lft
"""
NO_HITS = f"""
    hits AS (
        SELECT {ELEMENT_COLUMNS}, NULL AS score, NULL AS total, NULL AS title_marked,
            NULL AS body_marked
        FROM {TABLE} e WHERE 1 = 0
    )
"""


# --- PostgreSQL ------------------------------------------------------------------------------


# One search term as a tsquery, made by PostgreSQL from the term's forms: stemmed with the
# norwegian configuration (its stemmer and stop words) and deduplicated. The forms of a short
# word mostly share a stem ("klima", "klimaet", "klimaer" → 'klim'); written out as one
# to_tsquery text, each duplicate was matched and ranked again on every row, which made a
# two-word search several times slower. The word's own stem is also a prefix ('klim':*), and a
# stem that prefix already covers is left out.
TERM_TSQUERY = """(
    SELECT to_tsquery('simple'::regconfig, coalesce(string_agg(DISTINCT
        quote_literal(form.lexeme) || CASE WHEN form.lexeme = word.lexeme THEN %s ELSE '' END,
        ' | '), ''))
    FROM unnest(to_tsvector('norwegian'::regconfig, %s)) form
    LEFT JOIN unnest(to_tsvector('norwegian'::regconfig, %s)) word ON true
    WHERE NOT (%s AND form.lexeme <> word.lexeme AND starts_with(form.lexeme, word.lexeme))
        IS TRUE
)"""
PHRASE_TSQUERY = "phraseto_tsquery('norwegian'::regconfig, %s)"


def _term_tsquery(term: Term) -> tuple[str, list[str | bool]]:
    if term.is_phrase:
        return PHRASE_TSQUERY, [" ".join(term.words)]
    word = term.words[0]
    # Snowball stems longer words well by itself.
    forms = inflections(word) if len(word) < 7 else [word]
    prefix = len(word) >= MIN_PREFIX_LENGTH
    return TERM_TSQUERY, [":*" if prefix else "", " ".join(forms), word, prefix]


def tsquery_sql(parsed: ParsedQuery) -> tuple[str, list[str | bool]]:
    """The SQL expression of the whole query as a tsquery, and its parameters: every word is
    letters and digits only, and reaches the database as a parameter, never as SQL."""
    params: list[str | bool] = []

    def term_sql(term: Term) -> str:
        sql, term_params = _term_tsquery(term)
        params.extend(term_params)
        return sql

    clauses = [
        "(" + " || ".join(term_sql(term) for term in clause) + ")" for clause in parsed.clauses
    ]
    excluded = [f"(!! {term_sql(term)})" for term in parsed.excluded]
    return " && ".join(clauses + excluded), params


# The query is made once, in a subquery of its own (OFFSET 0 keeps PostgreSQL from copying its
# expression into every row). The middle query ranks and counts narrow rows; the outer one reads
# the rows of the page shown whole and makes their headlines, so only those pay for them.
POSTGRESQL_HITS = f"""
    hits AS MATERIALIZED (
        SELECT {ELEMENT_COLUMNS}, top.score, top.total,
            ts_headline('norwegian'::regconfig, e.title, top.query, %s) AS title_marked,
            ts_headline('norwegian'::regconfig, e.body, top.query, %s) AS body_marked
        FROM (
            SELECT e.id, e.lft, search.query,
                ts_rank('{{{{0.05, 0.2, 0.2, 1.0}}}}', e.search_vector, search.query) AS score,
                count(*) OVER () AS total
            FROM (SELECT {{query}} AS query OFFSET 0) search, {TABLE} e
            WHERE e.search_vector @@ search.query AND {PUBLIC}
            ORDER BY score DESC, e.lft
            LIMIT %s OFFSET %s
        ) top
        JOIN {TABLE} e ON e.id = top.id
    )
"""
TITLE_HEADLINE = f"StartSel='{START_MARK}', StopSel='{STOP_MARK}', HighlightAll=true"
BODY_HEADLINE = (
    f"StartSel='{START_MARK}', StopSel='{STOP_MARK}', MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


def _postgresql_hits(parsed: ParsedQuery, offset: int) -> tuple[str, list]:
    query, query_params = tsquery_sql(parsed)
    hits = POSTGRESQL_HITS.format(query=query)
    return hits, [TITLE_HEADLINE, BODY_HEADLINE, *query_params, RESULTS_PER_PAGE, offset]


# --- SQLite ----------------------------------------------------------------------------------


def _fts_term(term: Term) -> str:
    if term.is_phrase:
        return '"' + " ".join(term.words) + '"'
    word = term.words[0]
    forms = [f'"{form}"' for form in inflections(word)]
    # Without a stemmer, the stem's prefix stands in for it: "transporten" → "transport"*.
    if len(stem(word)) >= MIN_PREFIX_LENGTH:
        forms.append(f'"{stem(word)}"*')
    return "(" + " OR ".join(forms) + ")"


def to_fts_match(parsed: ParsedQuery) -> str:
    """The FTS5 query; every word is letters and digits only, in double quotes."""
    clauses = [
        "(" + " OR ".join(_fts_term(term) for term in clause) + ")" for clause in parsed.clauses
    ]
    match = " AND ".join(clauses)
    for term in parsed.excluded:
        match += f" NOT {_fts_term(term)}"
    return match


# FTS5's functions only work in a query that reads the FTS table alone: hence the CTE, kept
# MATERIALIZED so that SQLite does not fold it into the join.
SQLITE_HITS = f"""
    matches AS MATERIALIZED (
        SELECT rowid AS id,
            highlight({FTS_TABLE}, 0, %s, %s) AS title_marked,
            snippet({FTS_TABLE}, 1, %s, %s, ' … ', 30) AS body_marked,
            bm25({FTS_TABLE}, 10.0, 1.0, 2.0) AS score
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
    ),
    hits AS MATERIALIZED (
        SELECT {ELEMENT_COLUMNS}, matches.score, count(*) OVER () AS total,
            matches.title_marked, matches.body_marked
        FROM matches JOIN {TABLE} e ON e.id = matches.id
        WHERE {PUBLIC}
        ORDER BY matches.score, e.lft
        LIMIT %s OFFSET %s
    )
"""


def _sqlite_hits(parsed: ParsedQuery, offset: int) -> tuple[str, list]:
    marks = [START_MARK, STOP_MARK]
    return SQLITE_HITS, [*marks, *marks, to_fts_match(parsed), RESULTS_PER_PAGE, offset]


# --- The results page ------------------------------------------------------------------------


@functools.cache
def _current_document_sql(vendor: str) -> tuple[str, tuple]:
    """The current document's id and tree as SQL, compiled once per database backend from the
    queryset that defines it, so the rule lives in one place and costs no ORM work per search."""
    documents = StrategyElement.objects.current_documents().values("id", "tree_id")[:1]
    return documents.query.sql_with_params()


def _results_page(hits: str, params: list) -> list[StrategyElement]:
    document, document_params = _current_document_sql(connection.vendor)
    if connection.vendor == "postgresql":
        # PostgreSQL guesses a recursive CTE large and would read the whole table to join it;
        # as an array, the few ids are looked up in the primary key.
        context_rows = f"{TABLE} e"
        context_filter = "AND e.id = ANY(ARRAY(SELECT id FROM context))"
        best_first = "DESC"  # ts_rank: higher is better
    else:
        context_rows = f"context JOIN {TABLE} e ON e.id = context.id"
        context_filter = ""
        best_first = "ASC"  # bm25: lower is better
    sql = RESULTS_PAGE.format(
        document=document,
        hits=hits,
        context_rows=context_rows,
        context_filter=context_filter,
        best_first=best_first,
    )
    return list(StrategyElement.objects.raw(sql, [*document_params, *params]))


def search_page(text: str, page: int = 1) -> tuple[Results, StrategyElement | None]:
    """Everything the results page shows, in one query: the best public matches in the current
    document, with their titles and snippets marked and each with its ancestors, and the
    document, linked in memory to its sections for the navigation (None: no document)."""
    parsed = parse_query(text)
    page = min(max(page, 1), MAX_PAGE)
    offset = (page - 1) * RESULTS_PER_PAGE
    if not parsed:
        rows = _results_page(NO_HITS, [])
    elif connection.vendor == "postgresql":
        rows = _results_page(*_postgresql_hits(parsed, offset))
    else:
        try:
            rows = _results_page(*_sqlite_hits(parsed, offset))
        except DatabaseError:
            # FTS5 refuses a few odd queries (e.g. a word its tokenizer splits to nothing).
            rows = _results_page(NO_HITS, [])
    found = [row for row in rows if row.is_hit]
    # Only the edition in force is searched (its document is the statement's "document", from
    # current_documents()): every row's URL is a plain one, known without another query.
    in_force = Edition(status=EditionStatus.IN_FORCE)
    for row in rows:
        row.edition = in_force
    nodes = link_elements(
        sorted((row for row in rows if not row.is_hit), key=lambda row: (row.tree_id, row.lft))
    )
    root = next((node for node in nodes.values() if node.parent_id is None), None)
    hits = [
        Hit(row, highlighted(row.title_marked or ""), highlighted(row.body_marked or ""))
        for row in found
    ]
    results = Results(
        attach_ancestors(hits, nodes),
        found[0].total if found else 0,
        searched=bool(parsed),
        page=page,
    )
    return results, root


def attach_ancestors(hits: list[Hit], nodes: dict[int, StrategyElement]) -> list[Hit]:
    """Give each hit its ancestors from an in-memory tree (``linked()``). A public hit's
    ancestors are public and come in the same statement; a hit whose chain is not all there
    (only possible if the stored flags were wrong) is dropped rather than shown out of place."""
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
