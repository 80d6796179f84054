"""Conditional GET and a per-process cache of rendered public pages.

Every public page depends only on the published content, on the code that renders it and,
for a page that shows today's date (the citation's «Hentet …»), on the day in Europe/Oslo.
The content has one version (``ContentVersion``, read in one query); the code has a
fingerprint of its templates, static files and Python modules, computed once per process (the
same in every gunicorn worker, new with every deploy). Together they give the ETag, so that:

- a browser or proxy revalidating a page it has gets a 304 for the price of that one query;
- a worker that has rendered the page for this version already sends it from memory, without
  running the view or the middleware behind ``PublicPageCacheMiddleware`` again;
- with the database down, a worker still sends the pages it has (stale).

Nothing in a public page depends on the request's host (absolute URLs come from
``CANONICAL_ORIGIN``, ``strategy/infrastructure/origin.py``) or on query parameters the page
does not declare, so the cache keeps one entry per page and path.
"""

import gzip
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.functional import empty
from django.utils.http import http_date, quote_etag

from ..models import ContentVersion
from ..public_site.citation import today
from .health import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".txt"}
SAFE_METHODS = ("GET", "HEAD")


@cache
def code_fingerprint() -> tuple[str, datetime]:
    """Hash and newest modification time of what renders the pages."""
    digest = hashlib.sha256()
    newest = 0.0
    roots = [settings.BASE_DIR / name for name in ("strategy", "templates", "static")]
    for root in roots:
        for file in sorted(root.rglob("*")):
            if file.suffix not in CODE_SUFFIXES or "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(settings.BASE_DIR)).encode())
            digest.update(file.read_bytes())
            newest = max(newest, file.stat().st_mtime)
    return digest.hexdigest()[:12], datetime.fromtimestamp(int(newest), tz=UTC)


def stamp(request: HttpRequest, response: HttpResponse, etag: str, last_modified: int):
    """Validators and revalidation on a 200; a 304 when the client's copy is current.
    Editors may change a page at any moment: caches must ask every time."""
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class PageVersion:
    """The validators of a public page for one content version and, for a page that shows
    today's date, for that day: the ETag changes at midnight and Last-Modified is never
    before it, so neither a 304 nor the page cache keeps yesterday's date."""

    def __init__(self, token: str, changed_at: datetime, day: date | None = None):
        code_hash, code_changed_at = code_fingerprint()
        self.changed_at = changed_at  # of the content alone: its edition on printouts
        tag = f"{token[:16]}-{code_hash}"
        modified = max(changed_at, code_changed_at)
        if day is not None:
            tag = f"{tag}-{day:%Y%m%d}"
            modified = max(
                modified, timezone.make_aware(datetime.combine(day, datetime.min.time()))
            )
        self.etag = quote_etag(tag)
        self.last_modified = int(modified.timestamp())

    def stamp(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return stamp(request, response, self.etag, self.last_modified)


# What this worker last learned about the version, and when: a row, None (no version yet)
# or DATABASE_DOWN.
_last_read: tuple[float, object] | None = None
DATABASE_DOWN = object()


def _read_version() -> tuple[str, datetime] | None:
    # Raw SQL: this runs on every page view, and the ORM's query compilation would cost more
    # than the query itself.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token, changed_at FROM {ContentVersion._meta.db_table} WHERE id = %s",
            [ContentVersion.SINGLETON_PK],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token, changed_at = row
    if isinstance(changed_at, str):  # SQLite returns text
        changed_at = parse_datetime(changed_at)
    if changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=UTC)
    return token, changed_at


def content_version(request: HttpRequest) -> tuple[str, datetime] | None:
    """At most one query per request, shared by the middleware and the view decorator.

    With ``CONTENT_VERSION_MAX_AGE`` > 0 (production) a worker reuses the version it read for
    that many seconds, so a page from memory costs no database round trip at all; an edit
    then reaches readers within that time. 0 (development, tests) reads it every request.

    Raises one of ``DATABASE_UNAVAILABLE`` when the database does not answer; a worker that
    just found it down does not try again within that time either, so that during an outage
    its pages from memory go out at once instead of each waiting for a connection attempt."""
    global _last_read
    if not hasattr(request, "_content_version"):
        max_age = settings.CONTENT_VERSION_MAX_AGE
        now = time.monotonic()
        if max_age > 0 and _last_read is not None and now - _last_read[0] < max_age:
            row = _last_read[1]
        else:
            try:
                row = _read_version()
            except DATABASE_UNAVAILABLE:
                _last_read = (now, DATABASE_DOWN)
                raise
            _last_read = (now, row)
        if row is DATABASE_DOWN:
            raise OperationalError(f"Databasen svarte ikke for under {max_age:g} s siden")
        request._content_version = row
    return request._content_version


@dataclass(frozen=True)
class PublicPage:
    """What a public page depends on besides the content: the query parameters it reads
    (``query``; every other one is invisible to it and to the cache key) and whether it shows
    today's date (``shows_today``)."""

    query: tuple[str, ...] = ()
    shows_today: bool = False

    def read_query(self, request: HttpRequest) -> QueryDict:
        pairs = [(name, value) for name in self.query for value in request.GET.getlist(name)]
        return QueryDict(urlencode(pairs))

    def cache_key(self, request: HttpRequest) -> str:
        # Hashed: paths can be long and contain anything.
        address = f"{request.path}?{self.read_query(request).urlencode()}"
        return hashlib.sha256(address.encode()).hexdigest()

    def version(self, request: HttpRequest) -> PageVersion | None:
        row = content_version(request)
        if row is None:
            return None
        return PageVersion(*row, day=today() if self.shows_today else None)


def public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    query: Iterable[str] = (),
    shows_today: bool = False,
):
    """Marks a view as a public page: ETag/Last-Modified from the content version, 304 on a
    match, and (through ``PublicPageCacheMiddleware``) kept per process while it is current.
    The view sees only the query parameters named in ``query``: random ones (``?r=…``) can
    neither change the page nor make a new cache entry."""
    page = PublicPage(query=tuple(query), shows_today=shows_today)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            request.GET = page.read_query(request)
            version = page.version(request) if request.method in SAFE_METHODS else None
            response = view(request, *args, **kwargs)
            if version is None or response.status_code != 200:
                patch_cache_control(response, no_cache=True)
                return response
            response.page_version = version
            return version.stamp(request, response)

        wrapper.public_page = page
        return wrapper

    return decorate(view) if view is not None else decorate


class CachedPage(NamedTuple):
    """A rendered page and the validators it went out with."""

    etag: str
    last_modified: int
    content: bytes
    headers: list[tuple[str, str]]
    # The content gzipped once (see ``gzipped``), or None for content not worth compressing.
    compressed: bytes | None

    def response(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        return encoded(
            request, stamp(request, response, self.etag, self.last_modified), self.compressed
        )


# Text is sent gzipped to browsers that accept it, compressed once per page and version
# (the first visit of a page with the strategy map stays small); PDFs and PNGs are
# compressed already.
COMPRESSED_TYPES = ("text/", "image/svg+xml", "application/json")
MIN_COMPRESSED_LENGTH = 500


def gzipped(response: HttpResponse) -> bytes | None:
    """The response's body gzipped, or None when it is not text worth compressing."""
    content_type = response.get("Content-Type", "")
    if response.has_header("Content-Encoding") or not content_type.startswith(COMPRESSED_TYPES):
        return None
    if len(response.content) < MIN_COMPRESSED_LENGTH:
        return None
    return gzip.compress(response.content, compresslevel=6, mtime=0)


def encoded(request: HttpRequest, response: HttpResponse, compressed: bytes | None) -> HttpResponse:
    """The gzipped body for a client that accepts it. Every variant says that it varies on
    Accept-Encoding, and the gzipped one carries a weak ETag (a different byte sequence of
    the same page), which still matches on revalidation."""
    if compressed is None or response.status_code != 200:
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if not ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        return response
    response.content = compressed
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(compressed))
    etag = response.get("ETag", "")
    if etag and not etag.startswith("W/"):
        response["ETag"] = f"W/{etag}"
    return response


class PublicPageCacheMiddleware:
    """Answers a public page from memory when this worker has rendered it for the current
    version. Placed right after whitenoise: a hit skips sessions, CSRF, auth and the view;
    the headers the inner middleware set (CSP, X-Frame-Options, ...) are kept with the page,
    the outer ones (SecurityMiddleware: HSTS, SSL redirect) still run every time.

    One entry per page (path and the query parameters it reads), replaced when the version
    changes; with the database down that entry is sent as it is (stale), and anything else
    goes on to the view, whose database error becomes the 503 page
    (``strategy.infrastructure.health``).

    Only pages that are the same for every visitor are kept: no cookie set, no session read
    (``Vary: Cookie``), no CSP nonce used."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.pages = caches["pages"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = self._public_page(request) if request.method in SAFE_METHODS else None
        if page is None:
            return self.get_response(request)
        # Django checks the Host header in CommonMiddleware, which a page from memory skips:
        # a disallowed host gets its 400 here (DisallowedHost), never a page.
        request.get_host()
        key = page.cache_key(request)
        cached = self.pages.get(key)
        try:
            version = page.version(request)
        except DATABASE_UNAVAILABLE:
            if cached is None:
                return self.get_response(request)
            logger.warning("Databasen svarer ikke: %s sendes fra minnet", request.path)
            return cached.response(request)
        if version is None:
            return self.get_response(request)
        if cached is not None and cached.etag == version.etag:
            return cached.response(request)
        response = self.get_response(request)
        if self._cacheable(request, response):
            stamped = response.page_version
            compressed = gzipped(response)
            self.pages.set(
                key,
                CachedPage(
                    stamped.etag,
                    stamped.last_modified,
                    response.content,
                    list(response.items()),
                    compressed,
                ),
            )
            return encoded(request, response, compressed)
        return response

    @staticmethod
    def _public_page(request: HttpRequest) -> PublicPage | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return getattr(match.func, "public_page", None)

    @staticmethod
    def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
        nonce = getattr(request, "_csp_nonce", None)
        vary = response.get("Vary", "").lower()
        return (
            getattr(response, "page_version", None) is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in vary
            and not (nonce is not None and nonce._wrapped is not empty)
        )
