"""Benchmark: the editors' element list (admin changelist) on the real strategy and on a
generated tree of 2,000+ elements. Queries and wall time per request.

    DATABASE_URL=sqlite:////tmp/bench-editor.sqlite3 uv run python scripts/bench_editor.py

Uses the database in DATABASE_URL (migrates it and adds content): never point it at real data.
"""

import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osloregion_portal.settings")
if "DATABASE_URL" not in os.environ:
    sys.exit("Sett DATABASE_URL til en egen database for målingen.")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from strategy.models import StrategyElement  # noqa: E402
from tests.admin_helpers import make_editor  # noqa: E402
from tests.factories import build_generated_tree  # noqa: E402


def measure(client: Client, label: str, repeat: int = 3) -> None:
    client.get("/admin/strategy/strategyelement/")  # warm up
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/admin/strategy/strategyelement/")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    count = StrategyElement.objects.count()
    print(
        f"{label}: {count} elementer, {len(queries.captured_queries)} spørringer, "
        f"median {sorted(timings)[len(timings) // 2] * 1000:.0f} ms"
    )


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    StrategyElement.objects.all().delete()
    call_command("loaddata", "strategy", verbosity=0)
    client = Client()
    client.force_login(make_editor(f"bench-{time.time_ns()}"))
    measure(client, "Strategien")
    build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
    measure(client, "Generert tre")


if __name__ == "__main__":
    main()
