from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import KIND_GROUP_HEADING, MAX_PATH_LENGTH, Kind, StrategyElement
from .presentation import CARD_KINDS, child_groups
from .search import clean_query, find_by_code, search_with_context


def _navigation(root: StrategyElement) -> list[StrategyElement]:
    """The parts of the strategy (focus areas, cross-cutting themes) for the header menu."""
    return [child for child in root.get_children() if child.kind == Kind.SECTION]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The Norwegian 404 page, also in DEBUG, where Django would show its technical page."""
    root = StrategyElement.objects.current_document()
    navigation = []
    if root is not None:
        top = StrategyElement.objects.published().filter(tree_id=root.tree_id, level__lte=1)
        navigation = _navigation(top.linked()[root.pk])
    return render(
        request,
        "404.html",
        {"navigation": navigation, "request_path": request.path},
        status=404,
    )


def front_page(request: HttpRequest) -> HttpResponse:
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    nodes = (
        StrategyElement.objects.published()
        .filter(tree_id=root.tree_id, level__lte=2)
        .with_sources()
        .linked()
    )
    root = nodes[root.pk]
    return render(
        request,
        "strategy/front_page.html",
        {
            "root": root,
            "groups": child_groups(root),
            "navigation": _navigation(root),
            "sources": [s for node in nodes.values() for s in node.sources.all()],
        },
    )


def whole_strategy(request: HttpRequest) -> HttpResponse:
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    nodes = StrategyElement.objects.published().in_tree_of(root).with_sources().linked()
    root = nodes[root.pk]
    return render(
        request,
        "strategy/whole_strategy.html",
        {
            "root": root,
            "navigation": _navigation(root),
            "sources": [s for node in nodes.values() for s in node.sources.all()],
        },
    )


def element_detail(request: HttpRequest, element_path: str) -> HttpResponse:
    if len(element_path) > MAX_PATH_LENGTH:
        return not_found(request)
    element = StrategyElement.objects.published().filter(path=element_path).first()
    if element is None:
        return not_found(request)
    nodes = StrategyElement.objects.published().context_of(element).with_sources().linked()
    if element.pk not in nodes:  # an ancestor is a draft
        return not_found(request)
    element = nodes[element.pk]
    ancestors = element.cached_ancestors()
    root = ancestors[0] if ancestors else element
    if root.kind != Kind.DOCUMENT:
        return not_found(request)
    siblings = [
        sibling
        for sibling in (element.parent.get_children() if element.parent_id else [])
        if sibling.kind == element.kind
    ]
    heading = KIND_GROUP_HEADING.get(element.kind, element.get_kind_display())
    if element.parent is None:
        siblings_heading = ""
    elif element.parent.kind == Kind.DOCUMENT:
        siblings_heading = f"Overordnede {heading.lower()}"
    elif element.parent.kind == Kind.SECTION:
        siblings_heading = f"Alle {heading.lower()}"
    else:
        siblings_heading = f"{heading} i {element.parent.title}"
    # Cards (focus areas, themes) show no body text, so their footnotes belong on their own page.
    shown = [element, *(child for child in element.get_children() if child.kind not in CARD_KINDS)]
    return render(
        request,
        "strategy/element_detail.html",
        {
            "element": element,
            "ancestors": ancestors,
            "root": root,
            "groups": child_groups(element),
            "siblings": siblings,
            "siblings_heading": siblings_heading,
            "navigation": _navigation(root),
            "sources": [s for node in shown for s in node.sources.all()],
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Results page of the header's search box; a reference code goes straight to its element.
    Three queries (document, hits, the hits' ancestors with the navigation), one more first
    when the query could be a reference code."""
    cleaned = clean_query(request.GET.get("q", ""))
    notices = cleaned.messages
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    element = find_by_code(cleaned.text)
    if element is not None:
        return redirect(element.get_absolute_url())
    page = request.GET.get("side", "1")
    page = int(page) if page.isdecimal() and len(page) < 4 else 1
    results, root = search_with_context(cleaned.text, root, page)
    if not cleaned.text:
        notices.append("Skriv ett eller flere ord, eller en referansekode som «T-S2».")
    elif not results.searched:
        notices.append(
            "Søket inneholdt ingen ord å lete etter: bare tegn, småord som «og» og «i», eller "
            "ord som skal utelates. Skriv minst ett ord som skal finnes."
        )
    elif results.total == 0 and results.page > 1:
        notices.append("Det er ikke flere treff. Gå tilbake til første side.")
    elif results.total == 0:
        notices.append(
            "Ingen treff. Prøv et annet ord, færre ord, eller en referansekode som «T-S2»."
        )
    return render(
        request,
        "strategy/search.html",
        {
            "search_query": cleaned.text,
            "notices": notices,
            "results": results,
            "navigation": _navigation(root),
        },
    )
