"""«Last ned PDF»: the whole strategy and each focus area as a tagged PDF (PDF/UA-1) made by
WeasyPrint - bookmarks from the headings, metadata, clickable permanent links, and the
edition and the date it was made on every page.

A PDF is made once per content version and kept in a file cache shared by every worker
(``PDF_CACHE_DIR``): the first request after an edit makes it (a file lock lets one worker
do so while the others wait for the file), every later one reads the file, and the page cache
(``public_page``) keeps it in each worker's memory as well. The page is laid out by WeasyPrint
in a thread of its own: a request waits for it at most ``PDF_WAIT_SECONDS`` and then answers
503 with ``Retry-After`` while the making goes on, so that a PDF of a large strategy (15 s at
2,000 elements) never runs into gunicorn's timeout. HTML pages never touch this module, so a
PDF costs them nothing."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control

from ..infrastructure.caching import PageVersion, content_version, public_page
from ..models import Edition, Kind, StrategyElement
from ..slugs import norwegian_slugify
from .citation import norwegian_date
from .opendata import Urls
from .page import not_found, page_context
from .presentation import child_groups, document_contents, edition, element_contents

# PDF/UA-1 (ISO 14289-1): tagged, with a title, a language and embedded fonts.
PDF_VARIANT = "pdf/ua-1"
# The kinds that have a PDF of their own, besides the whole strategy.
PDF_KINDS = tuple(kind for kind in Kind if kind.is_chapter)
WHOLE_STRATEGY = "strategien"


# WeasyPrint's layouts, off the request threads (see above); threads start when first asked.
LAYOUTS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf-layout")


def cached_pdf(name: str, version_key: str, html_of: Callable[[], tuple[str, str]]) -> bytes | None:
    """The PDF ``name`` for one content version: read from the cache, or laid out from
    ``html_of()`` once and kept; older versions of the same PDF are removed when a new one is
    written. None when it is still being made after ``PDF_WAIT_SECONDS``."""
    directory = Path(settings.PDF_CACHE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(version_key.encode()).hexdigest()[:20]
    path = directory / f"{name}-{digest}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    # The HTML in this thread (it reads the database); the layout, which reads nothing but
    # the HTML, in its own.
    html, base_url = html_of()
    layout = LAYOUTS.submit(_make, path, name, html, base_url)
    try:
        layout.result(timeout=settings.PDF_WAIT_SECONDS)  # a failed layout raises here
    except TimeoutError:
        return None
    return path.read_bytes()


def _make(path: Path, name: str, html: str, base_url: str) -> None:
    with open(path.with_name(f"{name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return  # another request (or worker) made it while this one waited
        content = write_pdf(html, base_url)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(content)
        os.replace(partial, path)  # atomic: a reader never sees half a file
        for old in path.parent.glob(f"{name}-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)


def write_pdf(html: str, base_url: str) -> bytes:
    """The tagged PDF of the HTML ``pdf_html`` wrote (WeasyPrint's layout: the slow part)."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find("css/pdf.css"))
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT, pdf_tags=True
    )


def pdf_html(
    request: HttpRequest,
    element: StrategyElement,
    sources: list,
    changed_at,
) -> tuple[str, str]:
    """The HTML of the PDF of the document or of one element, from its tree linked in
    memory, and the address its relative links are read against."""
    ancestors = element.cached_ancestors()
    root = ancestors[0] if ancestors else element
    urls = Urls()
    made = timezone.localtime()
    whole = element.pk == root.pk
    context = {
        "request": request,
        "root": root,
        "element": element,
        "whole": whole,
        "title": root.title if whole else f"{element.title} – {root.title}",
        "owner": settings.PORTAL["OWNER"],
        "edition": edition(changed_at),
        "made": made,
        "made_text": norwegian_date(made.date()),
        "changed_at": changed_at,
        "permanent_url": urls.permalink(element),
        "page_url": urls.page(element),
        "contents": (
            document_contents(root) if whole else element_contents(element, child_groups(element))
        ),
        "sources": sources,
    }
    return render_to_string("strategy/pdf/document.html", context), urls.page(root)


def _serve(request: HttpRequest, name: str, element: StrategyElement, nodes_query) -> bytes | None:
    """The PDF's bytes, or None while it is being made (``cached_pdf``)."""
    row = content_version(request)
    version = PageVersion(*row) if row is not None else None

    def html_of() -> tuple[str, str]:
        nodes = nodes_query.with_sources().linked()
        node = nodes[element.pk]
        subtree = [n for n in nodes.values() if node.lft <= n.lft and n.rght <= node.rght]
        return pdf_html(
            request,
            node,
            [source for shown in subtree for source in shown.sources.all()],
            version.changed_at if version is not None else timezone.now(),
        )

    if version is None:  # no content version yet: nothing to key a cache on
        return write_pdf(*html_of())
    return cached_pdf(name, version.etag, html_of)


# Seconds a browser is asked to wait before it asks again for a PDF still being made.
RETRY_AFTER = 10


def _pdf_response(request: HttpRequest, content: bytes | None, filename: str) -> HttpResponse:
    if content is None:
        response = render(
            request,
            "strategy/pdf/pending.html",
            {"retry_after": RETRY_AFTER, **page_context()},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER)
        patch_cache_control(response, no_store=True)
        return response
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cache_name(name: str, edition: Edition) -> str:
    """Each edition's PDFs are kept apart («strategien-2025-2028»): a new one of one edition
    never replaces another edition's."""
    return f"{name}-{edition.period}"


def _filename(stem: str, edition: Edition) -> str:
    """The edition in force's files keep their names; another edition's name its period
    (the document's title already does)."""
    if edition.is_in_force or edition.period in stem:
        return f"{stem}.pdf"
    return f"{stem}-{edition.period}.pdf"


@public_page
def strategy_pdf(request: HttpRequest, period: str | None = None) -> HttpResponse:
    """The whole strategy as PDF: the edition in force's, or under /utgaver/<periode>/ that
    edition's."""
    root = StrategyElement.objects.document_of(period)
    if root is None:
        return not_found(request)
    query = StrategyElement.objects.public().in_tree_of(root)
    content = _serve(request, _cache_name(WHOLE_STRATEGY, root.edition), root, query)
    filename = _filename(norwegian_slugify(root.title) or WHOLE_STRATEGY, root.edition)
    return _pdf_response(request, content, filename)


@public_page
def element_pdf(request: HttpRequest, code: str, period: str | None = None) -> HttpResponse:
    """One focus area as PDF (of the edition in force, or under /utgaver/<periode>/ of that
    edition); any other code is a 404."""
    tree = StrategyElement.objects.documents_of(period).values("tree_id")[:1]
    element = (
        StrategyElement.objects.public()
        .filter(code=code, kind__in=PDF_KINDS, tree_id=Subquery(tree))
        .select_related("edition")
        .first()
    )
    if element is None:
        return not_found(request)
    # The element's subtree and its ancestors (for the title and the links).
    query = StrategyElement.objects.public().filter(
        Q(lft__gte=element.lft, rght__lte=element.rght)
        | Q(lft__lt=element.lft, rght__gt=element.rght),
        tree_id=element.tree_id,
    )
    content = _serve(request, _cache_name(element.code, element.edition), element, query)
    return _pdf_response(request, content, _filename(element.slug, element.edition))
