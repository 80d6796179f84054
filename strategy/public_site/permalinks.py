"""Links that never break: the short permanent URL /r/<code>/, the edition-qualified
/r/<periode>/<code>/, old paths of renamed or moved elements (301 to the current page) and
deleted elements (410 Gone with a Norwegian page).

A link printed before editions existed (``/r/T-S2/``, a plain path) names an element of the
edition that answers unqualified links (2025–2028) for ever, whichever edition is in force."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from ..models import DeletedElement, Edition, EditionStatus, ElementPath, StrategyElement
from .page import not_found, page_context


def permalink(request: HttpRequest, code: str) -> HttpResponse:
    """/r/T-S2/ (any case) → 301 to the element of the unqualified links' edition."""
    edition = Edition.objects.filter(answers_unqualified_links=True).first()
    if edition is None:
        return not_found(request)
    return answer_for_code(request, edition, code)


def edition_permalink(request: HttpRequest, period: str, code: str) -> HttpResponse:
    """/r/2025-2028/T-S2/ → 301 to that edition's element, wherever it has moved."""
    edition = Edition.objects.filter(period=period).first()
    if edition is None or not edition.is_public:
        return not_found(request)
    return answer_for_code(request, edition, code)


def former_path(
    request: HttpRequest, element_path: str, edition: Edition | None = None
) -> HttpResponse:
    """A path no published element of ``edition`` has now (None: a plain URL, which the
    edition in force serves): an earlier path of an element of that edition answers for it;
    a plain path printed before editions existed answers for the unqualified links' edition."""
    candidates = [edition] if edition is not None else _plain_path_editions()
    for candidate in candidates:
        if not candidate.is_public:
            continue
        if edition is None and not candidate.is_in_force:
            element = (
                StrategyElement.objects.public()
                .filter(edition=candidate, path=element_path)
                .select_related("edition")
                .first()
            )
            if element is not None:
                return HttpResponsePermanentRedirect(element.get_absolute_url())
        code = (
            ElementPath.objects.filter(edition=candidate, path=element_path)
            .values_list("code", flat=True)
            .first()
        )
        if code is not None:
            # A path a draft edition recorded (a deleted draft copy) answers nothing public:
            # the next edition in line may still know it.
            answer = _answer(request, candidate, code, requested_path=element_path)
            if answer is not None:
                return answer
    return not_found(request)


def _plain_path_editions() -> list[Edition]:
    """Plain paths belong to the edition in force first, then to the unqualified links' one."""
    editions = Edition.objects.filter(status=EditionStatus.IN_FORCE) | Edition.objects.filter(
        answers_unqualified_links=True
    )
    return sorted(editions, key=lambda edition: not edition.is_in_force)


def answer_for_code(
    request: HttpRequest, edition: Edition, code: str, requested_path: str = ""
) -> HttpResponse:
    return _answer(request, edition, code, requested_path) or not_found(request)


def _answer(
    request: HttpRequest, edition: Edition, code: str, requested_path: str = ""
) -> HttpResponse | None:
    """301 to the element, 410 for a public element deleted, None for nothing public."""
    element = (
        StrategyElement.objects.filter(edition=edition, code=code)
        .only("pk", "path", "is_public", "edition")
        .first()
    )
    if element is not None:
        element.edition = edition
        # Not public (a draft, or under one): its links are plain 404s. Nor does a path
        # redirect to itself (the element there is not public, or the view would have shown it).
        url = element.get_absolute_url()
        if not element.is_public or url.strip("/") == requested_path:
            return None
        return HttpResponsePermanentRedirect(url)
    # A tombstone tells only what the public could once see: a deleted draft answers 404,
    # exactly as before it was deleted.
    tombstone = DeletedElement.objects.filter(edition=edition, code=code, was_public=True).first()
    if tombstone is None:
        return None
    return gone(request, tombstone)


def gone(request: HttpRequest, tombstone: DeletedElement) -> HttpResponse:
    return render(
        request,
        "strategy/gone.html",
        {"tombstone": tombstone, **page_context()},
        status=410,
    )
