"""Conditional GET and a per-process cache of rendered public pages.

Every public page depends only on the published content and on the code that renders it. The
content has one version (``ContentVersion``, read in one query); the code has a fingerprint of
its templates, static files and Python modules, computed once per process (the same in every
gunicorn worker, new with every deploy). Together they give the ETag, so that:

- a browser or proxy revalidating a page it has gets a 304 for the price of that one query;
- a worker that has rendered the page for this version already sends it from memory.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
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


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only a plain 200 that is the same for every visitor: no cookie set, no session or CSRF
    token looked at (those middlewares act after the view, so ask the request)."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "Vary" not in response
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ETag/Last-Modified from the content version, 304 on a match, and the rendered page
    kept per process until the content or the code changes. Editors may change a page at any
    moment, so caches must revalidate every time (``max-age=0, must-revalidate``)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        version = ContentVersion.current() if request.method in ("GET", "HEAD") else None
        if version is None:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, no_cache=True)
            return response
        code_hash, code_changed_at = code_fingerprint()
        etag = quote_etag(f"{version.token[:16]}-{code_hash}")
        last_modified = max(version.changed_at, code_changed_at).timestamp()
        pages = caches["pages"]
        key = f"{etag}:{request.get_full_path()}"
        cached = pages.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if not _cacheable(request, response):
                return response
            pages.set(key, (response.content, response["Content-Type"]))
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return get_conditional_response(
            request, etag=etag, last_modified=int(last_modified), response=response
        )

    return wrapper
