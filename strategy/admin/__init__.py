from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, re_path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from mptt.admin import DraggableMPTTAdmin
from mptt.forms import MPTTAdminForm

from ..models import (
    CHANGE_NOTE_MAX_LENGTH,
    DRAFT_FIELDS,
    PUBLIC_TEXT_FIELDS,
    Kind,
    PendingChange,
    Source,
    StrategyElement,
    allowed_child_kinds,
    check_change_note,
)
from . import changelist, deletion, editor, locking, moves
from .drafts import PendingChangeAdmin
from .widgets import MarkdownPreviewTextarea, TitleTextarea, body_preview, one_line

admin.site.site_header = "Osloregionen – redaksjon"
admin.site.site_title = "Osloregionen – redaksjon"
admin.site.index_title = "Redigering av strategien"
# The element list needs the width of a 1280 px screen for long titles and the row actions;
# the breadcrumbs and the front page of the admin lead everywhere the side menu did.
admin.site.enable_nav_sidebar = False

# The box a superuser ticks to unpublish the document (change_form.html).
TAKE_DOWN_FIELD = "bekreft_avpublisering"


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0


def edition_named_label(label: Callable[[StrategyElement], str]) -> Callable:
    """A parent choice's label, with the edition after each document's."""

    def labelled(element: StrategyElement) -> str:
        if element.parent_id is None:
            return f"{label(element)} · utgave {element.edition}"
        return label(element)

    return labelled


class StrategyElementForm(locking.VersionedFormMixin, MPTTAdminForm):
    """Offers only the kinds that may stand under the chosen parent. A posted combination is
    still checked by the model (``check_parent_kind``), which names what is allowed; mptt's
    form refuses a parent inside the element's own subtree. A form opened before someone
    else's save is refused (strategy/locking.py)."""

    opened_version = locking.version_field()
    # «Lagre» of a changed text the public sees needs a note, as publishing a draft does.
    change_note = forms.CharField(
        label="Endringsmerknad",
        required=False,
        max_length=CHANGE_NOTE_MAX_LENGTH,
        help_text="Kreves når du lagrer en endret tittel eller tekst som publikum ser (et "
        "publisert element i en offentlig utgave) direkte, f.eks. «Språklig rettelse». Vises "
        "offentlig under «Endringer».",
    )
    # The user saving, set by the admin's get_form(): unpublishing the document needs a superuser.
    editor = None
    # The button that saves a published element's text as a draft instead of publishing it.
    SAVE_DRAFT_BUTTON = "_save_draft"

    class Meta:
        model = StrategyElement
        fields = ("parent", "kind", "code", "title", "slug", "body", "is_published")
        widgets = {
            "title": TitleTextarea,
            "body": MarkdownPreviewTextarea,
        }

    def __init__(self, data=None, *args, **kwargs):
        instance = kwargs.get("instance")
        stored = instance if instance is not None and instance.pk else None
        # Opened (not posted): the form shows the pending draft, so that the editor goes on
        # where they left off; the page shows the element with it (its title too).
        self.draft = None
        if stored is not None and data is None:
            self.draft = PendingChange.objects.filter(element=stored).first()
            if self.draft is not None:
                self.draft.apply_to(stored)
        # Posted with «Lagre som utkast» for a published element: the text goes into the
        # draft, not onto the element (decided on the element as stored, before this form's
        # values are put on it).
        self.saves_draft = bool(
            stored is not None
            and stored.is_published
            and data is not None
            and self.SAVE_DRAFT_BUTTON in data
        )
        super().__init__(data, *args, **kwargs)
        if stored is not None and "parent" in self.fields:
            # An element stays in its edition (the model refuses a parent in another): offer
            # its own edition's elements, not also their look-alike copies in the other ones.
            parent_field = self.fields["parent"]
            parent_field.queryset = parent_field.queryset.filter(edition_id=stored.edition_id)
        elif "parent" in self.fields:
            # A new element joins its parent's edition: each edition's document says which
            # one it is, so that two look-alike trees can be told apart.
            parent_field = self.fields["parent"]
            parent_field.queryset = parent_field.queryset.select_related("edition")
            parent_field.label_from_instance = edition_named_label(parent_field.label_from_instance)
        if "body" in self.fields and self.instance.pk:
            self.fields["body"].widget.element_id = self.instance.pk
            self.fields["body"].widget.sources = list(self.instance.sources.all())
        if self.is_bound or "kind" not in self.fields:
            return
        parent = self._initial_parent()
        allowed = allowed_child_kinds(parent.kind if parent else None)
        self.fields["kind"].choices = [("", "---------")] + [(kind, kind.label) for kind in allowed]
        if len(allowed) == 1 and not self.instance.pk:
            self.initial["kind"] = allowed[0]

    def clean_title(self) -> str:
        return one_line(self.cleaned_data.get("title", ""))

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if self.instance.pk and kind and kind != self.instance.kind:
            # A new kind must still be able to hold the children the element already has.
            allowed = allowed_child_kinds(kind)
            refused = sorted({child.kind for child in self.instance.get_children()} - set(allowed))
            if refused:
                labels = ", ".join(f"«{Kind.label_of(k)}»" for k in refused)
                self.add_error(
                    "kind",
                    f"Elementet har underelementer av typen {labels}, som ikke kan stå under "
                    f"«{Kind.label_of(kind)}». Flytt dem først.",
                )
        self.check_take_down(cleaned_data)
        self.check_change_note(cleaned_data)
        self.check_version()
        return cleaned_data

    def check_change_note(self, cleaned_data) -> None:
        """A direct «Lagre» (not «Lagre som utkast») of a public element's changed text."""
        element = self.instance
        if not element.pk or "_save_draft" in self.data:
            return
        stored = (
            StrategyElement.objects.filter(pk=element.pk)
            .values(*PUBLIC_TEXT_FIELDS, "is_public")
            .first()
        )
        if stored is None:
            return
        note = " ".join(cleaned_data.get("change_note", "").split())
        try:
            check_change_note(stored.pop("is_public"), stored, cleaned_data, note)
        except ValidationError as error:
            self.add_error("change_note", error.message_dict["note"])
        # A note explains a text change: on any other save it is not the version's reason.
        if all(cleaned_data.get(field) == stored[field] for field in PUBLIC_TEXT_FIELDS):
            note = ""
        cleaned_data["change_note"] = note

    def check_take_down(self, cleaned_data) -> None:
        """Unpublishing the document hides the whole strategy: a superuser only, who ticks a
        box that names the consequence."""
        element = self.instance
        if not (element.pk and element.is_published and "is_published" in cleaned_data):
            return
        if element.kind != Kind.DOCUMENT or cleaned_data["is_published"]:
            return
        if not element.may_be_taken_down_by(self.editor):
            self.add_error("is_published", deletion.take_down_refusal(element, "avpublisere"))
        elif self.data.get(TAKE_DOWN_FIELD) != "ja":
            self.add_error(
                "is_published",
                f"{deletion.take_down_warning(element)} Kryss av for at du vil dette, og "
                "lagre på nytt.",
            )

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
    list_filter = (changelist.EditionFilter, "kind", "is_published", changelist.PartFilter)
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
        # admin-move-versions.js adds the versions the list shows to mptt's drag and drop post
        # (optimistic locking).
        js = (
            "admin/js/vendor/jquery/jquery.js",
            "admin/js/jquery.init.js",
            "js/editor.js",
            "js/admin-move-versions.js",
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pending_change")

    def get_changelist(self, request, **kwargs):
        return changelist.TreeChangeList

    def _build_tree_structure(self, queryset):
        # mptt's script would fold rows on the client and remember it; the lazy tree opens
        # and closes rows with links instead (changelist), so the script only drags.
        return {}

    def view_on_site(self, obj):
        """Only public elements have a public page (not those of a draft edition)."""
        return obj.get_absolute_url() if obj.is_public else None

    # The columns of the lazy tree; changelist draws them (one string per cell: the list
    # shows hundreds of rows, and Django's per-cell helpers dominate its time).

    @admin.display(description="åpne")
    def tree_actions(self, item):
        return changelist.tree_cell(item)

    @admin.display(description="tittel")
    def indented_title(self, item):
        return changelist.title_cell(item)

    @admin.display(description="status")
    def status(self, obj):
        return changelist.status_cell(obj)

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        return changelist.checkbox_cell(obj, helpers.ACTION_CHECKBOX_NAME)

    @admin.display(description="handlinger")
    def row_links(self, obj):
        return changelist.actions_cell(obj)

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        name = "strategy_strategyelement"
        return [
            path("slettede/", wrap(deletion.deleted_list), name=f"{name}_deleted"),
            path(
                "slettede/<str:code>/gjenopprett/",
                wrap(deletion.restore_deleted),
                name=f"{name}_restore_deleted",
            ),
            path("flytt/", wrap(moves.move_step), name=f"{name}_move_step"),
            path("flytt/angre/", wrap(moves.undo), name=f"{name}_move_undo"),
            path(
                "forhandsvis-tekst/",
                wrap(body_preview),
                name=f"{name}_body_preview",
            ),
            path("<int:object_id>/flytt/", wrap(moves.move_to), name=f"{name}_move_to"),
            path("<int:object_id>/forhandsvis/", wrap(editor.preview), name=f"{name}_preview"),
            path("<int:object_id>/publiser/", wrap(editor.publish_view), name=f"{name}_publish"),
            path(
                "<int:object_id>/historikk/sammenlign/",
                wrap(editor.compare),
                name=f"{name}_compare",
            ),
            path(
                "<int:object_id>/historikk/<int:history_id>/gjenopprett/",
                wrap(editor.restore),
                name=f"{name}_restore",
            ),
            # The same pages with an id that is no number: no such element (not Django's
            # catch-all below, which would redirect "x/flytt" to a change form).
            re_path(
                r"^[^/]+/(?:flytt|forhandsvis|publiser|historikk/sammenlign"
                r"|historikk/[^/]+/gjenopprett)/$",
                wrap(editor.no_such_element),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        return editor.history(self, request, object_id)

    # Moves (drag and drop) -------------------------------------------------------------

    def _move_node(self, request):
        # Drag and drop: the same model verb, message and undo as the move buttons, with the
        # versions the list showed (optimistic locking).
        return moves.drag_and_drop(self, request)

    # Deleting: the document only by a superuser, a large subtree only with its code --------

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.may_be_taken_down_by(request.user))

    def delete_view(self, request, object_id, extra_context=None):
        element = self.get_object(request, unquote(object_id))
        if element is not None and not element.may_be_taken_down_by(request.user):
            raise PermissionDenied(deletion.take_down_refusal(element, "slette"))
        context = {**deletion.delete_context(element), **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.method == "POST":
            # Django deletes on a POST with nothing "protected": an unconfirmed large
            # deletion is reported as such and the page asks again.
            refusals = [deletion.confirmation_refusal(element, request.POST) for element in objs]
            protected = [*protected, *(refusal for refusal in refusals if refusal)]
        return deleted, counts, perms_needed, protected

    def delete_selected_tree(self, modeladmin, request, queryset):
        refusal = deletion.bulk_refusal(request.user, list(queryset))
        if refusal:
            self.message_user(request, refusal, level=messages.ERROR)
            return None
        return super().delete_selected_tree(modeladmin, request, queryset)

    # Saving: directly, or as a draft of a published element ------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            draft = context["adminform"].form.draft
            context["strategy_draft"] = draft
            context["preview_url"] = reverse(
                "admin:strategy_strategyelement_preview", args=[obj.pk]
            )
            context["publish_url"] = reverse(
                "admin:strategy_strategyelement_publish", args=[obj.pk]
            )
            context["take_down_field"] = TAKE_DOWN_FIELD
            context.update(moves.form_context(request, obj))
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editor = request.user
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "POST" and obj.pk and locking.is_stale(request.POST, obj.pk):
            # The form is refused as stale: show the sources as they are stored now, not the
            # copy this editor opened (which would undo the other editor's changes).
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def save_model(self, request, obj, form, change):
        expected_version = form.cleaned_data.get(locking.VERSION_FIELD)
        if form.saves_draft:
            obj.save_draft(
                {field: form.cleaned_data.get(field, "") for field in DRAFT_FIELDS},
                user=request.user,
                expected_version=expected_version,
            )
            return
        if change:
            obj.ensure_baseline()
            obj.expected_version = expected_version
            if form.cleaned_data.get("change_note"):
                obj._change_reason = form.cleaned_data["change_note"]
        super().save_model(request, obj, form, change)
        if change:
            # "Lagre" saved what the form showed, the draft included.
            obj.discard_draft(request.user, reason="Lagret direkte")

    def save_related(self, request, form, formsets, change):
        if form.saves_draft:
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
        if form.saves_draft:
            return "Lagret som utkast (ikke publisert)."
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        # After a successful save, a draft is left only by «Lagre som utkast»: «Lagre»
        # discards it (save_model).
        if (
            StrategyElementForm.SAVE_DRAFT_BUTTON in request.POST
            and PendingChange.objects.filter(element_id=obj.pk).exists()
        ):
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

# Search's synonym groups and the editions: their own modules, registered with the rest of
# the admin.
from ..search import admin as search_admin  # noqa: E402, F401
from . import editions  # noqa: E402, F401
