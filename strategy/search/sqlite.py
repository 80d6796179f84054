"""SQLite's side of search: the query as an FTS5 MATCH text, the results page's matches ranked
with ``bm25`` over the FTS5 table of stems, the highlights made in Python (the index holds
stems, not the text), «Mente du …?» with rapidfuzz, and the title prefixes typed as you type."""

from __future__ import annotations

import re

from django.db import connection
from rapidfuzz import fuzz, process

from .language import WORD, fold, stem
from .schema import FTS_TABLE, SYNONYMS_TABLE, TABLE, WORDS_TABLE
from .sql import (
    AREA_ID,
    ELEMENT_COLUMNS,
    START_MARK,
    STOP_MARK,
    VISIBLE,
    embed,
    statement,
)

# How similar a word must be to be suggested: rapidfuzz's ratio (0-100). "transprot" →
# "transport" is 89; "kollektivtransport" → "kollektivtilbudet" (not meant) 63.
SIMILARITY_CUTOFF = 80


# SQLite: the matches below the exact level, with ``part_found`` (the ids FTS5 finds for the
# part query) and their bm25 from ``matches``.
PART_LEVELS = {
    "part_rows": """part_rows AS MATERIALIZED (
        SELECT id, lft, score FROM filtered
        WHERE NOT is_exact AND (id IN (SELECT id FROM part_found)) IS TRUE
    )""",
    "other_rows": """other_rows AS MATERIALIZED (
        SELECT id, lft, score FROM filtered
        WHERE NOT is_exact AND id NOT IN (SELECT id FROM part_found)
    )""",
}


# SQLite: the MATCH texts are made once; FTS5 ranks with bm25 (title 10, body 1, code 2; lower
# is better). Its index holds stems, so the page's highlights are made in Python.
SQLITE_MATCHES = f"""
    search AS MATERIALIZED (
        SELECT {{exact}} AS exact, {{part}} AS part, {{query}} AS query
    ),
    found AS MATERIALIZED (
        SELECT rowid AS id, bm25({FTS_TABLE}, 10.0, 1.0, 2.0) AS score
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH (SELECT query FROM search)
    ),
    exact_found AS MATERIALIZED (
        SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH (SELECT exact FROM search)
    ),
    part_found AS MATERIALIZED (
        SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH (SELECT part FROM search)
    ),
    matches AS MATERIALIZED (
        SELECT e.id, e.kind, e.lft, {AREA_ID}, found.score,
            e.id IN (SELECT id FROM exact_found) AS is_exact
        FROM found JOIN {TABLE} e ON e.id = found.id
        WHERE {VISIBLE}
    ),
"""
SQLITE_LEVELS = {
    "exact_rows": """exact_rows AS MATERIALIZED (
        SELECT id, lft, score FROM filtered WHERE is_exact
    )""",
    **PART_LEVELS,
}
SQLITE_HITS = f"""
    hits AS MATERIALIZED (
        SELECT {ELEMENT_COLUMNS}, top.score, top.level_found, CAST(NULL AS TEXT) AS title_marked,
            CAST(NULL AS TEXT) AS body_marked
        FROM top JOIN {TABLE} e ON e.id = top.id
    ),
"""
SQLITE_JSON = {
    "synonym_keys": "group_concat(DISTINCT key)",
    "synonyms_used": "group_concat(DISTINCT word)",
    "areas_json": "json_group_array(json_array(code, title, total))",
    "kinds_json": "json_group_array(json_array(kind, total))",
}


# --- Highlighting -----------------------------------------------------------------

FTS_PATTERN = re.compile(r'"([^"]*)"(\*?)')
SNIPPET_WORDS = 30


class Marker:
    """Marks the words of a text that an FTS5 query text matches: a word whose stem is one of
    the query's stems, or starts with one of its prefixes (SQLite's index holds stems, so its
    own highlight() could only show those)."""

    def __init__(self, fts_query: str) -> None:
        self.stems: set[str] = set()
        self.prefixes: list[str] = []
        for stems, prefix in FTS_PATTERN.findall(fts_query):
            for item in stems.split():
                (self.prefixes.append if prefix else self.stems.add)(item)

    def matches(self, word: str) -> bool:
        word_stem = stem(word.lower())
        return word_stem in self.stems or any(word_stem.startswith(p) for p in self.prefixes)

    def _marked(self, text: str, tokens: list[re.Match]) -> str:
        parts, position = [], 0
        for token in tokens:
            parts.append(text[position : token.start()])
            word = token.group()
            parts.append(f"{START_MARK}{word}{STOP_MARK}" if self.matches(word) else word)
            position = token.end()
        parts.append(text[position:])
        return "".join(parts)

    def all(self, text: str) -> str:
        return self._marked(text, list(WORD.finditer(text)))

    def snippet(self, text: str) -> str:
        """The ``SNIPPET_WORDS`` words around the most matches, with " … " where cut."""
        tokens = list(WORD.finditer(text))
        if len(tokens) <= SNIPPET_WORDS:
            return self.all(text)
        hits = [index for index, token in enumerate(tokens) if self.matches(token.group())]
        best = max(
            range(len(tokens) - SNIPPET_WORDS + 1),
            key=lambda start: (sum(start <= hit < start + SNIPPET_WORDS for hit in hits), -start),
        )
        window = tokens[best : best + SNIPPET_WORDS]
        piece = text[window[0].start() : window[-1].end()]
        marked = self._marked(piece, list(WORD.finditer(piece)))
        return (
            ("… " if best else "") + marked + (" …" if best + SNIPPET_WORDS < len(tokens) else "")
        )


# --- "Mente du …?" --------------------------------------------------------------------------

# SQLite: the strategy's words of about the right length that public content has, and which
# of the typed words' stems it has; rapidfuzz picks the closest in Python.
SQLITE_SUGGEST = f"""
    typed(stem) AS (VALUES {{typed}})
    SELECT 'word' AS kind, w.word, w.folded FROM {WORDS_TABLE} w
    WHERE length(w.folded) BETWEEN %(shortest)s AND %(longest)s AND EXISTS (
        SELECT 1 FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid
        WHERE {FTS_TABLE} MATCH '"' || w.stem || '"' AND {VISIBLE}
    )
    UNION ALL
    SELECT 'known', typed.stem, NULL FROM typed WHERE EXISTS (
        SELECT 1 FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid
        WHERE {FTS_TABLE} MATCH '"' || typed.stem || '"' AND {VISIBLE}
    ) OR EXISTS (SELECT 1 FROM {SYNONYMS_TABLE} WHERE key = typed.stem)
"""


def replacements(typed: list[str]) -> dict[str, str]:
    """«Mente du …?»: the strategy's words of about the right length that public content has
    and which typed stems it has, in one statement; rapidfuzz picks the closest."""
    params: dict = {}
    values = ", ".join(
        embed("(%s)", [stem(word)], f"t{index}_", params) for index, word in enumerate(typed)
    )
    params.update(
        shortest=min(len(fold(word)) for word in typed) - 3,
        longest=max(len(fold(word)) for word in typed) + 3,
    )
    sql, params = statement(SQLITE_SUGGEST.format(typed=values), params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    known = {word for kind, word, _folded in rows if kind == "known"}
    choices = {word: folded for kind, word, folded in sorted(rows) if kind == "word"}
    replacements = {}
    for word in typed:
        if stem(word) in known:
            continue
        best = process.extractOne(
            fold(word), choices, scorer=fuzz.ratio, score_cutoff=SIMILARITY_CUTOFF
        )
        if best is not None and best[2] != word:
            replacements[word] = best[2]
    return replacements


def title_query(prefixes: list[list[str]]) -> tuple[str, str]:
    """As you type: the title words' prefixes (the FTS5 title column), as the MATCH text and
    the condition that reads it (``%(title_query)s``)."""
    query = " AND ".join(
        "(" + " OR ".join(f'"{item}"*' for item in items) + ")" for items in prefixes
    )
    return (
        f"title : ({query})",
        f"e.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %(title_query)s)",
    )
