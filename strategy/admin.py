from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from mptt.admin import DraggableMPTTAdmin
from mptt.forms import MPTTAdminForm

from . import editor
from .models import (
    ALLOWED_CHILDREN,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound or "kind" not in self.fields:
            return
        parent = self._initial_parent()
        allowed = allowed_child_kinds(parent.kind if parent else None)
        self.fields["kind"].choices = [("", "---------")] + [
            (kind, Kind(kind).label) for kind in allowed
        ]
        if len(allowed) == 1 and not self.instance.pk:
            self.initial["kind"] = allowed[0]

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
    list_display = (
        "tree_actions",
        "indented_title",
        "code",
        "kind",
        "is_published",
        "draft_state",
        "row_links",
    )
    list_display_links = ("indented_title",)
    list_filter = ("kind", "is_published")
    search_fields = ("title", "body", "code")
    inlines = [SourceInline]
    expand_tree_by_default = True
    change_form_template = "admin/strategy/strategyelement/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pending_change")

    def view_on_site(self, obj):
        """Only published elements have a public page."""
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description="tittel")
    def indented_title(self, item):
        return super().indented_title(item)

    @admin.display(description="utkast")
    def draft_state(self, obj):
        if not obj.is_published:
            return "ikke publisert"
        return "upublisert endring" if hasattr(obj, "pending_change") else ""

    @admin.display(description="lenker")
    def row_links(self, obj):
        links = []
        if ALLOWED_CHILDREN.get(obj.kind):
            add_url = reverse("admin:strategy_strategyelement_add")
            links.append((f"{add_url}?parent={obj.pk}", "Legg til under"))
        if obj.is_published:
            links.append((obj.get_absolute_url(), "Vis på nettstedet"))
        if not obj.is_published or hasattr(obj, "pending_change"):
            links.append(
                (reverse("admin:strategy_strategyelement_preview", args=[obj.pk]), "Forhåndsvis")
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        name = "strategy_strategyelement"
        return [
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
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            response = super()._move_node(request)
        except ValidationError as error:
            self.message_user(
                request,
                "Flyttingen ble avvist: " + " ".join(error.messages),
                level=messages.ERROR,
            )
            return HttpResponse("FAIL, invalid move.")
        if response.content.startswith(b"OK"):
            moved = StrategyElement.objects.get(pk=request.POST["cut_item"])
            StrategyElement.history.bulk_history_create(
                [moved], update=True, default_user=request.user, default_change_reason="Flyttet"
            )
        return response

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
            PendingChange.objects.filter(element=obj).delete()

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


# Search's synonym groups: their own module, registered with the rest of the admin.
from . import search_admin  # noqa: E402, F401
