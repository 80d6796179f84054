"""What every public page shares around its own content: the header menu of the current
document (``templates/includes/header.html``), and the Norwegian 404 page.

One helper for that context, so every page asks for it the same way: a page that has the
document's tree linked in memory passes its root and pays nothing; a page without content of
its own (the error pages, /api/, the accessibility statement) passes nothing and pays two
queries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import StrategyElement
from .presentation import navigation


def page_context(root: StrategyElement | None = None) -> dict:
    """The context every public page shares; ``root``: the document, linked in memory."""
    return {"navigation": navigation(root) if root is not None else header_navigation()}


def header_navigation() -> list[StrategyElement]:
    """The header menu of a page that has no tree in memory, in two queries."""
    root = StrategyElement.objects.current_document()
    if root is None:
        return []
    top = StrategyElement.objects.public().filter(tree_id=root.tree_id, level__lte=1)
    return navigation(top.linked()[root.pk])


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The Norwegian 404 page, also in DEBUG, where Django would show its technical page."""
    return render(
        request,
        "404.html",
        {**page_context(), "request_path": request.path},
        status=404,
    )
