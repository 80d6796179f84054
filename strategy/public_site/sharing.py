"""An element outside the portal: the small card a municipality frames on its own web site
(/r/<periode>/<kode>/kort/), the oEmbed provider that gives a CMS that card from a page's URL,
and the reference files for Zotero and other reference managers
(/r/<periode>/<kode>/referanse.ris|bib|json). The addresses without an edition
(/r/<kode>/kort/, …), printed before editions existed, name the element of the edition that
answers unqualified links, as /r/<kode>/ does.

Only the card may be framed by other sites: its answers relax ``frame-ancestors`` and drop
``X-Frame-Options``; every other page keeps ``frame-ancestors 'none'`` and ``DENY``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from ..infrastructure.caching import public_page
from ..models import MAX_PATH_LENGTH, EditionStatus, ElementPath, StrategyElement
from . import citation
from .opendata import JSON_OPTIONS, Urls, api_view
from .page import not_found

# Framable by any web site (the card is public and the same for everyone); nothing else of the
# strict policy changes: no inline script or style, nothing loaded from elsewhere.
CARD_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}

# The iframe's size when the embedding site asks for nothing smaller (oEmbed maxwidth and
# maxheight); the card itself is fluid and scrolls inside a smaller frame.
CARD_WIDTH = 480
CARD_HEIGHT = 280
MAX_DIMENSION = 10_000
# How long an oEmbed consumer may keep an answer before asking again (seconds).
OEMBED_CACHE_AGE = 3600


def public_element(**lookup: Any) -> StrategyElement | None:
    """The element that the public may see (published, no draft above it) matching the lookup
    (``code=…`` or ``path=…``), with its ancestors linked in memory: two queries. Codes and
    paths repeat across editions: the edition in force's, unless the lookup names one."""
    elements = StrategyElement.objects.public()
    if not any(name.startswith("edition") for name in lookup):
        elements = elements.in_force()
    element = elements.filter(**lookup).first()
    if element is None:
        return None
    return element.get_ancestors(include_self=True).linked()[element.pk]


def cited_element(code: str, period: str | None = None) -> StrategyElement | None:
    """The public element a /r/… address names: of the edition it names, or for one without
    an edition (printed before editions existed) of the edition that answers such links
    (``permalinks.permalink``'s rule), whichever edition is in force now."""
    if period is None:
        return public_element(edition__answers_unqualified_links=True, code=code)
    return public_element(edition__period=period, code=code)


def card_title(element: StrategyElement) -> str:
    """The iframe's accessible name on the embedding page. A part of the strategy reads as
    its own name («Innsatsområdene (IO)»), never «Del IO»."""
    if element.kind_facts.named_by_title:
        return f"{element.display_title} ({element.code})"
    return f"{element.get_kind_display()} {element.code}: {element.display_title}"


def embed_code(
    card_url: str, title: str, width: int = CARD_WIDTH, height: int = CARD_HEIGHT
) -> str:
    """The ``<iframe>`` a web editor pastes into a page, and oEmbed's ``html``: a title for
    screen readers, lazy loading, and no border. The embedding page's CSP allows or not the
    style attribute; the frame works either way."""
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        card_url,
        width,
        height,
        title,
    )


@xframe_options_exempt
@csp_override(CARD_CSP)
@require_safe
@public_page
def card(request: HttpRequest, code: str, period: str | None = None) -> HttpResponse:
    """The element as a small card for an iframe: kind and code, title, a short excerpt, the
    strategy it belongs to, «Osloregionen IPR» and a link to the full page. Three queries. An
    unknown code or a draft answers 404 with a card saying so, which frames as well."""
    element = cited_element(code, period)
    if element is None:
        return render(request, "strategy/card.html", {"missing_code": code}, status=404)
    urls = Urls()
    ancestors = element.cached_ancestors()
    return render(
        request,
        "strategy/card.html",
        {
            "element": element,
            "root": ancestors[0] if ancestors else element,
            "context_trail": [ancestor.display_title for ancestor in ancestors[1:]],
            "excerpt": " ".join(citation.plain_lines(element.body)),
            "page_url": urls.page(element),
            "canonical_url": urls.page(element),
        },
    )


def _oembed_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"feil": message}, status=status, json_dumps_params=JSON_OPTIONS)


def _dimension(request: HttpRequest, name: str, default: int) -> int | str:
    """The requested maximum, or a Norwegian message when it is not a positive whole number."""
    value = request.GET.get(name, "")
    if not value:
        return default
    if not value.isdecimal() or len(value) > 6 or not 0 < int(value) <= MAX_DIMENSION:
        return f"«{name}» må være et helt antall piksler mellom 1 og {MAX_DIMENSION}."
    return min(default, int(value))


def element_for_url(url: str, origin: str) -> StrategyElement | None:
    """The public element that one of the portal's URLs shows: its page, its permanent link,
    an earlier path of it, its card, or the front page (the document). None for anything else,
    a draft, or another site's URL."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
    except ValueError:  # e.g. "http://[" (an unclosed IPv6 address)
        return None
    if parts.scheme not in ("http", "https") or netloc != urlsplit(origin).netloc:
        return None
    if len(parts.path) > MAX_PATH_LENGTH:
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.url_name in ("permalink", "card", "edition-permalink", "edition-card"):
        return cited_element(match.kwargs["code"], match.kwargs.get("period"))
    if match.url_name == "front-page":
        document = StrategyElement.objects.current_document()
        return public_element(pk=document.pk) if document is not None else None
    if match.url_name == "edition-front-page":
        return public_element(edition__period=match.kwargs["period"], parent=None)
    if match.url_name == "edition-element":
        return public_element(
            edition__period=match.kwargs["period"], path=match.kwargs["element_path"]
        )
    if match.url_name == "element":
        path = match.kwargs["element_path"]
        element = public_element(path=path)
        if element is None:  # renamed or moved: the path it had still names it
            code = (
                ElementPath.objects.filter(edition__status=EditionStatus.IN_FORCE, path=path)
                .values_list("code", flat=True)
                .first()
            )
            element = public_element(code=code) if code else None
        return element
    return None


@api_view
@public_page(query=("url", "format", "maxwidth", "maxheight"))
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed 1.0 provider (https://oembed.com/): ``/oembed?url=<side>&format=json`` gives a
    ``rich`` answer whose ``html`` is the card's iframe, within ``maxwidth``/``maxheight``.
    As the specification says: 404 for a URL with no public element (drafts included), 501
    for a format other than JSON. Missing or malformed parameters: 400 with a Norwegian
    message. At most five queries (content version, path, earlier path, element, ancestors)."""
    requested_format = request.GET.get("format", "json")
    if requested_format != "json":
        return _oembed_error("Bare format=json støttes.", status=501)
    url = request.GET.get("url", "")
    if not url:
        return _oembed_error("Mangler «url»: adressen til en side i strategien.", status=400)
    width = _dimension(request, "maxwidth", CARD_WIDTH)
    height = _dimension(request, "maxheight", CARD_HEIGHT)
    for problem in (width, height):
        if isinstance(problem, str):
            return _oembed_error(problem, status=400)
    urls = Urls()
    element = element_for_url(url, urls.origin)
    if element is None:
        return _oembed_error("Fant ingen publisert side i strategien med den adressen.", 404)
    data = {
        "version": "1.0",
        "type": "rich",
        "title": card_title(element),
        "author_name": settings.PORTAL["OWNER"],
        "author_url": settings.PORTAL["OWNER_URL"],
        "provider_name": settings.PORTAL["OWNER"],
        "provider_url": urls.absolute(reverse("strategy:front-page")),
        "html": embed_code(urls.card(element), card_title(element), width, height),
        "width": width,
        "height": height,
        "cache_age": OEMBED_CACHE_AGE,
    }
    return JsonResponse(data, json_dumps_params=JSON_OPTIONS)


def oembed_url(urls: Urls, page_url: str) -> str:
    """The discovery link's target for a page (``<link rel="alternate" …+oembed">``)."""
    query = urlencode({"url": page_url, "format": "json"})
    return f"{urls.absolute(reverse('strategy:oembed'))}?{query}"


def reference_for(request: HttpRequest, element: StrategyElement) -> citation.Reference:
    urls = Urls()
    return citation.Reference.of(
        element, element.cached_ancestors(), urls.permalink(element), urls.page(element)
    )


# format → (content type, file suffix, writer)
REFERENCE_FORMATS = {
    "ris": ("application/x-research-info-systems", "ris", citation.ris),
    "bibtex": ("application/x-bibtex", "bib", citation.bibtex),
    "csl": (
        "application/vnd.citationstyles.csl+json",
        "json",
        lambda reference: json.dumps(citation.csl_json(reference), ensure_ascii=False, indent=2),
    ),
}


@require_safe
@public_page
def reference_file(
    request: HttpRequest, code: str, reference_format: str, period: str | None = None
) -> HttpResponse:
    """«Last ned referanse»: the element as a RIS, BibTeX or CSL-JSON file. Three queries."""
    element = cited_element(code, period)
    if element is None:
        return not_found(request)
    content_type, suffix, write = REFERENCE_FORMATS[reference_format]
    reference = reference_for(request, element)
    response = HttpResponse(write(reference), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{reference.key}.{suffix}"'
    return response
