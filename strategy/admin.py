from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from mptt.admin import DraggableMPTTAdmin
from mptt.exceptions import InvalidMove
from mptt.forms import MPTTAdminForm

from . import deletion, editor, locking
from .models import (
    ALLOWED_CHILDREN,
    DRAFT_FIELDS,
    Kind,
    PendingChange,
    Source,
    StaleVersion,
    StrategyElement,
    allowed_child_kinds,
    save_draft,
)

admin.site.site_header = "Osloregionen – redaksjon"
admin.site.site_title = "Osloregionen – redaksjon"
admin.site.index_title = "Redigering av strategien"

# The box a superuser ticks to unpublish the document (change_form.html).
TAKE_DOWN_FIELD = "bekreft_avpublisering"


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0


class StrategyElementForm(locking.VersionedFormMixin, MPTTAdminForm):
    """Offers only the kinds that may stand under the chosen parent. A posted combination is
    still checked by the model (``check_parent_kind``), which names what is allowed; mptt's
    form refuses a parent inside the element's own subtree. A form opened before someone
    else's save is refused (strategy/locking.py)."""

    opened_version = locking.version_field()
    # The user saving, set by the admin's get_form(): unpublishing the document needs a superuser.
    editor = None

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
        self.check_take_down(cleaned_data)
        self.check_version()
        return cleaned_data

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

    class Media:
        # Adds the versions the list shows to mptt's drag and drop post (optimistic locking).
        js = (
            "admin/js/vendor/jquery/jquery.js",
            "admin/js/jquery.init.js",
            "js/admin-move-versions.js",
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pending_change")

    def view_on_site(self, obj):
        """Only published elements have a public page."""
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description="tittel")
    def indented_title(self, item):
        return super().indented_title(item)

    def tree_actions(self, item):
        # The version each row was listed at, posted with a move (js/admin-move-versions.js).
        return format_html(
            '{}<span class="tree-version" hidden data-pk="{}" data-version="{}"></span>',
            super().tree_actions(item),
            item.pk,
            item.version,
        )

    tree_actions.short_description = ""

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
            path("slettede/", wrap(deletion.deleted_list), name=f"{name}_deleted"),
            path(
                "slettede/<str:code>/gjenopprett/",
                wrap(deletion.restore_deleted),
                name=f"{name}_restore_deleted",
            ),
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
        """mptt's move view, with the versions the list showed checked under the tree lock
        and the document kept in place for all but superusers."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        post = request.POST

        def refuse(reason: str) -> HttpResponse:
            self.message_user(request, f"Flyttingen ble avvist: {reason}", level=messages.ERROR)
            return HttpResponse("FAIL, invalid move.")

        items = {
            str(element.pk): element
            for element in StrategyElement.objects.filter(
                pk__in=[
                    value
                    for value in (post.get("cut_item"), post.get("pasted_on"))
                    if value and value.isdecimal()
                ]
            )
        }
        cut, target = items.get(post.get("cut_item", "")), items.get(post.get("pasted_on", ""))
        if cut is None or target is None:
            return refuse("elementene finnes ikke lenger. Last siden på nytt.")
        if post.get("position") not in ("last-child", "left", "right"):
            return refuse("ukjent plassering.")
        if not cut.may_be_taken_down_by(request.user):
            return refuse(deletion.take_down_refusal(cut, "flytte"))
        versions = [post.get(f"{key}_version", "") for key in ("cut_item", "pasted_on")]
        if not all(version.isdecimal() for version in versions):
            return refuse("listen mangler versjonsnumrene. Last siden på nytt.")
        try:
            StrategyElement.objects.move_node(
                cut,
                target,
                post["position"],
                expected_version=int(versions[0]),
                expected_target_version=int(versions[1]),
            )
        except InvalidMove:
            return refuse("et element kan ikke flyttes inn under seg selv.")
        except ValidationError as error:
            reload = " Listen er lastet på nytt." if isinstance(error, StaleVersion) else ""
            return refuse(" ".join(error.messages) + reload)
        moved = StrategyElement.objects.get(pk=cut.pk)
        StrategyElement.history.bulk_history_create(
            [moved], update=True, default_user=request.user, default_change_reason="Flyttet"
        )
        self.log_change(request, moved, "Flyttet.")
        self.message_user(request, f"«{moved}» er flyttet.", level=messages.SUCCESS)
        return HttpResponse("OK, moved.")

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
            context["take_down_field"] = TAKE_DOWN_FIELD
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
        if self._saving_draft(request, change):
            save_draft(
                obj,
                {field: form.cleaned_data.get(field, "") for field in DRAFT_FIELDS},
                user=request.user,
                expected_version=expected_version,
            )
            request._strategy_draft_saved = True
            return
        if change:
            editor.ensure_baseline(obj)
            obj.expected_version = expected_version
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
