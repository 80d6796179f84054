"""Benchmark: a dated element page and «Start ny utgave» on a generated tree of ~10,000 elements
with 20 published versions of the measured element.

    DJANGO_DEBUG=0 DJANGO_PAGE_CACHE=0 uv run python benchmarks/editions_benchmark.py \
        [--repeat 50] [--areas 90]

Runs against a throw-away test database (SQLite by default, or DATABASE_URL), never against
your own data, and prints the median time per uncached request. Figures are in docs/ytelse.md
(«Utgaver»).

Measured 29.11.2026 on a quiet 2-core machine (load below 1, main after 1a2ac64), production
settings, uncached; the measured element has 20 published versions:

                                       SQLite, 9,355    PostgreSQL, 10,069
    datert elementside                    10.6 ms            10.3 ms
    elementside med «Endringer»           20.9 ms            21.6 ms
    endring (ordforskjell)                 8.8 ms             9.4 ms
    hele strategien (i dag)             1260.7 ms          1457.9 ms
    hele strategien ?dato=               858.5 ms          1326.9 ms
    … når hvert element har 20 versjoner  2071.3 ms          1987.6 ms
    endringsloggen (20 v. alle)          1449.3 ms          1253.9 ms
    «Start ny utgave» (kopi av alt)        2.3 s              2.1 s
    sammenligning av to utgaver          907.9 ms           760.8 ms

The last «Hele strategien» line was added later the same day (every element reworded 20
times: ~200,000 history rows). Before it, the latest version of each element was found by a
correlated subquery per history row: 449 s on PostgreSQL (SQLite's planner coped); a window
function (ROW_NUMBER per element) now reads them in one pass.

The dated element page is a fifth of the 50 ms target. «Hele strategien» on a date costs what
today's does (the tree is read from the history in the same fixed number of queries); both,
and the comparison, list every one of the ~10,000 elements, and the page cache keeps them.
"""

import argparse
import atexit
import datetime
import logging
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osloregion_portal.settings")
os.environ.setdefault("DJANGO_PAGE_CACHE", "0")  # uncached: every page is rendered
# Production settings (no debug cursor); the test client speaks plain HTTP to "testserver".
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
if "DJANGO_STATIC_ROOT" not in os.environ:  # the hashed static names come from the manifest
    os.environ["DJANGO_STATIC_ROOT"] = tempfile.mkdtemp(prefix="osloregion-editions-bench-")
    atexit.register(shutil.rmtree, os.environ["DJANGO_STATIC_ROOT"], ignore_errors=True)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from strategy.models import Edition, PendingChange, StrategyElement  # noqa: E402
from tests.factories import build_generated_tree  # noqa: E402


def median_ms(client: Client, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--slow-repeat", type=int, default=5, help="for the pages that read the whole tree"
    )
    parser.add_argument("--areas", type=int, default=90, help="90 areas × 111 ≈ 10,000 elements")
    args = parser.parse_args()
    setup_test_environment()
    call_command("collectstatic", interactive=False, verbosity=0)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        started = time.perf_counter()
        root = build_generated_tree(focus_areas=args.areas, items_per_group=50, themes=20)
        build_seconds = time.perf_counter() - started
        edition = root.edition
        count = StrategyElement.objects.filter(edition=edition).count()
        item = StrategyElement.objects.get(edition=edition, code="GEN-F3-S7")
        for number in range(20):
            PendingChange.objects.create(
                element=item, title=f"Versjon {number}", slug=item.slug, body="Tekst."
            )
            item.publish(note=f"Endring {number}")
        client = Client()
        day = timezone.localdate().isoformat()
        urls = {
            "datert elementside": f"/r/{edition.period}/{item.code}/{day}/",
            "elementside med «Endringer»": item.get_absolute_url(),
            "endring (ordforskjell)": (
                f"/r/{edition.period}/{item.code}/endringer/"
                f"{StrategyElement.history.filter(id=item.pk).latest('history_date').history_id}/"
            ),
        }
        print(f"{connection.vendor}: {count} elementer (bygget på {build_seconds:.0f} s)")
        for label, url in urls.items():
            print(f"  {label:32} {median_ms(client, url, args.repeat):7.1f} ms (median)")
        print(
            f"  {'hele strategien (i dag)':32} "
            f"{median_ms(client, '/hele-strategien/', args.slow_repeat):7.1f} ms (median)"
        )
        print(
            f"  {'hele strategien ?dato=':32} "
            f"{median_ms(client, f'/hele-strategien/?dato={day}', args.slow_repeat):7.1f} ms"
            " (median)"
        )
        # Every element reworded 20 times (a long life of the edition): the dated whole
        # strategy reads the latest version of each from ~200,000 history rows.
        elements = list(StrategyElement.objects.filter(edition=edition))
        start = timezone.now() - datetime.timedelta(days=30)
        for number in range(20):
            for element in elements:
                element.title = f"{element.title.split(' v')[0]} v{number}"
            StrategyElement.history.bulk_history_create(
                elements,
                update=True,
                default_change_reason=f"Endring {number}",
                default_date=start + datetime.timedelta(days=number),
            )
        StrategyElement.objects.bulk_update(elements, ["title"], batch_size=1000)
        print(
            f"  {'hele strategien ?dato= (20 v. alle)':32} "
            f"{median_ms(client, f'/hele-strategien/?dato={day}', args.slow_repeat):7.1f} ms"
            " (median)"
        )
        print(
            f"  {'endringsloggen (20 v. alle)':32} "
            f"{median_ms(client, '/endringer/', args.slow_repeat):7.1f} ms (median)"
        )
        started = time.perf_counter()
        period = "2099-2102" if edition.period != "2099-2102" else "2103-2106"
        following = Edition.objects.start_new(period)
        print(f"  «Start ny utgave» (kopi av alt)  {time.perf_counter() - started:7.1f} s")
        changed = StrategyElement.objects.get(edition=following, code=item.code)
        changed.title = "En ny ordlyd i neste utgave"
        changed.save()
        following.send_to_consultation(timezone.localdate())
        comparison = f"/utgaver/{edition.period}/sammenlign/{following.period}/"
        print(
            f"  {'sammenligning av to utgaver':32} "
            f"{median_ms(client, comparison, args.slow_repeat):7.1f} ms (median)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
