"""Public pages of the editions: the list (/utgaver/), each edition's front page, whole strategy
and element pages under /utgaver/<periode>/, and the dated view of an element
(/r/<periode>/<code>/<YYYY-MM-DD>/) with its word-level changes."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed

from ..infrastructure.caching import public_page
from ..models import MAX_PATH_LENGTH, DeletedElement, Edition, StrategyElement
from . import citation, edition_pages, permalinks, views
from .opendata import Urls
from .page import not_found, page_context


def _public_edition(period: str) -> Edition | None:
    edition = Edition.objects.filter(period=period).first()
    return edition if edition is not None and edition.is_public else None


def _visible_edition(request: HttpRequest, period: str) -> Edition | None:
    """The edition a dated view may show this visitor: a public one to anyone, a draft
    (utkast) only to the editors, who prepare it."""
    edition = Edition.objects.filter(period=period).first()
    if edition is None:
        return None
    if edition.is_public or request.user.has_perm("strategy.view_edition"):
        return edition
    return None


def _editors_only(response: HttpResponse, edition: Edition) -> HttpResponse:
    """A draft edition's page is the editors': never cached or indexed."""
    if not edition.is_public:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def edition_list(request: HttpRequest) -> HttpResponse:
    """Every public edition with its period, status and dates, newest first. Two queries."""
    editions = list(
        Edition.objects.public().select_related("replaced_by", "copied_from").order_by("-period")
    )
    return render(
        request,
        "strategy/editions/list.html",
        {"editions": editions, **page_context()},
    )


@public_page
def edition_front_page(request: HttpRequest, period: str) -> HttpResponse:
    root = StrategyElement.objects.document_of(period)
    if root is None:
        return not_found(request)
    return views.render_front_page(request, root)


@public_page(query=(edition_pages.DAY_PARAMETER,))
def edition_whole_strategy(request: HttpRequest, period: str) -> HttpResponse:
    root = StrategyElement.objects.document_of(period)
    if root is None:
        return not_found(request)
    return views.render_whole_strategy(request, root)


@public_page(shows_today=True)
def edition_element(request: HttpRequest, period: str, element_path: str) -> HttpResponse:
    edition = _public_edition(period)
    if edition is None or len(element_path) > MAX_PATH_LENGTH:
        return not_found(request)
    element = StrategyElement.objects.public().filter(edition=edition, path=element_path).first()
    if element is None:
        return permalinks.former_path(request, element_path, edition)
    nodes = StrategyElement.objects.public().context_of(element).with_sources().linked()
    if element.pk not in nodes:
        return not_found(request)
    return views.render_element_page(request, nodes[element.pk])


def dated_element(request: HttpRequest, period: str, code: str, day: datetime.date) -> HttpResponse:
    """/r/2025-2028/T-S2/2026-03-01/: the element as it stood at the end of that day (Oslo).
    Before it existed (or was public): 404 saying so; after its deletion: 410."""
    edition = _visible_edition(request, period)
    if edition is None:
        return not_found(request)
    element = (
        StrategyElement.objects.filter(edition=edition, code=code).select_related("edition").first()
    )
    # In a draft edition nothing is public; its editors see what is published in it.
    shown = element is not None and (element.is_public or not edition.is_public)
    if element is not None and not shown:
        return not_found(request)
    if day > edition_pages.today():
        return _dated_not_found(request, code, day, "Datoen har ikke vært ennå.")
    element_id = element.pk if element is not None else _deleted_element_id(edition, code)
    if element_id is None:
        return not_found(request)
    versions = edition_pages.versions_of(element_id, edition, element)
    answer = edition_pages.as_of(versions, day)
    if answer.status == 404:
        return _dated_not_found(
            request,
            code,
            day,
            f"Elementet {code} fantes ikke i offentlig versjon {citation.norwegian_date(day)}.",
        )
    if answer.status == 410:
        tombstone = DeletedElement.objects.filter(edition=edition, code=code).first()
        if tombstone is None:
            return not_found(request)
        return permalinks.gone(request, tombstone)
    version = answer.version
    changes = edition_pages.public_changes(versions)
    response = render(
        request,
        "strategy/editions/dated_element.html",
        {
            "strategy_edition": edition,
            "element": element,
            "code": code,
            "day": day,
            "day_label": citation.norwegian_date(day),
            "version": version,
            "changed_since": answer.changed_since,
            "changes": changes,
            **page_context(),
        },
    )
    return _editors_only(response, edition)


def _deleted_element_id(edition: Edition, code: str) -> int | None:
    """The id a deleted element had, from its history (its tombstone keeps only the code)."""
    return (
        StrategyElement.history.filter(edition_id=edition.pk, code=code, history_type="-")
        .order_by("-history_date")
        .values_list("id", flat=True)
        .first()
    )


def _dated_not_found(
    request: HttpRequest, code: str, day: datetime.date, message: str
) -> HttpResponse:
    return render(
        request,
        "404.html",
        {
            **page_context(),
            "request_path": request.path,
            "dated_message": message,
        },
        status=404,
    )


def element_change(request: HttpRequest, period: str, code: str, version_id: int) -> HttpResponse:
    """/r/2025-2028/T-S2/endringer/<nr>/: the word-level difference a published change made."""
    edition = _public_edition(period)
    if edition is None:
        return not_found(request)
    element = StrategyElement.objects.public().filter(edition=edition, code=code).first()
    if element is None:
        return not_found(request)
    element.edition = edition
    pairs = edition_pages.public_changes(edition_pages.versions_of(element.pk, edition, element))
    pair = next((pair for pair in pairs if pair[0].history_id == version_id), None)
    if pair is None:
        return not_found(request)
    new, old = pair
    return render(
        request,
        "strategy/editions/change.html",
        {
            "strategy_edition": edition,
            "element": element,
            "new": new,
            "old": old,
            "title_diff": edition_pages.word_diff(old.title, new.title),
            "body_diff": edition_pages.word_diff(old.body, new.body),
            "day": new.date.astimezone(edition_pages.oslo()).date(),
            **page_context(),
        },
    )


def compare_editions(request: HttpRequest, period: str, other: str) -> HttpResponse:
    """/utgaver/2025-2028/sammenlign/2029-2032/: the later edition element by element, matched
    to the earlier through the copies' predecessor links: unchanged, changed (word-level
    difference), new, not continued. Two queries for the elements, whatever their number. A
    draft edition (utkast) is compared for its editors only, who prepare it with this page:
    what is published in it, as the public would see it once it is sent on consultation."""
    earlier, later = _visible_edition(request, period), _visible_edition(request, other)
    if earlier is None or later is None or earlier.pk == later.pk:
        return not_found(request)
    old = edition_pages.shown_elements(earlier)
    new = edition_pages.shown_elements(later)
    comparison = edition_pages.compare(old, new)
    response = render(
        request,
        "strategy/editions/compare.html",
        {
            "earlier": earlier,
            "later": later,
            "comparison": comparison,
            **page_context(),
        },
    )
    for edition in (earlier, later):
        response = _editors_only(response, edition)
    return response


# How many changes the change log and its feed list (the newest).
CHANGE_LOG_LENGTH = 100
FEED_LENGTH = 50


@public_page
def change_log(request: HttpRequest) -> HttpResponse:
    """/endringer/: every published change of the words in the edition in force, newest
    first, with its note and links to the text as it stood and to the difference. A fixed
    number of queries, whatever the size of the tree and its history."""
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    return render(
        request,
        "strategy/editions/change_log.html",
        {
            "strategy_edition": root.edition,
            "root": root,
            "changes": edition_pages.recent_changes(root.edition, CHANGE_LOG_LENGTH),
            "length": CHANGE_LOG_LENGTH,
            **page_context(),
        },
    )


@public_page
def change_feed(request: HttpRequest) -> HttpResponse:
    """/endringer.atom: the same changes as an Atom feed, for a municipality's feed reader or
    intranet. Every address in it is on the configured origin, as everywhere else."""
    root = StrategyElement.objects.current_document()
    if root is None:
        return not_found(request)
    urls = Urls()
    log = urls.absolute(reverse("strategy:change-log"))
    feed = Atom1Feed(
        title=f"Endringer i {root.title}",
        link=log,
        description=f"Publiserte endringer i teksten til {root.title}.",
        language="nb",
        feed_url=urls.absolute(reverse("strategy:change-feed")),
        author_name=root.edition.adopted_by,
    )
    for change in edition_pages.recent_changes(root.edition, FEED_LENGTH):
        element, new = change.element, change.new
        dated = reverse(
            "strategy:dated-element",
            kwargs={"period": root.edition.period, "code": element.code, "day": new.day},
        )
        feed.add_item(
            title=f"{element.code} {element.display_title}",
            link=urls.absolute(dated),
            description=new.public_note or "Teksten er endret.",
            pubdate=new.date,
            unique_id=urls.absolute(
                reverse(
                    "strategy:element-change",
                    kwargs={
                        "period": root.edition.period,
                        "code": element.code,
                        "version_id": new.history_id,
                    },
                )
            ),
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
