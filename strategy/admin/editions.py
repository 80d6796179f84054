"""The secretariat's edition work in the admin: «Start ny utgave» (copy the edition in force),
«Send på høring» and «Vedta», each behind a confirmation page, each one model verb (one
transaction, strategy/models.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..models import Edition, EditionStatus
from .changelist import edition_list_url


class StartEditionForm(forms.Form):
    period = forms.CharField(
        label="Periode",
        max_length=9,
        help_text="To årstall med bindestrek, f.eks. «2029-2032».",
    )


class ConsultationForm(forms.Form):
    deadline = forms.DateField(
        label="Høringsfrist",
        help_text="Dato på formen 2028-10-01.",
        error_messages={"required": "Høringsfristen må fylles ut.", "invalid": "Ugyldig dato."},
    )


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label="Vedtaksdato", required=False, error_messages={"invalid": "Ugyldig dato."}
    )
    case_reference = forms.CharField(label="Saksnummer", max_length=100, required=False)
    confirm = forms.BooleanField(
        label="Jeg bekrefter at representantskapet har vedtatt denne utgaven.",
        error_messages={"required": "Bekreft vedtaket før utgaven gjøres gjeldende."},
    )


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ("period", "status", "adopted_on", "consultation_deadline", "superseded_at")
    readonly_fields = ("status", "in_force_since", "superseded_at", "replaced_by", "copied_from")
    fields = (
        "period",
        "status",
        "adopted_by",
        "adopted_on",
        "case_reference",
        "consultation_deadline",
        "in_force_since",
        "superseded_at",
        "replaced_by",
        "copied_from",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a new edition is started by copying the one in force

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # printed links name editions for ever

    def view_on_site(self, obj):
        """A draft edition has no public page (/utgaver/2029-2032/ answers 404, editors too)."""
        return obj.get_absolute_url() if obj.is_public else None

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "period") if obj is not None else self.readonly_fields

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("ny/", wrap(self.start_view), name="strategy_edition_start"),
            path("<int:pk>/horing/", wrap(self.consult_view), name="strategy_edition_consult"),
            path("<int:pk>/vedta/", wrap(self.adopt_view), name="strategy_edition_adopt"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {**(extra_context or {}), "start_url": reverse("admin:strategy_edition_start")}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = Edition.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra = {"elements_url": edition_list_url(edition)} if edition is not None else {}
        in_force = Edition.objects.in_force()
        if edition is not None and in_force is not None and in_force.pk != edition.pk:
            # The secretariat prepares the next edition against the one in force.
            earlier, later = sorted((in_force, edition), key=lambda each: each.period)
            extra["compare_url"] = reverse(
                "strategy:compare-editions",
                kwargs={"period": earlier.period, "other": later.period},
            )
        if edition is not None and edition.status == EditionStatus.DRAFT:
            extra["consult_url"] = reverse("admin:strategy_edition_consult", args=[edition.pk])
        if edition is not None and edition.status in (
            EditionStatus.DRAFT,
            EditionStatus.CONSULTATION,
        ):
            extra["adopt_url"] = reverse("admin:strategy_edition_adopt", args=[edition.pk])
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _require(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def _page(self, request, title: str, form, edition=None, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/strategy/edition/action.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "form": form,
                "original": edition,
                "in_force": Edition.objects.in_force(),
                **context,
            },
        )

    def _run(self, request, form, verb, done: str, failed: str, title: str, edition=None):
        try:
            result = verb()
        except ValidationError as error:
            form.add_error(None, f"{failed} " + " ".join(error.messages))
            return self._page(request, title, form, edition)
        target = result if isinstance(result, Edition) else edition
        self.message_user(request, done, level=messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:strategy_edition_change", args=[target.pk]))

    def start_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        title = "Start ny utgave"
        form = StartEditionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            period = form.cleaned_data["period"].strip()
            return self._run(
                request,
                form,
                lambda: Edition.objects.start_new(period, user=request.user),
                f"Utgave {Edition(period=period).period_label} er startet som utkast, kopiert "
                "fra den gjeldende utgaven. Den gjeldende utgaven er uendret.",
                "Utgaven ble ikke startet.",
                title,
            )
        return self._page(request, title, form, action="start")

    def consult_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request)
        edition = get_object_or_404(Edition, pk=pk)
        title = f"Send utgave {edition.period_label} på høring"
        form = ConsultationForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            return self._run(
                request,
                form,
                lambda: edition.send_to_consultation(form.cleaned_data["deadline"]),
                f"Utgave {edition.period_label} er sendt på høring og er nå offentlig, merket "
                "som høringsutkast.",
                "Utgaven ble ikke sendt på høring.",
                title,
                edition,
            )
        return self._page(request, title, form, edition, action="consult")

    def adopt_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(request)
        edition = get_object_or_404(Edition, pk=pk)
        title = f"Vedta utgave {edition.period_label}"
        form = AdoptForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            return self._run(
                request,
                form,
                lambda: edition.adopt(
                    form.cleaned_data["adopted_on"], form.cleaned_data["case_reference"]
                ),
                f"Utgave {edition.period_label} er gjeldende. Den forrige utgaven er erstattet; "
                "alle lenker til den virker fortsatt.",
                "Utgaven ble ikke vedtatt.",
                title,
                edition,
            )
        return self._page(request, title, form, edition, action="adopt")
