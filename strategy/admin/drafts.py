"""The list of pending drafts (``/admin/strategy/pendingchange/``): every published element with
unpublished edits, who saved them, when and what they change, with «Forhåndsvis», «Publiser»
and «Forkast utkast». Discarding asks first, shows what is thrown away, and goes through
``PendingChange.discard`` (kept in the draft's history).

The admin (strategy/admin/__init__.py) registers ``PendingChangeAdmin``."""

from __future__ import annotations

from copy import copy

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import PendingChange
from . import editor

NEXT_PARAM = "neste"


def _drafts_url() -> str:
    return reverse("admin:strategy_pendingchange_changelist")


class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ("element_link", "author_name", "updated_at", "changes", "draft_actions")
    list_display_links = None
    list_select_related = ("element", "author")
    search_fields = ("element__code", "element__title", "title")
    ordering = ("-updated_at",)
    actions = None
    show_full_result_count = False

    def has_add_permission(self, request):
        # A draft is saved from the element's own form («Lagre som utkast»).
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name=f"{name}_changelist",
            ),
            path(
                "<int:object_id>/forkast/",
                self.admin_site.admin_view(self.discard_view),
                name=f"{name}_discard",
            ),
        ]

    @admin.display(description="element")
    def element_link(self, draft: PendingChange):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:strategy_strategyelement_change", args=[draft.element_id]),
            draft.element,
        )

    @admin.display(description="lagret av")
    def author_name(self, draft: PendingChange) -> str:
        return draft.author.get_username() if draft.author else "–"

    @admin.display(description="endrer")
    def changes(self, draft: PendingChange) -> str:
        return ", ".join(draft.changed_fields(draft.element)) or "ingenting (likt det publiserte)"

    @admin.display(description="handlinger")
    def draft_actions(self, draft: PendingChange):
        links = [
            (
                reverse("admin:strategy_strategyelement_preview", args=[draft.element_id]),
                "Forhåndsvis",
            ),
            (
                reverse("admin:strategy_strategyelement_publish", args=[draft.element_id]),
                "Publiser",
            ),
            (reverse("admin:strategy_pendingchange_discard", args=[draft.pk]), "Forkast utkast"),
        ]
        return format_html(
            '<ul class="row-actions">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', links),
        )

    def discard_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Asks, showing the draft against the published text; a POST discards it."""
        try:
            draft = PendingChange.objects.select_related("element", "author").get(pk=object_id)
        except PendingChange.DoesNotExist as error:
            raise Http404("Utkastet finnes ikke (publisert eller forkastet).") from error
        if not self.has_delete_permission(request, draft):
            raise PermissionDenied
        target = request.POST.get(NEXT_PARAM) or request.GET.get(NEXT_PARAM) or ""
        if not (
            target.startswith("/")
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        ):
            target = _drafts_url()
        element = draft.element
        if request.method == "POST":
            try:
                draft.discard(request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
                return HttpResponseRedirect(target)
            self.message_user(
                request,
                f"Utkastet til «{element}» er forkastet. Den offentlige siden er uendret, og "
                "teksten i utkastet står i elementets historikk.",
                level=messages.SUCCESS,
            )
            return HttpResponseRedirect(target)
        return TemplateResponse(
            request,
            "admin/strategy/pendingchange/discard_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Forkast utkastet til «{element}»",
                "draft": draft,
                "element": element,
                "rows": [
                    row
                    for row in editor.compare_rows(element, draft.apply_to(copy(element)))
                    if row.label in editor.DRAFT_LABELS
                ],
                "next_url": target,
                "next_param": NEXT_PARAM,
            },
        )
