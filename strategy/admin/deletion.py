"""Deleting safely, and undoing it: the document only by a superuser, a large subtree only after
the editor types its code, and every deleted element restorable from «Slettede elementer».
The admin (strategy/admin/__init__.py) wires these into its URLs; every view checks permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse

from ..models import DeletedElement, Edition, Kind, StrategyElement

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# Deleting more elements than this at once (an element and everything under it) needs the
# editor to type the element's code: a click alone must not take a focus area with it.
TYPED_CONFIRMATION_ABOVE = 5

CONFIRMATION_FIELD = "bekreft_kode"


def subtree_size(element: StrategyElement) -> int:
    """The element and everything under it (from its tree numbers; no query)."""
    return element.get_descendant_count() + 1


def needs_typed_confirmation(element: StrategyElement) -> bool:
    return subtree_size(element) > TYPED_CONFIRMATION_ABOVE


def take_down_warning(element: StrategyElement) -> str:
    """What deleting or unpublishing the document means, said before it is done."""
    return (
        f"«{element}» er strategidokumentet. Uten det forsvinner hele strategien fra "
        f"nettstedet: alle {subtree_size(element)} elementer blir borte for publikum."
    )


def take_down_refusal(element: StrategyElement, action: str) -> str:
    return (
        f"Bare en superbruker kan {action} strategidokumentet «{element}»: det ville ta hele "
        f"strategien ({subtree_size(element)} elementer) bort fra nettstedet."
    )


def confirmation_refusal(element: StrategyElement, posted: QueryDict) -> str | None:
    """Why a posted deletion of ``element`` may not go ahead yet, or None."""
    if not needs_typed_confirmation(element):
        return None
    if posted.get(CONFIRMATION_FIELD, "").strip().upper() == element.code:
        return None
    return (
        f"Ikke slettet: skriv koden «{element.code}» i feltet for å bekrefte at "
        f"{subtree_size(element)} elementer skal slettes."
    )


def delete_context(element: StrategyElement | None) -> dict:
    """Extra context of the admin's delete confirmation page."""
    if element is None:
        return {}
    return {
        "title": f"Slett «{element}»",
        "subtree_size": subtree_size(element),
        "confirm_code": element.code if needs_typed_confirmation(element) else "",
        "confirmation_field": CONFIRMATION_FIELD,
        "take_down": take_down_warning(element) if element.kind == Kind.DOCUMENT else "",
    }


def bulk_refusal(user, elements: list[StrategyElement]) -> str | None:
    """Why the list's «slett valgte» may not delete ``elements``, or None. A large deletion
    goes one element at a time, through the page that asks for its code."""
    for element in elements:
        if not element.may_be_taken_down_by(user):
            return take_down_refusal(element, "slette")
    selected = {element.pk for element in elements}
    total = sum(
        subtree_size(element)
        for element in elements
        if not any(ancestor.pk in selected for ancestor in element.get_ancestors())
    )
    if total > TYPED_CONFIRMATION_ABOVE:
        return (
            f"Ikke slettet: de valgte elementene utgjør {total} elementer med alt som står "
            f"under dem. Mer enn {TYPED_CONFIRMATION_ABOVE} slettes ett element om gangen fra "
            "elementets egen side, der slettingen bekreftes med koden."
        )
    return None


# Views -------------------------------------------------------------------------------------


def _context(model_admin: ModelAdmin, request: HttpRequest, **context) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        **context,
    }


def deleted_list(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """«Slettede elementer»: every deletion, newest first, with what went with it and a link
    to restore it. Three queries, whatever the number of tombstones."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    # A deletion is headed by the tombstone whose deleted_with is its own code.
    deletions = list(
        DeletedElement.objects.filter(deleted_with=F("code")).order_by("-deleted_at", "code")
    )
    # Codes repeat across editions: a deletion is known by its edition and code.
    along = {
        (edition_id, deleted_with): count
        for edition_id, deleted_with, count in DeletedElement.objects.values_list(
            "edition_id", "deleted_with"
        )
        .annotate(count=Count("pk"))
        .values_list("edition_id", "deleted_with", "count")
    }
    history_ids = {
        (edition_id, code): pk
        for edition_id, code, pk in StrategyElement.history.filter(
            code__in=[stone.code for stone in deletions], history_type="-"
        )
        .order_by("history_date", "history_id")
        .values_list("edition_id", "code", "id")
    }
    rows = [
        {
            "tombstone": stone,
            "count": along.get((stone.edition_id, stone.code), 1),
            "history_id": history_ids.get((stone.edition_id, stone.code)),
        }
        for stone in deletions
    ]
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/deleted_list.html",
        _context(
            model_admin,
            request,
            title="Slettede elementer",
            rows=rows,
            can_restore=can_restore(model_admin, request),
        ),
    )


def _change_url(pk: int) -> str:
    return reverse("admin:strategy_strategyelement_change", args=[pk])


def can_restore(model_admin: ModelAdmin, request: HttpRequest) -> bool:
    """Restoring adds elements and sources back: it needs the rights to add and change."""
    return model_admin.has_add_permission(request) and model_admin.has_change_permission(request)


def restore_deleted(model_admin: ModelAdmin, request: HttpRequest, code: str) -> HttpResponse:
    """Confirm (GET) and restore (POST) a deleted element with its subtree and sources."""
    if not can_restore(model_admin, request):
        raise PermissionDenied
    edition = Edition.objects.filter(pk=request.GET.get("utgave") or None).first()
    tombstone = DeletedElement.objects.of_code(code, edition).first()
    if tombstone is None:
        element = StrategyElement.objects.filter(code=code).order_by("-edition_id").first()
        if element is None:
            raise Http404("Det finnes ikke noe slettet element med den koden.")
        model_admin.message_user(
            request, f"«{element}» er allerede gjenopprettet.", level=messages.INFO
        )
        return HttpResponseRedirect(_change_url(element.pk))
    if request.method == "POST":
        expected = request.POST.get("gravstein", "")
        try:
            restored = StrategyElement.objects.restore_deleted(
                code,
                user=request.user,
                expected_tombstone=int(expected) if expected.isdecimal() else -1,
                edition=tombstone.edition,
            )
        except ValidationError as error:
            model_admin.message_user(
                request,
                "Ikke gjenopprettet: " + " ".join(error.messages),
                level=messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        placed = f" Plassert {restored.place}." if restored.place else ""
        model_admin.message_user(
            request,
            f"«{restored.element}» er gjenopprettet med {restored.count} element(er) og "
            f"{restored.sources} kilde(r); lenkene virker igjen.{placed}",
            level=messages.SUCCESS,
        )
        return HttpResponseRedirect(_change_url(restored.element.pk))
    along = list(
        DeletedElement.objects.filter(
            edition_id=tombstone.edition_id, deleted_with=tombstone.deleted_with
        )
        .exclude(code=code)
        .order_by("tree_order", "code")
    )
    parent, gone_parent = StrategyElement.objects.parent_of_deleted(
        StrategyElement.objects.last_deletion(tombstone.code, tombstone.edition_id)
    )
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/restore_deleted_confirm.html",
        _context(
            model_admin,
            request,
            title=f"Gjenopprett «{tombstone}»",
            tombstone=tombstone,
            along=along if tombstone.deleted_with == tombstone.code else [],
            parent=parent,
            gone_parent=gone_parent,
        ),
    )
