"""PostgreSQL's side of search: the query as a tsquery, the results page's matches ranked with
``ts_rank`` over ``search_vector`` and highlighted with ``ts_headline``, «Mente du …?» with
pg_trgm, and the title prefixes typed as you type."""

from __future__ import annotations

from django.db import connection

from .language import fold, stem
from .schema import SYNONYMS_TABLE, TABLE, WORDS_TABLE
from .sql import (
    AREA_ID,
    ELEMENT_COLUMNS,
    START_MARK,
    STOP_MARK,
    VISIBLE,
    statement,
)
from .terms import Pattern

# How similar a word must be to be suggested: pg_trgm's similarity (0-1). "transprot" →
# "transport" is 0.43; "kollektivtransport" → "kollektivtilbudet" (not meant) 0.37.
TRIGRAM_CUTOFF = 0.4


# PostgreSQL: the query texts are made once, in a CTE of their own. The matches are ranked
# narrow; only the rows of the page are read whole and get their headlines.
POSTGRESQL_MATCHES = f"""
    search AS MATERIALIZED (
        SELECT {{exact}} AS exact, {{part}} AS part, {{query}} AS query
    ),
    matches AS MATERIALIZED (
        SELECT e.id, e.kind, e.lft, {AREA_ID}, e.search_vector @@ search.exact AS is_exact
        FROM search, {TABLE} e
        WHERE e.search_vector @@ search.query AND {VISIBLE}
    ),
"""
# The levels below the exact one, read only when needed, from the index: each rank is computed
# where the row's vector is read anyway, and only for the rows of that level. The exact
# matches get theirs from their vector, read again by primary key. With a filter, the few
# filtered rows are checked one by one instead (the index would read the matches in the whole
# tree). ``(… IN …) IS TRUE`` keeps PostgreSQL from turning the IN list into a join: it
# guesses the CTEs at one row and then compared every row with every id of the list (175 ms
# for "klima og miljø" among strategies); as a subplan (like NOT IN) it hashes the list.
RANK = "ts_rank('{0.05, 0.2, 0.2, 1.0}', e.search_vector, (SELECT query FROM search))"
POSTGRESQL_LEVELS = {
    "exact_rows": f"""exact_rows AS MATERIALIZED (
        SELECT filtered.id, filtered.lft, {RANK} AS score
        FROM filtered JOIN {TABLE} e ON e.id = filtered.id WHERE filtered.is_exact
    )""",
    "part_rows": f"""part_rows AS MATERIALIZED (
        SELECT e.id, e.lft, {RANK} AS score
        FROM search, {TABLE} e
        WHERE e.search_vector @@ search.part
            AND (e.id IN (SELECT id FROM filtered WHERE NOT is_exact)) IS TRUE
    )""",
    "other_rows": f"""other_rows AS MATERIALIZED (
        SELECT e.id, e.lft, {RANK} AS score
        FROM search, {TABLE} e
        WHERE e.search_vector @@ search.query AND NOT e.search_vector @@ search.part
            AND (e.id IN (SELECT id FROM filtered WHERE NOT is_exact)) IS TRUE
    )""",
}
POSTGRESQL_FILTERED_LEVELS = {
    "exact_rows": POSTGRESQL_LEVELS["exact_rows"],
    "part_rows": f"""part_rows AS MATERIALIZED (
        SELECT filtered.id, filtered.lft, {RANK} AS score
        FROM filtered JOIN {TABLE} e ON e.id = filtered.id
        WHERE NOT filtered.is_exact AND e.search_vector @@ (SELECT part FROM search)
    )""",
    "other_rows": f"""other_rows AS MATERIALIZED (
        SELECT filtered.id, filtered.lft, {RANK} AS score
        FROM filtered JOIN {TABLE} e ON e.id = filtered.id
        WHERE NOT filtered.is_exact AND NOT e.search_vector @@ (SELECT part FROM search)
    )""",
}
POSTGRESQL_HITS = f"""
    hits AS MATERIALIZED (
        SELECT {ELEMENT_COLUMNS}, top.score, top.level_found,
            ts_headline('norwegian'::regconfig, e.title, search.query, %(title_headline)s)
                AS title_marked,
            ts_headline('norwegian'::regconfig, e.body, search.query, %(body_headline)s)
                AS body_marked
        FROM top JOIN {TABLE} e ON e.id = top.id, search
    ),
"""
POSTGRESQL_JSON = {
    "synonym_keys": "string_agg(DISTINCT key, ',')",
    "synonyms_used": "string_agg(DISTINCT word, ',')",
    "areas_json": "json_agg(json_build_array(code, title, total))::text",
    "kinds_json": "json_agg(json_build_array(kind, total))::text",
}
TITLE_HEADLINE = f"StartSel='{START_MARK}', StopSel='{STOP_MARK}', HighlightAll=true"
BODY_HEADLINE = (
    f"StartSel='{START_MARK}', StopSel='{STOP_MARK}', MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


# --- "Mente du …?" --------------------------------------------------------------------------

# PostgreSQL: for each word typed, whether public content has it (or a synonym group knows it),
# and the most similar word of the strategy (pg_trgm over the æøå-less forms, with its trigram
# index) that public content has. The candidates are few: the similarity threshold comes first.
# One SELECT per word, with the word's tsquery as a parameter: taken from a VALUES list, it made
# PostgreSQL read the whole table instead of the GIN index. A count, not EXISTS: for EXISTS it
# reads the table in order, hoping for an early row, and a word no element has is read to the
# end (14 ms on 10,000 elements).
POSTGRESQL_SUGGEST_WORD = f"""
    SELECT %({{n}}position)s AS position,
        (
            SELECT count(*) FROM {TABLE} e
            WHERE e.search_vector @@ to_tsquery('simple', %({{n}}tsquery)s) AND {VISIBLE}
        ) > 0 OR EXISTS (SELECT 1 FROM {SYNONYMS_TABLE} WHERE key = %({{n}}stem)s) AS known,
        (
            SELECT w.word FROM {WORDS_TABLE} w
            WHERE w.folded %% %({{n}}folded)s
                AND similarity(w.folded, %({{n}}folded)s) >= {TRIGRAM_CUTOFF} AND EXISTS (
                SELECT 1 FROM {TABLE} e
                WHERE e.search_vector @@ to_tsquery('simple', quote_literal(w.stem)) AND {VISIBLE}
            )
            ORDER BY similarity(w.folded, %({{n}}folded)s) DESC, w.word LIMIT 1
        ) AS suggestion
"""


def replacements(typed: list[str]) -> dict[str, str]:
    """«Mente du …?»: each typed word that public content does not have, with the most similar
    word of the strategy that it has, in one statement."""
    params: dict = {}
    selects = []
    for index, word in enumerate(typed):
        selects.append(POSTGRESQL_SUGGEST_WORD.format(n=f"t{index}_"))
        params.update(
            {
                f"t{index}_position": index,
                f"t{index}_tsquery": Pattern((stem(word),)).tsquery(),
                f"t{index}_stem": stem(word),
                f"t{index}_folded": fold(word),
            }
        )
    # A CTE for WITH to stand on; the SELECTs follow.
    body = "typed AS (SELECT 1) " + " UNION ALL ".join(selects)
    sql, params = statement(body, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        typed[position]: suggestion
        for position, known, suggestion in rows
        if not known and suggestion and suggestion != typed[position]
    }


def title_query(prefixes: list[list[str]]) -> tuple[str, str]:
    """As you type: the title words' prefixes (weight A of ``search_vector``), as the query
    text and the condition that reads it (``%(title_query)s``)."""
    query = " & ".join(
        "(" + " | ".join(f"'{item}':*A" for item in items) + ")" for items in prefixes
    )
    return query, "e.search_vector @@ to_tsquery('simple', %(title_query)s)"
