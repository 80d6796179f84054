"""Benchmark: the editors' element list (admin changelist) with production settings, on the real
strategy and on a generated tree of 5,000+ elements. Queries and wall time per request.

    uv run python scripts/bench_editor.py                       # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osloregion_bench_editor \\
        uv run python scripts/bench_editor.py                   # PostgreSQL

A PostgreSQL database is DROPPED and created again (its name must contain "bench"); without
DATABASE_URL the script uses a new SQLite file and deletes it afterwards. The tree is inserted in
bulk (tests.factories.build_generated_tree) and checked with the integrity check the
fixture loader uses. Each view is requested REPEAT times after one warm-up, through Django's
test client (the whole request: middleware, admin, template), at most SECONDS_PER_VIEW seconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks.production import temporary_folder, use_production_settings  # noqa: E402

use_production_settings("editor-bench")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{temporary_folder('editor-bench-db')}/bench.sqlite3"

REPEAT = 20
SECONDS_PER_VIEW = 20.0
CHANGELIST = "/admin/strategy/strategyelement/"


def measure(client, label: str, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from strategy.models import StrategyElement

    assert client.get(url).status_code == 200  # warm-up
    timings, started = [], time.perf_counter()
    while len(timings) < REPEAT and time.perf_counter() - started < SECONDS_PER_VIEW:
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, response.status_code
    rows = response.content.count(b'class="tree-node"')
    print(
        f"| {label} | {StrategyElement.objects.count()} | {rows} | {len(queries.captured_queries)}"
        f" | {statistics.median(timings):.0f} | {max(timings):.0f} |"
    )


def main() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        # Drops and creates it (the name must contain "bench"), with the random_page_cost
        # the README recommends, as the search benchmark does.
        from benchmarks.search_benchmark import recreate_database

        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from strategy.infrastructure.integrity import tree_problems
    from strategy.models import StrategyElement
    from tests.admin_helpers import make_editor
    from tests.factories import build_generated_tree

    setup_test_environment()  # lets CaptureQueriesContext count queries with DEBUG off
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    StrategyElement.objects.all().delete()
    call_command("load_strategy", "strategy", verbosity=0)
    client = Client()
    client.force_login(make_editor(f"bench-{time.time_ns()}"))
    print(f"Database: {connection.vendor}, DEBUG={os.environ['DJANGO_DEBUG']}")
    print("| visning | elementer | rader | spørringer | median ms | maks ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    measure(client, "strategien, standardvisning", CHANGELIST)

    StrategyElement.objects.all().delete()
    root = build_generated_tree(focus_areas=48, items_per_group=50, themes=20)
    problems = tree_problems(list(StrategyElement.objects.all()))
    assert not problems, problems[:5]
    area = StrategyElement.objects.get(code="GEN-F1")
    section = StrategyElement.objects.get(code="GEN-IO")
    measure(client, "generert tre, standardvisning", CHANGELIST)
    measure(
        client,
        "generert tre, ett innsatsområde åpnet",
        f"{CHANGELIST}?apne={root.pk},{section.pk},{area.pk}",
    )
    measure(client, "generert tre, filtrert på et innsatsområde", f"{CHANGELIST}?under={area.pk}")
    measure(client, "generert tre, søk «tiltak 7»", f"{CHANGELIST}?q=tiltak+7")


if __name__ == "__main__":
    main()
