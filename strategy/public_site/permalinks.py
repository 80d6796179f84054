"""Links that never break: the short permanent URL /r/<code>/, old paths of renamed or moved
elements (301 to the current page) and deleted elements (410 Gone with a Norwegian page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from ..models import DeletedElement, ElementPath, StrategyElement
from .page import not_found, page_context


def permalink(request: HttpRequest, code: str) -> HttpResponse:
    """/r/T-S2/ (any case) → 301 to the element's current page, wherever it has moved."""
    return answer_for_code(request, code)


def former_path(request: HttpRequest, element_path: str) -> HttpResponse:
    """A path no published element has now: an element's earlier path answers for it."""
    code = ElementPath.objects.filter(path=element_path).values_list("code", flat=True).first()
    if code is None:
        return not_found(request)
    return answer_for_code(request, code, requested_path=element_path)


def answer_for_code(request: HttpRequest, code: str, requested_path: str = "") -> HttpResponse:
    element = StrategyElement.objects.filter(code=code).only("pk", "path", "is_public").first()
    if element is not None:
        # Not public (a draft, or under one): its links are plain 404s. Nor does a path
        # redirect to itself (the element there is not public, or the view would have shown it).
        if not element.is_public or element.path == requested_path:
            return not_found(request)
        return HttpResponsePermanentRedirect(element.get_absolute_url())
    # A tombstone tells only what the public could once see: a deleted draft answers 404,
    # exactly as before it was deleted.
    tombstone = DeletedElement.objects.filter(code=code, was_public=True).first()
    if tombstone is None:
        return not_found(request)
    return gone(request, tombstone)


def gone(request: HttpRequest, tombstone: DeletedElement) -> HttpResponse:
    return render(
        request,
        "strategy/gone.html",
        {"tombstone": tombstone, **page_context()},
        status=410,
    )
