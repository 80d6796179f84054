"""The database side of search: the tsvector column (PostgreSQL) or FTS5 table (SQLite) and the
triggers that keep it in step with every insert, update and delete, from whatever writes the
table (the admin, loaddata, bulk inserts, raw SQL); and the trigram index of the strategy's
words for "Mente du …?" (PostgreSQL)."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from .language import index_text

TABLE = "strategy_strategyelement"
FTS_TABLE = "strategy_search"

# PostgreSQL. Weights: a word in the title counts more than in the body or the code. Kept up to
# date by a trigger, and one that names no column: PostgreSQL refuses to change the type of a
# column that a generated column or a trigger's column list (UPDATE OF …) depends on, which would
# block a later AlterField on title or body. The function reads the columns only when it runs.
POSTGRESQL_VECTOR = """
    setweight(to_tsvector('norwegian'::regconfig, coalesce({row}.title, '')), 'A')
    || setweight(to_tsvector('norwegian'::regconfig, coalesce({row}.body, '')), 'B')
    || setweight(to_tsvector('norwegian'::regconfig, coalesce({row}.code, '')), 'C')
"""
# Search once looked for drafts above every hit with this small index (drafts only); it reads
# the stored public flag now, and migration 0007 drops the index. Kept to undo that migration.
DRAFTS_INDEX = (
    f"CREATE INDEX IF NOT EXISTS strategy_element_drafts ON {TABLE} (tree_id, lft) "
    "WHERE NOT is_published"
)
DRAFTS_INDEX_DROP = "DROP INDEX IF EXISTS strategy_element_drafts"

POSTGRESQL_CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector",
    f"""
    CREATE FUNCTION strategy_element_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
                AND NEW.body IS NOT DISTINCT FROM OLD.body
                AND NEW.code IS NOT DISTINCT FROM OLD.code THEN
            RETURN NEW;  -- tree moves and path updates leave the vector alone
        END IF;
        NEW.search_vector := {POSTGRESQL_VECTOR.format(row="NEW")};
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE TRIGGER strategy_element_search_vector
    BEFORE INSERT OR UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION strategy_element_search_vector()
    """,
    f"UPDATE {TABLE} SET search_vector = {POSTGRESQL_VECTOR.format(row=TABLE)}",
    f"CREATE INDEX strategy_element_search_gin ON {TABLE} USING gin (search_vector)",
]
POSTGRESQL_DROP = [
    DRAFTS_INDEX_DROP,
    f"DROP TRIGGER IF EXISTS strategy_element_search_vector ON {TABLE}",
    "DROP FUNCTION IF EXISTS strategy_element_search_vector()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]

# SQLite: an FTS5 table of the stems (strategy/search/language.py: the Snowball stemmer PostgreSQL's
# norwegian configuration uses, without its stop words), made by a function the portal registers
# on every SQLite connection (``register_sqlite_functions``): FTS5's own tokenizers cannot stem
# Norwegian. A write through a connection without it (the sqlite3 shell) fails instead of
# leaving the index out of step. Diacritics are kept: "år" and "ar" are different words.
SQLITE_INDEX_FUNCTION = "strategy_index_text"
SQLITE_CREATE_TABLE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        title, body, code, tokenize='unicode61 remove_diacritics 0'
    )
"""
SQLITE_ROW = (
    f"{SQLITE_INDEX_FUNCTION}({{row}}.title), {SQLITE_INDEX_FUNCTION}({{row}}.body), {{row}}.code"
)
SQLITE_TRIGGERS = {
    "strategy_search_insert": f"""
        CREATE TRIGGER strategy_search_insert AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, body, code)
            VALUES (new.id, {SQLITE_ROW.format(row="new")});
        END
    """,
    "strategy_search_delete": f"""
        CREATE TRIGGER strategy_search_delete AFTER DELETE ON {TABLE} BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
        END
    """,
    "strategy_search_update": f"""
        CREATE TRIGGER strategy_search_update AFTER UPDATE OF title, body, code ON {TABLE}
        BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
            INSERT INTO {FTS_TABLE}(rowid, title, body, code)
            VALUES (new.id, {SQLITE_ROW.format(row="new")});
        END
    """,
}
SQLITE_REBUILD = [
    f"DELETE FROM {FTS_TABLE}",
    f"INSERT INTO {FTS_TABLE}(rowid, title, body, code) SELECT id, {SQLITE_ROW.format(row=TABLE)} "
    f"FROM {TABLE}",
]

# "Mente du …?" on PostgreSQL: pg_trgm's similarity over the strategy's words (their æøå-less
# form), with a trigram index. pg_trgm is a trusted extension (PostgreSQL 13+): the database's
# owner may create it; on Debian it comes with postgresql-15 (postgresql-contrib).
WORDS_TABLE = "strategy_searchword"
SYNONYMS_TABLE = "strategy_synonymlink"
POSTGRESQL_WORDS_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS strategy_searchword_folded_trgm ON {WORDS_TABLE} "
    "USING gin (folded gin_trgm_ops)",
]
POSTGRESQL_WORDS_DROP = ["DROP INDEX IF EXISTS strategy_searchword_folded_trgm"]


def register_sqlite_functions(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """connection_created: the stemming function the SQLite triggers and queries call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_INDEX_FUNCTION, 1, lambda text: index_text(text or ""), deterministic=True
        )


def create(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_CREATE:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_CREATE_TABLE)
    ensure_sqlite_triggers(connection)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_DROP:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(DRAFTS_INDEX_DROP)


def ensure_sqlite_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Re-create any missing trigger, and then rebuild the FTS index from the element table.

    On SQLite, Django alters a table by copying it to a new one and dropping the old, which drops
    its triggers: without this, search would silently fall out of step after such a migration.
    Returns whether anything had to be repaired."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in existing:  # before the migration that creates it
            return False
        missing = [name for name in SQLITE_TRIGGERS if name not in existing]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if missing:
            for statement in SQLITE_REBUILD:
                cursor.execute(statement)
    return bool(missing)


def stem_sqlite_index(connection: BaseDatabaseWrapper) -> None:
    """Replaces SQLite's first index (the words as written, an external-content table) by the
    index of stems, and fills it."""
    if connection.vendor != "sqlite":
        return
    drop(connection)
    create(connection)
    with connection.cursor() as cursor:
        for statement in SQLITE_REBUILD:
            cursor.execute(statement)


def create_word_index(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in POSTGRESQL_WORDS_CREATE:
                cursor.execute(statement)


def drop_word_index(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in POSTGRESQL_WORDS_DROP:
                cursor.execute(statement)
