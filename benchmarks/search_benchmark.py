"""Search benchmark on a generated strategy of 10,000 elements (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osloregion_bench_search \\
        uv run python benchmarks/search_benchmark.py

The database in DATABASE_URL (default above; its name must contain "bench") is DROPPED and
created again, migrated and filled with a generated tree whose titles and bodies are sentences of
the real strategy, so words occur about as often as they do there. Then a fixed list of Norwegian
queries (also compounds, synonyms, typos and filters) runs many times, and the script prints the
median and 99th percentile per query and overall, for

- "søk": what the results page asks the database (``search_page``: one statement for the
  document, the hits with rank and snippets, the filters and their counts, the hits' ancestors
  and the navigation; and ``suggest`` for "Mente du …?" when the words typed are found in few
  elements) and the Python that makes the results of it,
- "side": the whole results page through Django's test client (parsing, queries, template),
- "db ms": the median time PostgreSQL itself spends on that statement (EXPLAIN ANALYZE), and
- "GIN": whether its plan reads the GIN index.

Bounded in time: at most ITERATIONS runs per query and SECONDS_PER_QUERY seconds per query.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks.production import use_production_settings  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/osloregion_bench_search")
use_production_settings("search-bench")

QUERIES = [
    "transport",
    "transporten",
    "transportsystemet",
    "kollektivtilbudet",
    "Oslofjorden",
    "byene",
    "grønn næringstransport",
    "klima og miljø",
    '"flerkjernet utvikling"',
    "bærekraftig utvikling",
    "innovasjon",
    "kompetanse og rekruttering",
    "sirkulærøkonomi",
    "kraft eller energi",
    "transport -gods",
    "arealnøytralitet",
    "internasjonal profilering",
    "næringslivet",
    "boligbygging i tettsteder",
    "utslipp fra tunge kjøretøy",
    # Compounds: the parts of a compound typed, a part of the strategy's compounds.
    "kollektivtransport",
    "næringstransport",
    "utslippene",
    # Synonyms of the starting list.
    "buss",
    "samferdsel",
    # Typos and æøå written without: no hits, then "Mente du …?" (its query is timed too).
    "transprot",
    "miljo",
    "bærekarftig",
    # Filters: a focus area, and a kind.
    "transport&omrade=B7",
    "klima og miljø&type=strategy",
]
ITERATIONS = 60
WARMUP = 3
SECONDS_PER_QUERY = 6.0
TARGET_ELEMENTS = 10_000
EXPLAIN_RUNS = 7
# BENCH_RANDOM_PAGE_COST="" measures PostgreSQL's default (4.0) instead.
RANDOM_PAGE_COST = os.environ.get("BENCH_RANDOM_PAGE_COST", "1.1")


def recreate_database(url: str) -> None:
    """Drops and creates the benchmark database, so every run starts from the same state."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[-1].split("?")[0]
    if "bench" not in name:
        sys.exit(f"Databasen «{name}» slettes av skriptet; navnet må inneholde «bench».")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        if RANDOM_PAGE_COST:
            # The setting README recommends for production (data in memory or on SSD): with the
            # default 4.0 the planner scans the whole table for words found in ~2 % of rows,
            # where the GIN index is several times faster.
            connection.execute(
                sql.SQL("ALTER DATABASE {} SET random_page_cost = {}").format(
                    sql.Identifier(name), sql.Literal(RANDOM_PAGE_COST)
                )
            )


def sentence_pool() -> tuple[list[str], list[str]]:
    records = json.loads((BASE_DIR / "fixtures" / "strategy.json").read_text(encoding="utf-8"))
    titles, sentences = [], []
    for record in records:
        if record["model"] != "strategy.strategyelement":
            continue
        fields = record["fields"]
        if fields["title"] and fields["kind"] not in ("document", "section"):
            titles.append(fields["title"])
        for paragraph in fields["body"].split("\n\n"):
            sentences += [s.strip() + "." for s in paragraph.split(". ") if len(s.strip()) > 20]
    return titles, sentences


def generate_tree() -> int:
    """Bulk-inserts the tree level by level with its nested-set numbers computed here (the
    model's save() would take minutes for 10,000 rows). Returns the number of elements."""
    from django.db import connection, transaction

    from strategy.models import Kind, StrategyElement
    from strategy.slugs import norwegian_slugify

    rng = random.Random(20261126)
    titles, sentences = sentence_pool()

    def body(low: int, high: int) -> str:
        return " ".join(rng.sample(sentences, rng.randint(low, high)))

    class Node:
        def __init__(self, kind, code, title, text="", published=True):
            self.kind, self.code, self.title, self.body = kind, code, title, text
            self.published, self.children = published, []

        def add(self, *args, **kwargs) -> Node:
            child = Node(*args, **kwargs)
            self.children.append(child)
            return child

    root = Node(Kind.DOCUMENT, "BENCH", "Strategi for Osloregionen (generert)")
    root.add(Kind.VISION, "BV", "Visjon", body(1, 1))
    root.add(Kind.INTRODUCTION, "BI1", "Fra visjon til overordnede strategier", body(4, 8))
    for number in range(1, 41):
        root.add(Kind.CHALLENGE, f"BU{number}", rng.choice(titles))
        root.add(Kind.GOAL, f"BM{number}", rng.choice(titles))
        root.add(Kind.STRATEGY, f"BS{number}", rng.choice(titles))
    areas = root.add(Kind.SECTION, "BIO", "Innsatsområdene")
    for area_number in range(1, 81):
        # One focus area is a draft: nothing under it may be found.
        area = areas.add(
            Kind.FOCUS_AREA,
            f"B{area_number}",
            f"{rng.choice(titles)[:60]} ({area_number})",
            body(3, 6),
            published=area_number != 80,
        )
        for number in range(1, 61):
            area.add(Kind.CHALLENGE, f"B{area_number}-U{number}", rng.choice(titles), body(0, 2))
        area.add(Kind.SUBGOAL, f"B{area_number}-D", rng.choice(titles), body(1, 3))
        for number in range(1, 62):
            area.add(
                Kind.STRATEGY,
                f"B{area_number}-S{number}",
                rng.choice(titles),
                body(0, 2),
                published=rng.random() > 0.01,
            )
    themes = root.add(Kind.SECTION, "BTT", "Tverrgående temaer", body(1, 2))
    for number in range(1, 41):
        themes.add(Kind.THEME, f"BTT{number}", rng.choice(titles)[:80], body(3, 8))

    counter = 0
    levels: list[list[tuple[Node, Node | None]]] = []

    def number_tree(node: Node, parent: Node | None, level: int, path: str) -> None:
        nonlocal counter
        counter += 1
        node.lft, node.level = counter, level
        node.slug = f"{norwegian_slugify(node.title)[:60].strip('-')}-{node.code.lower()}"
        segment = node.slug
        if url_segment := Kind(node.kind).url_segment:
            segment = f"{url_segment}/{segment}"
        node.path = "" if parent is None else f"{path}/{segment}".strip("/")
        while len(levels) <= level:
            levels.append([])
        levels[level].append((node, parent))
        for child in node.children:
            number_tree(child, node, level + 1, node.path)
        counter += 1
        node.rght = counter

    number_tree(root, None, 0, "")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE strategy_source, strategy_strategyelement RESTART IDENTITY CASCADE"
            )
        for level in levels:
            rows = [
                StrategyElement(
                    parent_id=parent.pk if parent else None,
                    kind=node.kind,
                    code=node.code,
                    title=node.title,
                    slug=node.slug,
                    path=node.path,
                    body=node.body,
                    is_published=node.published,
                    lft=node.lft,
                    rght=node.rght,
                    tree_id=1,
                    level=node.level,
                )
                for node, parent in level
            ]
            created = StrategyElement.objects.bulk_create(rows, batch_size=1000)
            for (node, _parent), element in zip(level, created, strict=True):
                node.pk = element.pk
        # bulk_create bypasses save(): derive the public flag as a fixture load does.
        StrategyElement.objects.refresh_public()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE strategy_strategyelement")
    return StrategyElement.objects.count()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL må peke på en PostgreSQL-database som skriptet kan tømme.")
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from strategy.models import SynonymGroup
    from strategy.models.vocabulary import install_starting_synonyms
    from strategy.search.engine import rebuild_vocabulary, search_page, suggest

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    count = generate_tree()
    # Bulk inserts bypass the model's save: the vocabulary of "Mente du …?" and of the
    # compounds is made once here; the migration installed the starting synonyms.
    words = rebuild_vocabulary()
    install_starting_synonyms(SynonymGroup)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Tre: {count} elementer og {words} ord generert på {time.perf_counter() - started:.1f} s"
    )
    if count < TARGET_ELEMENTS:
        sys.exit(f"For få elementer: {count}")

    def split(query: str) -> tuple[str, dict[str, str]]:
        """ "text&omrade=B7" → the text and its filters."""
        text, *filters = query.split("&")
        named = dict(item.split("=", 1) for item in filters)
        return text, {"area": named.get("omrade", ""), "kind": named.get("type", "")}

    def database_search(query: str) -> int:
        """What the results page asks the database: its statement, and "Mente du …?" when
        the words as typed are found in few elements."""
        text, filters = split(query)
        results, _root = search_page(text, **filters)
        if results.few:
            suggest(text, results.synonym_keys)
        return results.total

    def explain(query: str) -> tuple[str, float]:
        """Whether PostgreSQL's plan for the results page's statement reads the GIN index, and
        the median time the server itself spends on it (EXPLAIN ANALYZE, without Python or
        network)."""
        text, filters = split(query)
        with CaptureQueriesContext(connection) as captured:
            search_page(text, **filters)
        sql = captured.captured_queries[-1]["sql"]
        server_times = []
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for _ in range(EXPLAIN_RUNS):
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + sql)
                last_line = cursor.fetchall()[-1][0]
                server_times.append(float(last_line.split(":")[1].split()[0]))
        gin = "ja" if "strategy_element_search_gin" in plan else "nei"
        return gin, statistics.median(server_times)

    client = Client()

    def page(query: str) -> int:
        text, filters = split(query)
        params = {"q": text, "omrade": filters["area"], "type": filters["kind"]}
        response = client.get("/sok/", {key: value for key, value in params.items() if value})
        assert response.status_code == 200, (query, response.status_code)
        return len(response.content)

    load_before = f"{os.getloadavg()[0]:.2f}"
    rows, all_search, all_page, all_server = [], [], [], []
    for query in QUERIES:
        timings: dict[str, list[float]] = {"søk": [], "side": []}
        total = database_search(query)
        gin, server_ms = explain(query)
        all_server.append(server_ms)
        for _ in range(WARMUP):
            database_search(query)
            page(query)
        deadline = time.perf_counter() + SECONDS_PER_QUERY
        for _ in range(ITERATIONS):
            for name, function in (("søk", database_search), ("side", page)):
                start = time.perf_counter()
                function(query)
                timings[name].append((time.perf_counter() - start) * 1000)
            if time.perf_counter() > deadline:
                break
        all_search += timings["søk"]
        all_page += timings["side"]
        rows.append((query, total, gin, server_ms, timings))

    print(
        f"\n{date.today().isoformat()}, {platform.node()}, {os.cpu_count()} kjerner, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}, Python "
        f"{platform.python_version()}"
    )
    print(f"Belastning (load average) før/etter: {load_before} / {os.getloadavg()[0]:.2f}")
    print(f"random_page_cost: {RANDOM_PAGE_COST or 'standard (4)'}")
    print(
        f"{'spørring':30} {'treff':>6} {'GIN':>4} {'db ms':>6} {'n':>4}  "
        "søk median/p99 ms   side median/p99 ms"
    )
    for query, total, gin, server_ms, timings in rows:
        search_times, page_times = timings["søk"], timings["side"]
        print(
            f"{query:30} {total:>6} {gin:>4} {server_ms:6.1f} {len(search_times):>4}  "
            f"{statistics.median(search_times):7.1f} {percentile(search_times, 0.99):7.1f}     "
            f"{statistics.median(page_times):7.1f} {percentile(page_times, 0.99):7.1f}"
        )
    print(
        f"{'ALLE':30} {'':>6} {'':>4} {statistics.median(all_server):6.1f} "
        f"{len(all_search):>4}  "
        f"{statistics.median(all_search):7.1f} {percentile(all_search, 0.99):7.1f}     "
        f"{statistics.median(all_page):7.1f} {percentile(all_page, 0.99):7.1f}"
    )


if __name__ == "__main__":
    main()
