"""The secretariat's editing views beside Django's admin: preview, publish, history, compare and
restore. The admin (strategy/admin/__init__.py) wires them into its URLs and checks nothing itself;
every view here checks the editor's permissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from ..models import (
    DRAFT_FIELDS,
    DeletedElement,
    Kind,
    PendingChange,
    Source,
    StaleVersion,
    StrategyElement,
)
from ..public_site.views import render_element_page
from . import diffs
from .locking import VERSION_FIELD, posted_version

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

HISTORY_TYPES = {"+": "Opprettet", "~": "Endret", "-": "Slettet"}

# What an editor compares between two versions, in the order of the form.
COMPARED_FIELDS: list[tuple[str, str]] = [
    ("title", "Tittel"),
    ("slug", "Adresse (slug)"),
    ("body", "Brødtekst"),
    ("kind", "Type"),
    ("code", "Referansekode"),
    ("parent_id", "Overordnet element"),
    ("is_published", "Publisert"),
]
# The rows of the fields a draft (and a restore) carries.
DRAFT_LABELS = frozenset(label for field, label in COMPARED_FIELDS if field in DRAFT_FIELDS)


@dataclass
class Row:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @cached_property
    def pieces(self) -> list[diffs.Piece]:
        return diffs.word_diff(self.old, self.new)

    @property
    def old_html(self) -> SafeString:
        """The old value with the deleted words marked."""
        return diffs.render_side(self.pieces, "old")

    @property
    def new_html(self) -> SafeString:
        """The new value with the inserted words marked."""
        return diffs.render_side(self.pieces, "new")


def no_such_element(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """An editor's page asked for with an id that is no number."""
    raise Http404("Ugyldig element.")


def _element_or_404(object_id: int) -> StrategyElement:
    return get_object_or_404(StrategyElement, pk=object_id)


def _change_url(element_id: int) -> str:
    return reverse("admin:strategy_strategyelement_change", args=[element_id])


def _context(model_admin: ModelAdmin, request: HttpRequest, **context) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        **context,
    }


def _require_change(model_admin: ModelAdmin, request: HttpRequest, element) -> None:
    if not model_admin.has_change_permission(request, element):
        raise PermissionDenied


def _display(field: str, value, parents: dict[int, StrategyElement]) -> str:
    if field == "kind":
        return Kind.label_of(value)
    if field == "parent_id":
        if value is None:
            return "–"
        parent = parents.get(value)
        return str(parent) if parent else f"element nr. {value} (slettet)"
    if field == "is_published":
        return "ja" if value else "nei"
    return "" if value is None else str(value)


def compare_rows(old, new) -> list[Row]:
    """Both sides of a comparison, field by field; either side is an element, a historical
    version or a draft (a draft only carries the text fields)."""
    parent_ids = {getattr(side, "parent_id", None) for side in (old, new)} - {None}
    parents = StrategyElement.objects.in_bulk(parent_ids)
    rows = []
    for field, label in COMPARED_FIELDS:
        if not (hasattr(old, field) and hasattr(new, field)):
            continue
        rows.append(
            Row(
                label,
                _display(field, getattr(old, field), parents),
                _display(field, getattr(new, field), parents),
            )
        )
    return rows


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def preview(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    """The public page of an element with its draft applied, as the public would see it once
    published. Only for editors; never indexed or cached."""
    element = _element_or_404(object_id)
    if not model_admin.has_view_or_change_permission(request, element):
        raise PermissionDenied
    # The element and its ancestors are shown even while unpublished; everything else as public.
    own_line = Q(tree_id=element.tree_id, lft__lte=element.lft, rght__gte=element.rght)
    nodes = (
        StrategyElement.objects.filter(Q(is_published=True) | own_line)
        .context_of(element)
        .with_sources()
        .linked()
    )
    shown = nodes[element.pk]
    draft = PendingChange.objects.filter(element=element).first()
    if draft is not None:
        draft.apply_to(shown)
    response = render_element_page(
        request,
        shown,
        "strategy/preview.html",
        {"draft": draft, "change_url": _change_url(element.pk), "live": element},
    )
    return _noindex(response)


def publish_view(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    element = _element_or_404(object_id)
    _require_change(model_admin, request, element)
    draft = PendingChange.objects.filter(element=element).first()
    if request.method == "POST":
        refused = confirmed(
            model_admin,
            request,
            element,
            lambda version: element.publish(
                user=request.user,
                expected_version=version,
                note=request.POST.get("note", ""),
            ),
            "Kunne ikke publisere: ",
        )
        if refused is not None:
            return refused
        element = StrategyElement.objects.get(pk=element.pk)
        model_admin.message_user(request, f"«{element}» er publisert.", level=messages.SUCCESS)
        return HttpResponseRedirect(_change_url(element.pk))
    after = draft.apply_to(StrategyElement.objects.get(pk=element.pk)) if draft else element
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/publish_confirm.html",
        _context(
            model_admin,
            request,
            title=f"Publiser «{element}»",
            original=element,
            version_field=VERSION_FIELD,
            draft=draft,
            rows=compare_rows(element, after),
        ),
    )


def confirmed(
    model_admin: ModelAdmin,
    request: HttpRequest,
    element: StrategyElement,
    verb: Callable[[int], object],
    failure: str,
) -> HttpResponse | None:
    """Runs a confirmation page's verb with the element version the page was opened at (-1,
    never current, when the post lacks it). A newer version sends the editor back to the
    page, which shows the element as it is now; another refusal goes to the form. None: done."""
    element.ensure_baseline()
    version = posted_version(request.POST)
    try:
        verb(-1 if version is None else version)
    except StaleVersion as error:
        model_admin.message_user(request, " ".join(error.messages), level=messages.ERROR)
        return HttpResponseRedirect(request.path)
    except ValidationError as error:
        model_admin.message_user(request, failure + " ".join(error.messages), level=messages.ERROR)
        return HttpResponseRedirect(_change_url(element.pk))
    return None


def _versions(object_id: int):
    return (
        StrategyElement.history.filter(id=object_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def history(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Every saved version of one element, newest first, with who, when and what changed.
    Also for a deleted element, whose last version is its deletion."""
    try:
        pk = int(object_id)
    except (TypeError, ValueError) as error:
        raise Http404("Ugyldig element.") from error
    element = StrategyElement.objects.filter(pk=pk).first()
    if not model_admin.has_view_or_change_permission(request, element):
        raise PermissionDenied
    versions = list(_versions(pk))
    if element is None and not versions:
        raise Http404("Elementet finnes ikke.")
    can_restore = element is not None and model_admin.has_change_permission(request, element)
    entries = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        changed = (
            [row.label for row in compare_rows(older, version) if row.changed] if older else []
        )
        entries.append(
            {
                "version": version,
                "type": HISTORY_TYPES.get(version.history_type, version.history_type),
                "changed": changed,
                "can_restore": can_restore and index > 0 and version.history_type != "-",
            }
        )
    name = str(element) if element else (str(versions[0].instance) if versions else "")
    tombstone = (
        DeletedElement.objects.filter(
            edition_id=versions[0].edition_id, code=versions[0].code
        ).first()
        if element is None and versions
        else None
    )
    source_versions = [
        {
            "version": version,
            "type": HISTORY_TYPES.get(version.history_type, version.history_type),
        }
        for version in Source.history.filter(element_id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    ]
    draft_versions = [
        {"version": version, "type": draft_event(version)}
        for version in PendingChange.history.filter(element_id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    ]
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/element_history.html",
        _context(
            model_admin,
            request,
            title=f"Historikk: {name}",
            original=element,
            object_id=pk,
            entries=entries,
            source_versions=source_versions,
            deleted=tombstone,
            draft_versions=draft_versions,
        ),
    )


def draft_event(version) -> str:
    """What happened to a draft in one of its versions: saved, changed, published, discarded."""
    if version.history_type == "+":
        return "Utkast lagret"
    if version.history_type == "~":
        return "Utkast endret"
    reason = (version.history_change_reason or "fjernet").lower()
    return f"Utkast {reason}"


def _version_or_404(object_id: int, history_id) -> object:
    """A version of the element; ``history_id`` from the URL (a number) or the query string."""
    try:
        return StrategyElement.history.get(id=object_id, history_id=int(history_id))
    except (TypeError, ValueError, StrategyElement.history.model.DoesNotExist) as error:
        raise Http404("Versjonen finnes ikke.") from error


def compare(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    """Two versions side by side (``?fra=<versjon>&til=<versjon>``)."""
    pk = object_id
    element = StrategyElement.objects.filter(pk=pk).first()
    if not model_admin.has_view_or_change_permission(request, element):
        raise PermissionDenied
    old = _version_or_404(pk, request.GET.get("fra"))
    new = _version_or_404(pk, request.GET.get("til"))
    if (old.history_date, old.history_id) > (new.history_date, new.history_id):
        old, new = new, old
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/compare.html",
        _context(
            model_admin,
            request,
            title="Sammenlign versjoner",
            original=element,
            object_id=pk,
            old=old,
            new=new,
            rows=compare_rows(old, new),
        ),
    )


def restore(
    model_admin: ModelAdmin, request: HttpRequest, object_id: int, history_id: int
) -> HttpResponse:
    """Puts an earlier version's text (title, slug, body) back on the element. Its place in
    the tree, kind and code stay as they are: an old version never rewrites the tree."""
    element = _element_or_404(object_id)
    _require_change(model_admin, request, element)
    version = _version_or_404(element.pk, history_id)
    if version.history_type == "-":
        raise Http404("En sletting kan ikke gjenopprettes her.")
    if request.method == "POST":
        refused = confirmed(
            model_admin,
            request,
            element,
            lambda expected: element.restore_version(
                version, user=request.user, expected_version=expected
            ),
            "Versjonen kunne ikke gjenopprettes: ",
        )
        if refused is not None:
            return refused
        model_admin.message_user(
            request,
            f"Versjonen fra {localtime(version.history_date):%d.%m.%Y %H:%M} er gjenopprettet.",
            level=messages.SUCCESS,
        )
        return HttpResponseRedirect(_change_url(element.pk))
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/restore_confirm.html",
        _context(
            model_admin,
            request,
            title="Gjenopprett versjon",
            original=element,
            version_field=VERSION_FIELD,
            version=version,
            rows=[row for row in compare_rows(element, version) if row.label in DRAFT_LABELS],
        ),
    )
