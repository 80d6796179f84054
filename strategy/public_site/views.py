from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from ..infrastructure.caching import content_version, public_page
from ..infrastructure.origin import absolute_url
from ..models import MAX_PATH_LENGTH, Edition, Kind, StrategyElement
from ..search.engine import (
    Results,
    clean_query,
    find_by_code,
    search_page,
    suggest,
    title_suggestions,
)
from . import citation, edition_pages, permalinks, strategy_map
from .page import not_found, page_context
from .presentation import (
    TocEntry,
    child_groups,
    document_contents,
    edition,
    element_contents,
    neighbours,
    same_kind_siblings,
    siblings_heading,
)


def edition_context(request: HttpRequest, root: StrategyElement) -> dict:
    """The document's title and edition, for the running head of a printout."""
    version = content_version(request)
    return {
        "edition": edition(version[1]) if version is not None else "",
        "document_title": root.title,
    }


@public_page
def front_page(request: HttpRequest) -> HttpResponse:
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    return render_front_page(request, root)


def render_front_page(request: HttpRequest, root: StrategyElement) -> HttpResponse:
    """The front page of a document (the edition in force's, or another edition's)."""
    nodes = strategy_map.map_elements(root).with_sources().linked()
    root = nodes[root.pk]
    # Only the texts the front page shows carry footnote markers: the parts appear as cards.
    shown = [root, *(child for child in root.get_children() if child.kind != Kind.SECTION)]
    return render(
        request,
        "strategy/front_page.html",
        {
            "root": root,
            "groups": child_groups(root),
            **page_context(root),
            "strategy_map": strategy_map.build_map(root),
            "sources": [s for node in shown for s in node.sources.all()],
        },
    )


@public_page(query=(edition_pages.DAY_PARAMETER,))
def whole_strategy(request: HttpRequest) -> HttpResponse:
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    return render_whole_strategy(request, root)


def render_whole_strategy(request: HttpRequest, root: StrategyElement) -> HttpResponse:
    """«Hele strategien» of the document's edition: today's text, or with ``?dato=`` the text
    as it stood at the end of that day (issue 13)."""
    try:
        day = edition_pages.requested_day(request.GET.get(edition_pages.DAY_PARAMETER))
    except edition_pages.BadDay as error:
        return render(
            request,
            "404.html",
            {"navigation": [], "request_path": request.path, "dated_message": str(error)},
            status=404,
        )
    if day is None:
        nodes = StrategyElement.objects.public().in_tree_of(root).with_sources().linked()
    else:
        nodes = edition_pages.tree_as_of(root.edition, day)
    document = nodes.get(root.pk)
    if document is None:
        return render(
            request,
            "404.html",
            {
                "navigation": [],
                "request_path": request.path,
                "dated_message": f"Strategien var ikke publisert {citation.norwegian_date(day)}."
                if day
                else "",
            },
            status=404,
        )
    return render(
        request,
        "strategy/whole_strategy.html",
        {
            "root": document,
            **page_context(document),
            "contents": document_contents(document),
            # Today's text: a page of another day offers no PDF of today's.
            "pdf_url": root.edition.url_for("strategy-pdf") if day is None else "",
            "sources": [s for node in nodes.values() for s in node.sources.all()],
            "dated_day": day,
            **edition_context(request, document),
        },
    )


@public_page(shows_today=True)  # the citation's «Hentet <dato>»
def element_detail(request: HttpRequest, element_path: str) -> HttpResponse:
    if len(element_path) > MAX_PATH_LENGTH:
        return not_found(request)
    element = StrategyElement.objects.public().in_force().filter(path=element_path).first()
    if element is None:
        # Renamed, moved or deleted: its old path still answers (301 or 410).
        return permalinks.former_path(request, element_path)
    nodes = StrategyElement.objects.public().context_of(element).with_sources().linked()
    if element.pk not in nodes:  # unpublished or moved between the two queries
        return not_found(request)
    return render_element_page(request, nodes[element.pk])


def render_element_page(
    request: HttpRequest,
    element: StrategyElement,
    template_name: str = "strategy/element_detail.html",
    extra_context: dict | None = None,
) -> HttpResponse:
    """An element's page from a tree already linked in memory (the editors' preview uses it
    too, so that it shows exactly what the public would see)."""
    ancestors = element.cached_ancestors()
    root = ancestors[0] if ancestors else element
    if root.kind != Kind.DOCUMENT:
        return not_found(request)
    siblings = same_kind_siblings(element)
    previous, following = neighbours(element, siblings)
    groups = child_groups(element)
    contents, extra_contents = [], []
    # A chapter's page gets an in-page table of contents beside the text on wide screens.
    if element.kind_facts.is_chapter:
        contents = element_contents(element, groups)
        extra_contents = [TocEntry("sitat-tittel", "Sitér / Del lenke")]
        if len(siblings) > 1:
            extra_contents.append(TocEntry("sosken-tittel", siblings_heading(element)))
    # Cards (focus areas, themes) show no body text, so their footnotes belong on their own page.
    shown = [element, *(child for child in element.get_children() if not child.kind_facts.is_cards)]
    day = citation.today()
    edition_permalink = element.get_edition_permalink()
    dated_link = reverse(
        "strategy:dated-element",
        kwargs={"period": element.edition.period, "code": element.code, "day": day},
    )
    return render(
        request,
        template_name,
        {
            "element": element,
            "ancestors": ancestors,
            "root": root,
            "groups": groups,
            "siblings": siblings,
            "siblings_heading": siblings_heading(element),
            "previous": previous,
            "next": following,
            "contents": contents,
            "extra_contents": extra_contents,
            **page_context(root),
            "sources": [s for node in shown for s in node.sources.all()],
            "citation": citation.citation_text(
                element,
                ancestors,
                absolute_url(edition_permalink),
                day,
                dated_url=absolute_url(dated_link),
                excerpt=element.kind_facts.is_container,
            ),
            **edition_context(request, root),
            **edition_pages.element_context(element),
            **(extra_context or {}),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Results page of the header's search box; a reference code goes straight to its element.
    One query (the document, the hits, the filters and their counts, and the hits' context: see
    ``search_page``), one more first when the query could be a reference code, and one more
    after it for "Mente du …?" when it found few elements."""
    cleaned = clean_query(request.GET.get("q", ""))
    notices = cleaned.messages
    # The edition in force by default; ``?utgave=`` chooses another public one (+1 query).
    edition, unknown_edition = searched_edition(request.GET.get("utgave", ""))
    if unknown_edition:
        notices.append(unknown_edition)
    element = find_by_code(cleaned.text, edition)
    if element is not None:
        return redirect(element.get_absolute_url())
    page = request.GET.get("side", "1")
    page = int(page) if page.isdecimal() and len(page) < 4 else 1
    area = clean_query(request.GET.get("omrade", "")).text[:20]
    kind = clean_query(request.GET.get("type", "")).text[:20]
    results, root = search_page(cleaned.text, page, area=area, kind=kind, edition=edition)
    period = edition.period if edition else ""
    if root is None:
        return not_found(request)
    notices += results.unknown_filters
    if not cleaned.text:
        notices.append("Skriv ett eller flere ord, eller en referansekode som «T-S2».")
    elif not results.searched:
        notices.append(
            "Søket inneholdt ingen ord å lete etter: bare tegn, småord som «og» og «i», eller "
            "ord som skal utelates. Skriv minst ett ord som skal finnes."
        )
    elif not results.hits and results.page > 1:
        notices.append("Det er ikke flere treff. Gå tilbake til første side.")
    elif results.total == 0 and results.filtered:
        notices.append("Ingen treff med disse filtrene. Velg «Alle» for å se alle treffene.")
    elif results.total == 0:
        notices.append(
            "Ingen treff. Prøv et annet ord, færre ord, eller en referansekode som «T-S2»."
        )
    suggestion = (
        suggest(cleaned.text, results.synonym_keys) if results.few and results.page == 1 else None
    )
    return render(
        request,
        "strategy/search.html",
        {
            "search_query": cleaned.text,
            "notices": notices,
            "results": results,
            "filters": search_filters(cleaned.text, results, period),
            "suggestion": suggestion,
            "suggestion_url": search_url(suggestion.text, period=period) if suggestion else "",
            "page_urls": {
                "prev": search_url(
                    cleaned.text, results.area, results.kind, results.page - 1, period
                ),
                "next": search_url(
                    cleaned.text, results.area, results.kind, results.page + 1, period
                ),
            },
            "search_edition": edition,
            **page_context(root),
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools ask for /favicon.ico whatever the page links to: send them to the
    icon among the static files (its hashed, forever-cached address in production)."""
    return redirect(static("icons/favicon.ico"))


def searched_edition(period: str) -> tuple[Edition | None, str]:
    """The public edition ``?utgave=`` names (None: the edition in force, no query), or a
    notice that there is none by that name."""
    if not period:
        return None, ""
    edition = Edition.objects.filter(period=period[:9]).first()
    if edition is None or not edition.is_public:
        return None, f"Utgaven «{period[:20]}» finnes ikke; søker i gjeldende utgave."
    return (None if edition.is_in_force else edition), ""


def search_url(text: str, area: str = "", kind: str = "", page: int = 1, period: str = "") -> str:
    """The results page's address for a search, its filters, page and edition."""
    params = {
        "q": text,
        "omrade": area,
        "type": kind,
        "side": page if page > 1 else "",
        "utgave": period,
    }
    return f"{reverse('strategy:search')}?{urlencode({k: v for k, v in params.items() if v})}"


def search_filters(text: str, results: Results, period: str = "") -> list[dict]:
    """The two groups of filter links, each with «Alle» first: links, so they work without
    JavaScript, and each keeps the other filter."""
    if not results.searched or not results.unfiltered_total:
        return []
    # «Alle» of a group counts what the other group's filter leaves.
    area_total = sum(facet.count for facet in results.kinds)
    groups = [
        {
            "heading": "Innsatsområde eller tema",
            "all": {
                "label": "Alle",
                "url": search_url(text, "", results.kind, period=period),
                "count": None if results.area else results.total,
                "selected": not results.area,
            },
            "items": [
                {
                    "label": facet.label,
                    "count": facet.count,
                    "selected": facet.selected,
                    "url": search_url(text, facet.value, results.kind, period=period),
                }
                for facet in results.areas
            ],
        },
        {
            "heading": "Type",
            "all": {
                "label": "Alle",
                "url": search_url(text, results.area, "", period=period),
                "count": area_total,
                "selected": not results.kind,
            },
            "items": [
                {
                    "label": facet.label,
                    "count": facet.count,
                    "selected": facet.selected,
                    "url": search_url(text, results.area, facet.value, period=period),
                }
                for facet in results.kinds
            ],
        },
    ]
    return [group for group in groups if group["items"]]


@public_page(query=("q",))
def search_suggestions(request: HttpRequest) -> JsonResponse:
    """Titles and codes for the search box as you type (JSON, one query; kept per content
    version like every public page)."""
    return JsonResponse(
        {
            "forslag": [
                {
                    "kode": item.code,
                    "tittel": item.title,
                    "type": item.kind,
                    "adresse": item.url,
                }
                for item in title_suggestions(request.GET.get("q", ""))
            ]
        }
    )
