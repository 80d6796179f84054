"""Conditional GET and a per-process cache of rendered public pages.

Every public page depends only on the published content and on the code that renders it. The
content has one version (``ContentVersion``, read in one query); the code has a fingerprint of
its templates, static files and Python modules, computed once per process (the same in every
gunicorn worker, new with every deploy). Together they give the ETag, so that:

- a browser or proxy revalidating a page it has gets a 304 for the price of that one query;
- a worker that has rendered the page for this version already sends it from memory, without
  running the view or the middleware behind ``PublicPageCacheMiddleware`` again.
"""

import gzip
import hashlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, wraps

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.functional import empty
from django.utils.http import http_date, quote_etag

from .models import ContentVersion

CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".txt"}


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


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class PageVersion:
    """The validators of every public page for one content version."""

    def __init__(self, token: str, changed_at: datetime):
        code_hash, code_changed_at = code_fingerprint()
        self.changed_at = changed_at  # of the content alone: its edition on printouts
        self.etag = quote_etag(f"{token[:16]}-{code_hash}")
        self.last_modified = int(max(changed_at, code_changed_at).timestamp())

    def stamp(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Validators and revalidation on a 200; a 304 when the client's copy is current.
        Editors may change a page at any moment: caches must ask every time."""
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified, response=response
        )


_last_read: tuple[float, tuple | None] | None = None


def _read_version() -> tuple | None:
    # Raw SQL: this runs on every page view, and the ORM's query compilation would cost more
    # than the query itself.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token, changed_at FROM {ContentVersion._meta.db_table} WHERE id = %s",
            [ContentVersion.SINGLETON_PK],
        )
        return cursor.fetchone()


def page_version(request: HttpRequest) -> PageVersion | None:
    """At most one query per request, shared by the middleware and the view decorator.

    With ``CONTENT_VERSION_MAX_AGE`` > 0 (production) a worker reuses the version it read for
    that many seconds, so a page from memory costs no database round trip at all; an edit
    then reaches readers within that time. 0 (development, tests) reads it every request."""
    global _last_read
    if not hasattr(request, "_page_version"):
        max_age = settings.CONTENT_VERSION_MAX_AGE
        now = time.monotonic()
        if max_age > 0 and _last_read is not None and now - _last_read[0] < max_age:
            row = _last_read[1]
        else:
            row = _read_version()
            _last_read = (now, row)
        version = None
        if row is not None:
            token, changed_at = row
            if isinstance(changed_at, str):  # SQLite returns text
                changed_at = parse_datetime(changed_at)
            if changed_at.tzinfo is None:
                changed_at = changed_at.replace(tzinfo=UTC)
            version = PageVersion(token, changed_at)
        request._page_version = version
    return request._page_version


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view as a public page: ETag/Last-Modified from the content version, 304 on a
    match, and (through ``PublicPageCacheMiddleware``) kept per process while it is current."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        version = page_version(request) if request.method in ("GET", "HEAD") else None
        response = view(request, *args, **kwargs)
        if version is None or response.status_code != 200:
            patch_cache_control(response, no_cache=True)
            return response
        response.public_page = True
        return version.stamp(request, response)

    wrapper.public_page = True
    return wrapper


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
    content version. Placed right after whitenoise: a hit skips sessions, CSRF, auth and the
    view; the headers the inner middleware set (CSP, X-Frame-Options, ...) are kept with the
    page, the outer ones (SecurityMiddleware: HSTS, SSL redirect) still run every time.

    Only pages that are the same for every visitor are kept: no cookie set, no session read
    (``Vary: Cookie``), no CSP nonce used."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.pages = caches["pages"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not self._is_public_page(request):
            return self.get_response(request)
        version = page_version(request)
        if version is None:
            return self.get_response(request)
        # Hashed: paths and query strings can be long and contain anything.
        key = hashlib.sha256(f"{version.etag}:{request.get_full_path()}".encode()).hexdigest()
        cached = self.pages.get(key)
        if cached is not None:
            content, headers, compressed = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return encoded(request, version.stamp(request, response), compressed)
        response = self.get_response(request)
        if self._cacheable(request, response):
            compressed = gzipped(response)
            self.pages.set(key, (response.content, list(response.items()), compressed))
            return encoded(request, response, compressed)
        return response

    @staticmethod
    def _is_public_page(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return getattr(match.func, "public_page", False)

    @staticmethod
    def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
        nonce = getattr(request, "_csp_nonce", None)
        vary = response.get("Vary", "").lower()
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in vary
            and not (nonce is not None and nonce._wrapped is not empty)
        )
