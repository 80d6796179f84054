"""The page cache under attack and in trouble (issue 11): no host poisoning, no frozen
citation date, no eviction by random query strings, and stale pages or a Norwegian 503 when
the database is down."""

import datetime
import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.urls import reverse

from strategy.infrastructure.caching import PublicPage
from strategy.models import ContentVersion, StrategyElement
from tests.test_security import production_env, run_python

OSLO = ZoneInfo("Europe/Oslo")
ORIGIN = settings.CANONICAL_ORIGIN


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with workers that have rendered nothing (the cache is per process)."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def cached_urls() -> list[str]:
    """Every kind of public page the page cache keeps."""
    return [
        reverse("strategy:front-page"),
        reverse("strategy:whole-strategy"),
        StrategyElement.objects.get(code="T").get_absolute_url(),
        StrategyElement.objects.get(code="T-S2").get_absolute_url(),
        reverse("strategy:strategy-json"),
        reverse("strategy:element-json", kwargs={"code": "T-S2"}),
        reverse("strategy:elements-csv"),
    ]


# --- Point 3: the Host header ------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "localhost.:6666"},
        {"HTTP_HOST": "127.0.0.1:6666", "HTTP_X_FORWARDED_PROTO": "https"},
    ],
)
def test_a_request_with_another_host_cannot_poison_the_page_cache(client, strategy, headers):
    """Bug prevented: `Host: localhost.:6666` (allowed after normalisation) putting
    canonical, og:url, the citation's permanent link and the open-data URLs for that host into
    the cache, so that every later visitor got links to the attacker's host."""
    for url in cached_urls():
        poisoned = client.get(url, **headers)
        assert poisoned.status_code == 200, url
        later = client.get(url)
        text = later.content.decode("utf-8-sig")
        assert later.content == poisoned.content, url
        assert "6666" not in text, url
        assert "testserver" not in text, url
        assert f"{ORIGIN}/" in text, url


def test_absolute_urls_come_from_the_configured_origin(client, strategy, settings):
    """Bug prevented: absolute URLs that follow whatever host and scheme a request names
    (poisonable, and two canonical addresses for one page)."""
    settings.CANONICAL_ORIGIN = "https://strategi.example.no"
    element = StrategyElement.objects.get(code="T-S2")
    html = client.get(element.get_absolute_url(), HTTP_HOST="localhost:6666").content.decode()
    page = f"https://strategi.example.no{element.get_absolute_url()}"
    assert f'<link rel="canonical" href="{page}">' in html
    assert f'<meta property="og:url" content="{page}">' in html
    assert "Permanent lenke: https://strategi.example.no/r/2025-2028/T-S2/" in html
    data = client.get(reverse("strategy:strategy-json"), HTTP_HOST="localhost").json()
    assert data["kilde"] == "https://strategi.example.no/api/strategi.json"
    assert data["element"]["permanent_url"] == "https://strategi.example.no/r/2025-2028/OR/"
    csv_text = client.get(reverse("strategy:elements-csv")).content.decode("utf-8-sig")
    assert "https://strategi.example.no/r/2025-2028/T-S2/" in csv_text
    sitemap = client.get(reverse("strategy:sitemap"), HTTP_HOST="localhost").content.decode()
    assert f"<loc>{page}</loc>" in sitemap
    assert "localhost" not in sitemap
    robots = client.get("/robots.txt", HTTP_HOST="localhost").content.decode()
    assert "Sitemap: https://strategi.example.no/sitemap.xml" in robots


def test_a_disallowed_host_never_gets_a_page_not_even_from_the_cache(client, strategy):
    """Bug prevented: a cache hit skipping Django's host validation, so that
    `Host: evil.example` got 200 with the page where an uncached request got 400."""
    for url in cached_urls():
        assert client.get(url).status_code == 200, url
        assert client.get(url).status_code == 200, url  # now from memory
        assert client.get(url, HTTP_HOST="evil.example").status_code == 400, url


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "https://example.org"),
        ({"DJANGO_CANONICAL_ORIGIN": "https://strategi.osloregionen.no"}, None),
        ({"DJANGO_ALLOWED_HOSTS": ".example.org"}, "DJANGO_CANONICAL_ORIGIN mangler"),
        ({"DJANGO_CANONICAL_ORIGIN": "https://example.org/sti/"}, "er ikke en adresse"),
        ({"DJANGO_CANONICAL_ORIGIN": "javascript:alert(1)"}, "er ikke en adresse"),
    ],
)
def test_production_origin_setting(extra, expected):
    """Bug prevented: production links on a host nobody configured (a wildcard host, a
    forgotten setting) or a malformed origin (a path, another scheme) going unnoticed."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CANONICAL_ORIGIN)"
    )
    result = run_python(code, production_env(**extra))
    if expected is None:
        assert result.stdout.strip() == extra["DJANGO_CANONICAL_ORIGIN"], result.stderr
    elif expected.startswith("https://"):
        assert result.stdout.strip() == expected, result.stderr
    else:
        assert result.returncode != 0
        assert expected in result.stderr


# --- Point 4: the citation's date -------------------------------------------------------


@contextmanager
def clock_at(moment: datetime.datetime):
    """Moves Django's clock (``timezone.now``, which ``localdate()`` reads) to ``moment``."""
    import django.utils.timezone

    original = django.utils.timezone.now
    django.utils.timezone.now = lambda: moment.astimezone(datetime.UTC)
    try:
        yield
    finally:
        django.utils.timezone.now = original


def hentet(response) -> str:
    match = re.search(r"Hentet (\d+\. \w+ \d{4})", response.content.decode())
    assert match
    return match.group(1)


def settled_before(monkeypatch, moment: datetime.datetime) -> None:
    """Content and code last changed before ``moment``, as they must have when the clock is
    moved to it: otherwise (a run after that moment) their real change times would be
    Last-Modified on both sides of midnight."""
    import strategy.infrastructure.caching

    code_hash, _ = strategy.infrastructure.caching.code_fingerprint()
    monkeypatch.setattr(
        strategy.infrastructure.caching, "code_fingerprint", lambda: (code_hash, moment)
    )
    ContentVersion.objects.update(changed_at=moment)


def test_the_citation_date_is_today_also_from_the_cache_after_midnight(
    client, strategy, django_assert_num_queries, monkeypatch
):
    """Bug prevented: «Hentet 28. november 2026» staying in the cached page after midnight
    (Europe/Oslo), with an unchanged ETag so that 304s kept the stale date too."""
    settled_before(monkeypatch, datetime.datetime(2026, 11, 28, 12, tzinfo=OSLO))
    url = StrategyElement.objects.get(code="T-S2").get_absolute_url()
    with clock_at(datetime.datetime(2026, 11, 28, 23, 59, 30, tzinfo=OSLO)):
        evening = client.get(url)
        assert hentet(evening) == "28. november 2026"
        with django_assert_num_queries(1):  # from memory, still the same day
            assert hentet(client.get(url)) == "28. november 2026"
    with clock_at(datetime.datetime(2026, 11, 29, 0, 0, 30, tzinfo=OSLO)):
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=evening["ETag"])
        assert revalidated.status_code == 200
        assert hentet(revalidated) == "29. november 2026"
        assert revalidated["ETag"] != evening["ETag"]
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=evening["Last-Modified"])
        assert since.status_code == 200
        assert hentet(since) == "29. november 2026"
        with django_assert_num_queries(1):  # the new day's page is kept in memory again
            morning = client.get(url)
        assert hentet(morning) == "29. november 2026"
        assert client.get(url, HTTP_IF_NONE_MATCH=morning["ETag"]).status_code == 304
    # 23:30 UTC on the 28th is already the 29th in Oslo.
    with clock_at(datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.UTC)):
        assert hentet(client.get(url)) == "29. november 2026"


def test_pages_without_a_date_keep_their_etag_over_midnight(client, strategy):
    """Bug prevented: every page and export re-downloaded each night although only the
    element pages (with the citation) show the date."""
    urls = [reverse("strategy:front-page"), reverse("strategy:strategy-json")]
    with clock_at(datetime.datetime(2026, 11, 28, 23, 59, tzinfo=OSLO)):
        before = {url: client.get(url)["ETag"] for url in urls}
    with clock_at(datetime.datetime(2026, 11, 29, 0, 1, tzinfo=OSLO)):
        for url in urls:
            assert client.get(url, HTTP_IF_NONE_MATCH=before[url]).status_code == 304, url


# --- Point 9: random query strings --------------------------------------------------------


def test_random_query_strings_are_answered_from_the_cached_page(
    client, strategy, django_assert_num_queries
):
    """Bug prevented: `?r=<random>` making a new cache entry for every request, so that
    an attacker (or a tracking parameter) made every worker render every page again."""
    for url in cached_urls():
        clean = client.get(url)
        for query in ("r=1", "r=2&x=%00", "utm_source=nyhetsbrev&fbclid=abc", "side=2"):
            with django_assert_num_queries(1):
                noisy = client.get(f"{url}?{query}")
            assert noisy.status_code == 200, (url, query)
            assert noisy.content == clean.content, (url, query)
            assert noisy["ETag"] == clean["ETag"], (url, query)


@override_settings(
    CACHES={
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "OPTIONS": {"MAX_ENTRIES": 10}},
    }
)
def test_random_query_strings_do_not_evict_the_pages(strategy, django_assert_num_queries):
    """Bug prevented: a stream of random query strings pushing the real pages out of a
    worker's bounded cache (1,302 → 66 requests/s in the load test)."""
    client = Client()  # built under the small cache
    url = StrategyElement.objects.get(code="T-S2").get_absolute_url()
    client.get(url)
    for number in range(30):
        assert client.get(f"{url}?r={number}").status_code == 200
        assert client.get(f"/?r={number}").status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_only_the_query_parameters_a_page_reads_make_a_cache_entry(rf):
    """Bug prevented: a page that reads a parameter (a results page, ?side=2) served for
    another value of it, or random other parameters splitting its cache entry."""
    page = PublicPage(query=("side",))
    key = page.cache_key
    assert key(rf.get("/x/?side=2")) != key(rf.get("/x/?side=3"))
    assert key(rf.get("/x/?side=2")) != key(rf.get("/x/"))
    assert key(rf.get("/x/?side=2&r=1")) == key(rf.get("/x/?r=9&side=2"))
    assert key(rf.get("/x/?r=1")) == key(rf.get("/x/"))
    assert key(rf.get("/x/")) != key(rf.get("/y/"))
    assert page.read_query(rf.get("/x/?r=1&side=2")).dict() == {"side": "2"}
    assert PublicPage().read_query(rf.get("/x/?side=2")).dict() == {}


# --- Point 9: the database is down --------------------------------------------------------


@contextmanager
def database_refusing(attempts: list | None = None):
    """Every new query fails as it does when PostgreSQL or the SQLite file is gone; each
    attempt is counted in ``attempts``."""
    wrapper = connections["default"]

    def refuse():
        if attempts is not None:
            attempts.append(1)
        raise OperationalError("connection refused (simulert i testen)")

    wrapper.ensure_connection = refuse
    try:
        yield
    finally:
        del wrapper.ensure_connection


def assert_503(response, url):
    assert response.status_code == 503, url
    assert response["Retry-After"].isdecimal(), url
    assert "no-store" in response["Cache-Control"], url
    html = response.content.decode()
    assert "Portalen er midlertidig utilgjengelig" in html, url
    assert '<html lang="nb">' in html, url
    assert 'name="robots" content="noindex"' in html, url


def check_database_down(client, warm: list[str], cold: list[str], before: dict):
    client.raise_request_exception = False
    for url in warm:
        stale = client.get(url)
        assert stale.status_code == 200, url
        assert stale.content == before[url].content, url
        assert stale["ETag"] == before[url]["ETag"], url
        assert client.get(url, HTTP_IF_NONE_MATCH=before[url]["ETag"]).status_code == 304
        assert client.get(url, HTTP_HOST="evil.example").status_code == 400, url
    for url in cold:
        assert_503(client.get(url), url)
        assert client.head(url).status_code == 503, url
    health = client.get(reverse("strategy:health"))
    assert health.status_code == 503
    assert health.json()["status"] == "feil"
    admin = client.get("/admin/")
    assert admin.status_code in (302, 503), admin.status_code


def urls_for_database_down() -> tuple[list[str], list[str]]:
    warm = [
        reverse("strategy:front-page"),
        StrategyElement.objects.get(code="T-S2").get_absolute_url(),
        reverse("strategy:strategy-json"),
    ]
    cold = [
        reverse("strategy:whole-strategy"),
        StrategyElement.objects.get(code="KM").get_absolute_url(),
        "/finnes-ikke/",
        "/ÆØÅ/",  # no URL pattern: Django's own 404 handler
        reverse("strategy:permalink", kwargs={"code": "T-S2"}),
        reverse("strategy:elements-csv"),
        reverse("strategy:search") + "?q=transport",
        reverse("strategy:accessibility-statement"),
    ]
    return warm, cold


def test_with_the_database_down_cached_pages_are_served_and_the_rest_get_503(client, strategy):
    """Bug prevented: every page answering 500 when the database is unreachable, even the
    ones the worker has in memory, and 404 pages too; a reader gets the page the worker has,
    or a Norwegian «try again» page with Retry-After."""
    warm, cold = urls_for_database_down()
    before = {url: client.get(url) for url in warm}
    with database_refusing():
        check_database_down(client, warm, cold, before)
    assert client.get(cold[0]).status_code == 200  # back up: no 503 left behind


def test_503_page_keeps_the_strict_content_security_policy(client, strategy):
    """Bug prevented: the outage page going out without the public pages' CSP."""
    client.raise_request_exception = False
    with database_refusing():
        response = client.get(reverse("strategy:whole-strategy"))
    assert response.status_code == 503
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_other_database_errors_stay_500(client, strategy, monkeypatch):
    """Bug prevented: a real bug (a broken query) hidden behind «try again later»."""
    from django.db import ProgrammingError

    def broken(*args, **kwargs):
        raise ProgrammingError("syntaksfeil (simulert)")

    monkeypatch.setattr(StrategyElement.objects, "current_document", broken)
    client.raise_request_exception = False
    assert client.get(reverse("strategy:whole-strategy")).status_code == 500


@pytest.mark.postgresql
def test_with_postgresql_unreachable_cached_pages_are_served_and_the_rest_get_503(
    transactional_db, strategy
):
    """Bug prevented: as above, with a real PostgreSQL connection that cannot be made (the
    server refusing connections on the configured port), not a simulated one."""
    client = Client()
    warm, cold = urls_for_database_down()
    before = {url: client.get(url) for url in warm}
    connection = connections["default"]
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        check_database_down(client, warm, cold, before)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get(cold[0]).status_code == 200


def test_a_worker_that_found_the_database_down_does_not_wait_for_it_again_at_once(
    client, strategy, settings, monkeypatch
):
    """Bug prevented: during an outage every request, even for a page in memory, waiting
    for its own connection attempt (up to connect_timeout), so that the workers stall."""
    settings.CONTENT_VERSION_MAX_AGE = 60
    monkeypatch.setattr("strategy.infrastructure.caching._last_read", None)
    url = StrategyElement.objects.get(code="T-S2").get_absolute_url()
    page = client.get(url)
    monkeypatch.setattr(
        "strategy.infrastructure.caching._last_read", None
    )  # the version is due again
    attempts = []
    client.raise_request_exception = False
    with database_refusing(attempts):
        for _ in range(3):
            assert client.get(url).content == page.content
        assert_503(client.get(reverse("strategy:whole-strategy")), "hele strategien")
    assert len(attempts) == 1


@pytest.mark.postgresql
def test_postgresql_connections_give_up_after_a_few_seconds():
    """Bug prevented: a database host that stops answering (no refusal) holding every
    worker for the operating system's TCP timeout, minutes, instead of serving from memory."""
    params = connections["default"].get_connection_params()
    assert 0 < int(params["connect_timeout"]) <= 10
