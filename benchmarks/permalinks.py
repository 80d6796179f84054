"""Benchmark: permanent-link answers and open-data exports on a generated 2,000+ element tree.

    uv run python benchmarks/permalinks.py [--repeat 50]

Runs against a throw-away test database (SQLite by default, or DATABASE_URL), never against
your own data, and prints the median time per request. Figures are written down in the README.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osloregion_portal.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from strategy.models import Kind, StrategyElement  # noqa: E402
from tests.factories import build_generated_tree  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # every 410 logs a warning
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        root = build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
        count = StrategyElement.objects.filter(tree_id=root.tree_id).count()
        elements = StrategyElement.objects.filter(tree_id=root.tree_id)
        area = elements.filter(kind=Kind.FOCUS_AREA).last()
        old_area_path = area.path
        started = time.perf_counter()
        area.slug = "omdopt-innsatsomrade"
        area.save()  # renames the area and records the old paths of its 101 descendants
        rename_seconds = time.perf_counter() - started
        item = elements.filter(parent=area, kind=Kind.STRATEGY).last()
        old_item_path = f"{old_area_path}/strategier/{item.slug}"
        gone = elements.filter(parent=area, kind=Kind.CHALLENGE).last()
        gone_code = gone.code
        started = time.perf_counter()
        area.get_children().filter(kind=Kind.CHALLENGE).first().delete()
        delete_seconds = time.perf_counter() - started
        gone.delete()
        urls = {
            "/r/<kode>/ → 301": f"/r/{item.code.lower()}/",
            "gammel sti → 301": f"/{old_item_path}/",
            "/r/<kode>/ → 410": f"/r/{gone_code}/",
            "/api/strategi.json": reverse("strategy:strategy-json"),
            "/api/elementer/<kode>.json": reverse(
                "strategy:element-json", kwargs={"code": area.code}
            ),
            "/api/strategi.csv": reverse("strategy:elements-csv"),
            "/sitemap.xml": reverse("strategy:sitemap"),
        }
        client = Client()
        print(f"{connection.vendor}, {count} elementer, median av {args.repeat} kall")
        print(f"  omdøpe et innsatsområde (101 etterkommere): {rename_seconds * 1000:.0f} ms")
        print(f"  slette ett element: {delete_seconds * 1000:.0f} ms")
        for label, url in urls.items():
            client.get(url)  # warm caches (Markdown, templates)
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            median_ms = statistics.median(timings) * 1000
            print(f"  {label:30} {response.status_code}  {median_ms:7.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
