"""Moving elements in the editor without a mouse: «Flytt opp», «Flytt ned» and «Flytt til …» as
ordinary forms (they work by keyboard and without JavaScript), next to django-mptt's drag and
drop. Every way ends in the same model verb (``StrategyElement.objects.move_element`` and its
variants) and in the same Norwegian message naming what moved where, with a one-click undo.

The admin (strategy/admin/__init__.py) wires these views into its URLs; each checks the editor's
permission to change the element."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from ..models import Move, Placement, StrategyElement, allowed_parent_kinds
from . import changelist

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

NEXT_PARAM = "neste"
STEP_PARAM = changelist.STEP_PARAM
STEPS = {"opp": "move_up", "ned": "move_down"}
# The positions of mptt's drag and drop (draggable-admin.js).
DRAG_POSITIONS = ("last-child", "left", "right")


def name(element: StrategyElement | None) -> str:
    """An element as a message names it: its code and the start of its title."""
    if element is None:
        return "–"
    return f"«{Truncator(str(element)).words(10, truncate=' …')}»"


def _element_or_404(value) -> StrategyElement:
    try:
        return StrategyElement.objects.get(pk=int(value))
    except (TypeError, ValueError, StrategyElement.DoesNotExist) as error:
        raise Http404("Elementet finnes ikke.") from error


def _changelist_url() -> str:
    return reverse("admin:strategy_strategyelement_changelist")


def _next_url(request: HttpRequest) -> str:
    """Where the editor came from (the element list with its opened nodes, or the form)."""
    target = request.POST.get(NEXT_PARAM) or request.GET.get(NEXT_PARAM) or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else _changelist_url()


def _back_to(request: HttpRequest, element: StrategyElement) -> HttpResponseRedirect:
    target = _next_url(request)
    if target.split("?")[0] == _changelist_url():
        return HttpResponseRedirect(changelist.open_url(target, element))
    return HttpResponseRedirect(target)


def where(placement: Placement, names: dict[int, StrategyElement]) -> str:
    parent = name(names.get(placement.parent_id))
    if placement.after_id is None:
        return f"øverst under {parent}"
    return f"under {parent}, rett etter {name(names.get(placement.after_id))}"


def describe(move: Move) -> str:
    """What moved where, in Norwegian: «S3 …» er flyttet fra … til …."""
    ids = {move.before.parent_id, move.before.after_id, move.after.parent_id, move.after.after_id}
    names = StrategyElement.objects.in_bulk(ids - {None})
    return (
        f"{name(move.element)} er flyttet fra {where(move.before, names)} "
        f"til {where(move.after, names)}."
    )


def _undo_form(request: HttpRequest, move: Move, next_url: str) -> str:
    return format_html(
        '<form method="post" action="{}" class="strategy-undo">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="element" value="{}">'
        '<input type="hidden" name="forelder" value="{}">'
        '<input type="hidden" name="etter" value="{}">'
        '<input type="hidden" name="{}" value="{}">'
        '<button type="submit">Angre flyttingen</button></form>',
        reverse("admin:strategy_strategyelement_move_undo"),
        get_token(request),
        move.element.pk,
        move.before.parent_id or "",
        move.before.after_id or "",
        NEXT_PARAM,
        next_url,
    )


def perform(
    model_admin: ModelAdmin,
    request: HttpRequest,
    element: StrategyElement,
    verb: Callable[[], Move],
    next_url: str,
) -> Move | None:
    """Runs one move for the editor: checks the permission, reports the result as a message
    (with the undo, which returns to ``next_url``) and logs it. A refused move changes nothing
    and says why."""
    if not model_admin.has_change_permission(request, element):
        raise PermissionDenied
    try:
        move = verb()
    except ValidationError as error:
        model_admin.message_user(
            request, "Flyttingen ble avvist: " + " ".join(error.messages), level=messages.ERROR
        )
        return None
    message = describe(move)
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=[move.element],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
    model_admin.message_user(
        request,
        format_html("{} {}", message, _undo_form(request, move, next_url)),
        level=messages.SUCCESS,
    )
    return move


def drag_and_drop(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """django-mptt's drag and drop posts here (``cmd=move_node``) and reloads the page, which
    then shows the message. Answers in mptt's protocol: "OK …" or "FAIL …"."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    position = request.POST.get("position")
    try:
        element = StrategyElement.objects.get(pk=int(request.POST.get("cut_item", "")))
        target = StrategyElement.objects.get(pk=int(request.POST.get("pasted_on", "")))
    except (TypeError, ValueError, StrategyElement.DoesNotExist):
        model_admin.message_user(
            request, "Elementene finnes ikke lenger. Last siden på nytt.", level=messages.ERROR
        )
        return HttpResponse("FAIL, invalid objects.")
    if position not in DRAG_POSITIONS:
        model_admin.message_user(request, "Ukjent plassering.", level=messages.ERROR)
        return HttpResponse("FAIL, unknown instruction.")
    versions = [request.POST.get(f"{key}_version", "") for key in ("cut_item", "pasted_on")]
    if not all(version.isdecimal() for version in versions):
        model_admin.message_user(
            request,
            "Flyttingen ble avvist: listen mangler versjonsnumrene. Last siden på nytt.",
            level=messages.ERROR,
        )
        return HttpResponse("FAIL, invalid move.")
    move = perform(
        model_admin,
        request,
        element,
        lambda: StrategyElement.objects.move_element(
            element,
            target,
            position,
            request.user,
            expected_version=int(versions[0]),
            expected_target_version=int(versions[1]),
        ),
        request.get_full_path(),
    )
    return HttpResponse("OK, moved." if move else "FAIL, invalid move.")


def move_step(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """«Flytt opp» / «Flytt ned»: one place among the siblings (``flytt=<id>:opp|ned``)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pk, _, step = request.POST.get(STEP_PARAM, "").partition(":")
    if step not in STEPS:
        raise Http404("Ukjent flytting.")
    element = _element_or_404(pk)
    verb = getattr(StrategyElement.objects, STEPS[step])
    perform(model_admin, request, element, lambda: verb(element, request.user), _next_url(request))
    return _back_to(request, element)


def undo(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """«Angre flyttingen»: back under the old parent, right after the old sibling."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    element = _element_or_404(request.POST.get("element"))
    try:
        placement = Placement(
            int(request.POST.get("forelder", "")),
            int(request.POST["etter"]) if request.POST.get("etter") else None,
        )
    except ValueError as error:
        raise Http404("Ugyldig plassering.") from error
    perform(
        model_admin,
        request,
        element,
        lambda: StrategyElement.objects.move_back(element, placement, request.user),
        _next_url(request),
    )
    return _back_to(request, element)


def move_to(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    """«Flytt til …»: choose a new parent among the allowed ones, first or last under it."""
    element = _element_or_404(object_id)
    if not model_admin.has_change_permission(request, element):
        raise PermissionDenied
    if element.parent_id is None:
        raise Http404("Et strategidokument kan ikke flyttes.")
    parents = list(
        StrategyElement.objects.filter(kind__in=allowed_parent_kinds(element.kind))
        .exclude(tree_id=element.tree_id, lft__gte=element.lft, rght__lte=element.rght)
        .order_by("tree_id", "lft")
    )
    error = ""
    if request.method == "POST":
        chosen = next(
            (parent for parent in parents if str(parent.pk) == request.POST.get("forelder")),
            None,
        )
        position = {"forst": "first-child", "sist": "last-child"}.get(request.POST.get("plass", ""))
        if chosen is None or position is None:
            error = "Velg et nytt overordnet element og om elementet skal stå først eller sist."
        else:
            move = perform(
                model_admin,
                request,
                element,
                lambda: StrategyElement.objects.move_element(
                    element, chosen, position, request.user
                ),
                _next_url(request),
            )
            if move is not None:
                return _back_to(request, move.element)
            error = "Flyttingen ble avvist; se meldingen over."
    return TemplateResponse(
        request,
        "admin/strategy/strategyelement/move_to.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": f"Flytt {name(element)}",
            "original": element,
            "parents": [
                (parent, parent.kind_facts.label, parent.pk == element.parent_id)
                for parent in parents
            ],
            "error": error,
            "next_url": _next_url(request),
            "next_param": NEXT_PARAM,
            "chosen_position": request.POST.get("plass", "sist"),
        },
    )


def form_context(request: HttpRequest, element: StrategyElement) -> dict:
    """What the element's change form needs for its «Flytt opp», «Flytt ned» and «Flytt til …»."""
    if element.parent_id is None:
        return {}
    change_url = reverse("admin:strategy_strategyelement_change", args=[element.pk])
    return {
        "move_step_url": reverse("admin:strategy_strategyelement_move_step"),
        "move_to_url": f"{reverse('admin:strategy_strategyelement_move_to', args=[element.pk])}"
        f"?{NEXT_PARAM}={change_url}",
        "move_step_param": STEP_PARAM,
        "move_next_param": NEXT_PARAM,
        "move_next": change_url,
        "can_move_up": element.get_previous_sibling() is not None,
        "can_move_down": element.get_next_sibling() is not None,
    }
