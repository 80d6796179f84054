"""Full-text search of the strategy in Norwegian, on PostgreSQL or SQLite.

The query a person types is parsed once, in Python, into words, "phrases", ``-excluded`` words
and ``or``/``eller`` alternatives (the syntax of PostgreSQL's ``websearch_to_tsquery``). Only
letters and digits ever reach the database, inside a query string this module builds itself, so
quotes, operators, SQL or emoji cannot make it fail. Each backend then renders that parse:

- PostgreSQL: a ``to_tsquery('norwegian', …)`` over the ``search_vector`` column (see
  search_schema.py), ranked with ``ts_rank`` and highlighted with ``ts_headline``.
- SQLite: an FTS5 ``MATCH`` ranked with ``bm25`` and highlighted with ``highlight``/``snippet``.

Highlighting: the database wraps matches in two Unicode noncharacters; the text is HTML-escaped
and only then are those turned into ``<mark>``/``</mark>``, so an editor's ``<script>`` in a
title or body stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Kind, StrategyElement
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
    return StrategyElement.objects.visible().filter(code__iexact=text).only("pk", "path").first()


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
            parts.append(escape(piece))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))


# --- PostgreSQL ------------------------------------------------------------------------------


def _tsquery_term(term: Term) -> str:
    if term.is_phrase:
        return "(" + " <-> ".join(f"'{word}'" for word in term.words) + ")"
    word = term.words[0]
    # Snowball stems longer words well by itself; every extra form costs on each row.
    forms = [f"'{form}'" for form in (inflections(word) if len(word) < 7 else [word])]
    if len(word) >= MIN_PREFIX_LENGTH:
        forms.append(f"'{word}':*")
    return "(" + " | ".join(forms) + ")"


def to_tsquery(parsed: ParsedQuery) -> str:
    """The ``to_tsquery`` text; every word is letters and digits only, in single quotes."""
    clauses = [" | ".join(_tsquery_term(term) for term in clause) for clause in parsed.clauses]
    excluded = [f"!{_tsquery_term(Term(term.words))}" for term in parsed.excluded]
    return " & ".join(f"({clause})" for clause in clauses + excluded)


# Only public rows: published, in the shown tree, and under no draft. The same rule as
# StrategyElement.objects.visible(), written out because both backends' queries are plain SQL
# (building the PostgreSQL one with the ORM's search expressions cost more Python time than the
# database spent on it). "draft.rght > draft.lft + 1" is implied, but lets the database drop
# drafts without children (most drafts) before comparing them with every hit.
VISIBLE = f"""
    e.tree_id = %s AND e.is_published AND NOT EXISTS (
        SELECT 1 FROM {TABLE} draft
        WHERE NOT draft.is_published AND draft.rght > draft.lft + 1
            AND draft.tree_id = e.tree_id AND draft.lft < e.lft AND draft.rght > e.rght
    )
"""
ELEMENT_COLUMNS = (
    "e.id, e.kind, e.code, e.title, e.body, e.path, e.parent_id, e.tree_id, e.lft, e.rght"
)

# The headlines are made in the outer query, so only for the rows of the page shown.
POSTGRESQL_SEARCH = f"""
    SELECT hits.*,
        ts_headline('norwegian'::regconfig, hits.title, to_tsquery('norwegian'::regconfig, %s),
            %s) AS title_marked,
        ts_headline('norwegian'::regconfig, hits.body, to_tsquery('norwegian'::regconfig, %s),
            %s) AS body_marked
    FROM (
        SELECT {ELEMENT_COLUMNS},
            ts_rank('{{0.05, 0.2, 0.2, 1.0}}', e.search_vector,
                to_tsquery('norwegian'::regconfig, %s)) AS score,
            count(*) OVER () AS total
        FROM {TABLE} e
        WHERE e.search_vector @@ to_tsquery('norwegian'::regconfig, %s) AND {VISIBLE}
        ORDER BY score DESC, e.lft
        LIMIT %s OFFSET %s
    ) hits
    ORDER BY hits.score DESC, hits.lft
"""
TITLE_HEADLINE = f"StartSel='{START_MARK}', StopSel='{STOP_MARK}', HighlightAll=true"
BODY_HEADLINE = (
    f"StartSel='{START_MARK}', StopSel='{STOP_MARK}', MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


def _postgresql_search(
    parsed: ParsedQuery, root: StrategyElement, offset: int
) -> list[StrategyElement]:
    tsquery = to_tsquery(parsed)
    params = [
        *(tsquery, TITLE_HEADLINE, tsquery, BODY_HEADLINE),
        *(tsquery, tsquery, root.tree_id, RESULTS_PER_PAGE, offset),
    ]
    return list(StrategyElement.objects.raw(POSTGRESQL_SEARCH, params))


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
SQLITE_SEARCH = f"""
    WITH matches AS MATERIALIZED (
        SELECT rowid AS id,
            highlight({FTS_TABLE}, 0, %s, %s) AS title_marked,
            snippet({FTS_TABLE}, 1, %s, %s, ' … ', 30) AS body_marked,
            bm25({FTS_TABLE}, 10.0, 1.0, 2.0) AS score
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
    )
    SELECT {ELEMENT_COLUMNS},
        matches.title_marked, matches.body_marked, matches.score, count(*) OVER () AS total
    FROM matches JOIN {TABLE} e ON e.id = matches.id
    WHERE {VISIBLE}
    ORDER BY matches.score, e.lft
    LIMIT %s OFFSET %s
"""


def _sqlite_search(
    parsed: ParsedQuery, root: StrategyElement, offset: int
) -> list[StrategyElement]:
    marks = [START_MARK, STOP_MARK]
    params = [*marks, *marks, to_fts_match(parsed), root.tree_id, RESULTS_PER_PAGE, offset]
    try:
        return list(StrategyElement.objects.raw(SQLITE_SEARCH, params))
    except DatabaseError:
        # FTS5 refuses a few odd queries (e.g. a word its tokenizer splits to nothing).
        return []


def find_matches(text: str, root: StrategyElement, page: int = 1) -> Results:
    """The best public matches in ``root``'s tree, with their titles and snippets marked.
    One query; the hits' ancestors are for the caller to load (see ``attach_ancestors``)."""
    parsed = parse_query(text)
    if not parsed:
        return Results([], 0, searched=False)
    page = min(max(page, 1), MAX_PAGE)
    offset = (page - 1) * RESULTS_PER_PAGE
    if connection.vendor == "postgresql":
        elements = _postgresql_search(parsed, root, offset)
    else:
        elements = _sqlite_search(parsed, root, offset)
    hits = [
        Hit(
            element,
            highlighted(element.title_marked or ""),
            highlighted(element.body_marked or ""),
        )
        for element in elements
    ]
    return Results(hits, elements[0].total if elements else 0, page=page)


def search_with_context(
    text: str, root: StrategyElement, page: int = 1
) -> tuple[Results, StrategyElement]:
    """Everything the results page shows, in two queries: the hits, then their ancestors
    together with the top of the tree for the header navigation. Returns the results (each hit
    with its ancestors) and the root, linked to its children in memory."""
    results = find_matches(text, root, page)
    published = StrategyElement.objects.published()
    top = published.filter(Q(pk=root.pk) | Q(parent_id=root.pk, kind=Kind.SECTION))
    nodes = (top | published.ancestors_of([hit.element for hit in results.hits])).linked()
    results.hits = attach_ancestors(results.hits, nodes)
    return results, nodes[root.pk]


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
