"""Benchmark: the open-data, embedding and reference endpoints on a generated 2,000+ element
tree, with the production settings (DJANGO_DEBUG=0).

    uv run python benchmarks/opendata.py [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osloregion_bench uv run python \\
        benchmarks/opendata.py

Runs against a throw-away test database (SQLite by default, or DATABASE_URL's server with a
test_ prefix), never against your own data. Each endpoint is measured twice: rendered for
every request (the page cache off: what the first request after an edit costs) and answered
from the worker's page cache (every later request). Prints the median per request; the
figures are written down in the README («Åpne data»).
"""

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.production import use_production_settings

use_production_settings("opendata-bench")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from strategy.models import Kind, StrategyElement  # noqa: E402
from tests.factories import build_generated_tree  # noqa: E402


def median_ms(client: Client, url: str, repeat: int, cached: bool) -> tuple[int, float, int]:
    pages = caches["pages"]
    response = client.get(url)  # warm Markdown, templates, imports
    timings = []
    for _ in range(repeat):
        if not cached:
            pages.clear()
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
    return response.status_code, statistics.median(timings) * 1000, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)
    call_command("collectstatic", interactive=False, verbosity=0)
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        root = build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
        count = StrategyElement.objects.filter(tree_id=root.tree_id).count()
        item = StrategyElement.objects.filter(kind=Kind.STRATEGY, level=3).last()
        page = f"http://testserver{item.get_absolute_url()}"
        urls = {
            "/api/ (dokumentasjonen)": reverse("strategy:api"),
            "/api/skjema/strategi.schema.json": "/api/skjema/strategi.schema.json",
            "/api/katalog.ttl": reverse("strategy:dcat-turtle"),
            "/api/katalog.jsonld": reverse("strategy:dcat-json-ld"),
            "/api/strategi.csv": reverse("strategy:elements-csv"),
            "/api/strategi.json": reverse("strategy:strategy-json"),
            "/r/<kode>/kort/": reverse("strategy:card", kwargs={"code": item.code}),
            "/oembed?url=<side>": f"{reverse('strategy:oembed')}?{urlencode({'url': page})}",
            "/r/<kode>/referanse.ris": f"/r/{item.code}/referanse.ris",
            "/r/<kode>/referanse.bib": f"/r/{item.code}/referanse.bib",
            "/r/<kode>/referanse.json": f"/r/{item.code}/referanse.json",
            "elementside (med metadata)": item.get_absolute_url(),
        }
        client = Client()
        print(f"{connection.vendor}, {count} elementer, median av {args.repeat} kall")
        print(f"  {'adresse':34} status  tegnet ms  fra minnet ms  størrelse")
        for label, url in urls.items():
            status, rendered, size = median_ms(client, url, args.repeat, cached=False)
            _status, cached, _size = median_ms(client, url, args.repeat, cached=True)
            print(
                f"  {label:34} {status}   {rendered:8.1f}  {cached:12.2f}  {size / 1024:6.1f} KiB"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
