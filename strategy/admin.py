from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from mptt.admin import DraggableMPTTAdmin
from mptt.forms import MPTTAdminForm

from . import editor, editor_moves, editor_tree, editor_widgets
from .editor_drafts import PendingChangeAdmin
from .models import (
    DRAFT_FIELDS,
    Kind,
    PendingChange,
    Source,
    StrategyElement,
    allowed_child_kinds,
)

admin.site.site_header = "Osloregionen – redaksjon"
admin.site.site_title = "Osloregionen – redaksjon"
admin.site.index_title = "Redigering av strategien"
# The element list needs the width of a 1280 px screen for long titles and the row actions;
# the breadcrumbs and the front page of the admin lead everywhere the side menu did.
admin.site.enable_nav_sidebar = False


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0


class StrategyElementForm(MPTTAdminForm):
    """Offers only the kinds that may stand under the chosen parent. A posted combination is
    still checked by the model (``check_parent_kind``), which names what is allowed; mptt's
    form refuses a parent inside the element's own subtree."""

    class Meta:
        model = StrategyElement
        fields = ("parent", "kind", "code", "title", "slug", "body", "is_published")
        widgets = {
            "title": editor_widgets.TitleTextarea,
            "body": editor_widgets.MarkdownPreviewTextarea,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields and self.instance.pk:
            self.fields["body"].widget.element_id = self.instance.pk
            self.fields["body"].widget.sources = list(self.instance.sources.all())
        if self.is_bound or "kind" not in self.fields:
            return
        parent = self._initial_parent()
        allowed = allowed_child_kinds(parent.kind if parent else None)
        self.fields["kind"].choices = [("", "---------")] + [
            (kind, Kind(kind).label) for kind in allowed
        ]
        if len(allowed) == 1 and not self.instance.pk:
            self.initial["kind"] = allowed[0]

    def clean_title(self) -> str:
        return editor_widgets.one_line(self.cleaned_data.get("title", ""))

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if self.instance.pk and kind and kind != self.instance.kind:
            # A new kind must still be able to hold the children the element already has.
            allowed = allowed_child_kinds(kind)
            refused = sorted({child.kind for child in self.instance.get_children()} - set(allowed))
            if refused:
                labels = ", ".join(f"«{Kind(k).label}»" for k in refused)
                self.add_error(
                    "kind",
                    f"Elementet har underelementer av typen {labels}, som ikke kan stå under "
                    f"«{Kind(kind).label}». Flytt dem først.",
                )
        return cleaned_data

    def _initial_parent(self) -> StrategyElement | None:
        parent = self.initial.get("parent")
        if isinstance(parent, StrategyElement):
            return parent
        if parent not in (None, ""):
            try:
                return StrategyElement.objects.filter(pk=int(parent)).first()
            except (TypeError, ValueError):
                return None
        return self.instance.parent if self.instance.pk else None


@admin.register(StrategyElement)
class StrategyElementAdmin(DraggableMPTTAdmin):
    form = StrategyElementForm
    list_display = ("tree_actions", "indented_title", "kind", "status", "row_links")
    list_display_links = ("indented_title",)
    list_filter = ("kind", "is_published", editor_tree.PartFilter)
    search_fields = ("title", "body", "code")
    # The tree's order is the only order: no column sorts the list.
    sortable_by = ()
    list_per_page = 250
    show_full_result_count = False
    inlines = [SourceInline]
    expand_tree_by_default = True
    change_form_template = "admin/strategy/strategyelement/change_form.html"
    change_list_template = "admin/strategy/strategyelement/change_list.html"

    class Media:
        css = {"all": ["css/editor.css"]}
        js = ["js/editor.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pending_change")

    def get_changelist(self, request, **kwargs):
        return editor_tree.TreeChangeList

    def _build_tree_structure(self, queryset):
        # mptt's script would fold rows on the client and remember it; the lazy tree opens
        # and closes rows with links instead (editor_tree), so the script only drags.
        return {}

    def view_on_site(self, obj):
        """Only published elements have a public page."""
        return obj.get_absolute_url() if obj.is_published else None

    # The columns of the lazy tree; editor_tree draws them (one string per cell: the list
    # shows hundreds of rows, and Django's per-cell helpers dominate its time).

    @admin.display(description="åpne")
    def tree_actions(self, item):
        return editor_tree.tree_cell(item)

    @admin.display(description="tittel")
    def indented_title(self, item):
        return editor_tree.title_cell(item)

    @admin.display(description="status")
    def status(self, obj):
        return editor_tree.status_cell(obj)

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        return editor_tree.checkbox_cell(obj, helpers.ACTION_CHECKBOX_NAME)

    @admin.display(description="handlinger")
    def row_links(self, obj):
        return editor_tree.actions_cell(obj)

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        name = "strategy_strategyelement"
        return [
            path("flytt/", wrap(editor_moves.move_step), name=f"{name}_move_step"),
            path("flytt/angre/", wrap(editor_moves.undo), name=f"{name}_move_undo"),
            path(
                "forhandsvis-tekst/",
                wrap(editor_widgets.body_preview),
                name=f"{name}_body_preview",
            ),
            path("<path:object_id>/flytt/", wrap(editor_moves.move_to), name=f"{name}_move_to"),
            path("<path:object_id>/forhandsvis/", wrap(editor.preview), name=f"{name}_preview"),
            path("<path:object_id>/publiser/", wrap(editor.publish_view), name=f"{name}_publish"),
            path(
                "<path:object_id>/historikk/sammenlign/",
                wrap(editor.compare),
                name=f"{name}_compare",
            ),
            path(
                "<path:object_id>/historikk/<str:history_id>/gjenopprett/",
                wrap(editor.restore),
                name=f"{name}_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        return editor.history(self, request, object_id)

    # Moves (drag and drop) -------------------------------------------------------------

    def _move_node(self, request):
        # Drag and drop: the same model verb, message and undo as the move buttons.
        return editor_moves.drag_and_drop(self, request)

    # Saving: directly, or as a draft of a published element ------------------------------

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and getattr(request, "_strategy_show_draft", False):
            draft = PendingChange.objects.filter(element=obj).first()
            if draft is not None:
                draft.apply_to(obj)
                request._strategy_draft = draft
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The form shows the pending draft, so that the editor goes on where they left off.
        request._strategy_show_draft = request.method == "GET"
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            draft = getattr(request, "_strategy_draft", None)
            context["strategy_draft"] = draft
            context["preview_url"] = reverse(
                "admin:strategy_strategyelement_preview", args=[obj.pk]
            )
            context["publish_url"] = reverse(
                "admin:strategy_strategyelement_publish", args=[obj.pk]
            )
            context.update(editor_moves.form_context(request, obj))
            if draft is not None:
                context["discard_url"] = (
                    reverse("admin:strategy_pendingchange_discard", args=[draft.pk])
                    + f"?neste={request.path}"
                )
            if draft is not None and request.method == "GET":
                self.message_user(
                    request,
                    "Skjemaet viser et upublisert utkast. Den offentlige siden viser fortsatt "
                    "den publiserte teksten.",
                    level=messages.WARNING,
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _saving_draft(self, request, change) -> bool:
        return (
            change
            and "_save_draft" in request.POST
            and StrategyElement.objects.filter(pk=request.resolver_match.kwargs["object_id"])
            .filter(is_published=True)
            .exists()
        )

    def save_model(self, request, obj, form, change):
        if self._saving_draft(request, change):
            PendingChange.objects.update_or_create(
                element_id=obj.pk,
                defaults={
                    **{field: form.cleaned_data.get(field, "") for field in DRAFT_FIELDS},
                    "author": request.user,
                },
            )
            request._strategy_draft_saved = True
            return
        if change:
            editor.ensure_baseline(obj)
        super().save_model(request, obj, form, change)
        if change:
            # "Lagre" saved what the form showed, the draft included.
            draft = PendingChange.objects.filter(element=obj).first()
            if draft is not None:
                draft.discard(request.user, reason="Lagret direkte")

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_strategy_draft_saved", False):
            if any(formset.has_changed() for formset in formsets):
                self.message_user(
                    request,
                    "Et utkast gjelder tittel, adresse og brødtekst. Endringene i kildene ble "
                    "ikke lagret; bruk «Lagre» for dem.",
                    level=messages.WARNING,
                )
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_strategy_draft_saved", False):
            return "Lagret som utkast (ikke publisert)."
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if getattr(request, "_strategy_draft_saved", False):
            self.message_user(
                request,
                format_html(
                    "Utkastet er lagret. Den offentlige siden er uendret til utkastet "
                    'publiseres. <a href="{}">Forhåndsvis</a>',
                    reverse("admin:strategy_strategyelement_preview", args=[obj.pk]),
                ),
                level=messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A reference code is permanent once given: printed council documents cite it.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "code") if obj is not None else readonly


admin.site.register(PendingChange, PendingChangeAdmin)
