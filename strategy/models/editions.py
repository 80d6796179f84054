"""Editions of the strategic document (issue 13): one tree of elements per edition, with a
status (utkast, høring, gjeldende, erstattet) that decides where and whether the public sees it.

The element models (strategy/models/elements.py) import this module; this module reaches them
through the app registry, never by import, so the two never import each other."""

from __future__ import annotations

import datetime
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..public import UNPUBLISHED_EDITION_STATUSES, edition_is_public
from ..tree import tree_lock


def element_model():
    """The strategy element model (strategy/models.py imports this module, not the reverse)."""
    return apps.get_model("strategy", "StrategyElement")


class EditionStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    CONSULTATION = "horing", "Høring"
    IN_FORCE = "gjeldende", "Gjeldende"
    SUPERSEDED = "erstattet", "Erstattet"


PERIOD_PATTERN = re.compile(r"(\d{4})-(\d{4})")
DEFAULT_ADOPTED_BY = "Representantskapet i Osloregionen IPR"


def validate_period(value: str) -> None:
    match = PERIOD_PATTERN.fullmatch(value or "")
    if match is None or int(match.group(2)) < int(match.group(1)):
        raise ValidationError(
            "Perioden skrives som to årstall med bindestrek, det første ikke etter det andre, "
            "f.eks. «2029-2032»."
        )


class EditionQuerySet(models.QuerySet):
    def public(self) -> EditionQuerySet:
        """The editions the public may see (``edition_is_public``'s rule, in SQL)."""
        return self.exclude(status__in=UNPUBLISHED_EDITION_STATUSES)


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    def in_force(self) -> Edition | None:
        return self.filter(status=EditionStatus.IN_FORCE).first()

    def start_new(self, period: str, user=None) -> Edition:
        """«Start ny utgave»: copy the edition in force - every element with its text, order,
        publication state and sources - into a new draft edition, in one transaction. Each
        copy remembers the element it came from (``predecessor``: the same work). The edition
        in force is not touched."""
        validate_period(period)
        with tree_lock():
            current = self.select_for_update().filter(status=EditionStatus.IN_FORCE).first()
            if current is None:
                raise ValidationError("Det finnes ingen gjeldende utgave å kopiere.")
            if self.filter(period=period).exists():
                raise ValidationError(f"Det finnes allerede en utgave for {period}.")
            if self.filter(status__in=[EditionStatus.DRAFT, EditionStatus.CONSULTATION]).exists():
                raise ValidationError(
                    "Det finnes allerede en ny utgave under arbeid (utkast eller høring)."
                )
            edition = self.create(
                period=period,
                status=EditionStatus.DRAFT,
                adopted_by=current.adopted_by,
                copied_from=current,
            )
            element_model().objects.copy_edition(current, edition, user)
        return edition

    def for_new_document(self) -> Edition:
        """The edition of a document created without one (the admin's «Legg til», a test's
        factory): the edition in force while it has no document, else a new draft edition for
        the next free period (in force when it is the portal's first)."""
        in_force = self.filter(status=EditionStatus.IN_FORCE).first()
        if in_force is not None and not in_force.elements.exists():
            return in_force  # its document was deleted: a new one (a restore) takes its place
        last = self.order_by("-period").values_list("period", flat=True).first()
        start = int(last[5:]) + 1 if last else timezone.localdate().year
        first = not self.exists()
        return self.create(
            period=f"{start}-{start + 3}",
            status=EditionStatus.IN_FORCE if first else EditionStatus.DRAFT,
            in_force_since=timezone.now() if first else None,
            answers_unqualified_links=first,
        )


class Edition(models.Model):
    """One edition of the strategic document (one four-year period), with its own tree of
    elements. The verbs that change editions (start, consult, adopt) run in one transaction
    under the tree lock."""

    period = models.CharField(
        "periode",
        max_length=9,
        unique=True,
        validators=[validate_period],
        help_text="To årstall med bindestrek, f.eks. «2029-2032». Brukes i adressene.",
    )
    status = models.CharField(
        "status", max_length=10, choices=EditionStatus, default=EditionStatus.DRAFT
    )
    adopted_by = models.CharField("vedtatt av", max_length=200, default=DEFAULT_ADOPTED_BY)
    adopted_on = models.DateField("vedtaksdato", null=True, blank=True)
    case_reference = models.CharField("saksnummer", max_length=100, blank=True)
    consultation_deadline = models.DateField("høringsfrist", null=True, blank=True)
    # When the public first saw the edition (sent on consultation, or adopted straight from
    # the draft); None: public from the start (the first edition). What the editors changed
    # before then was never a public change.
    public_since = models.DateTimeField("offentlig fra", null=True, blank=True, editable=False)
    in_force_since = models.DateTimeField("gjeldende fra", null=True, blank=True, editable=False)
    superseded_at = models.DateTimeField("erstattet", null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="replaces",
        verbose_name="erstattet av",
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
        verbose_name="kopiert fra",
    )
    # Links printed before editions existed ("/r/T-S2/", plain paths) name this edition's
    # elements for ever, whichever edition is in force later.
    answers_unqualified_links = models.BooleanField(
        "svarer på lenker uten utgave", default=False, editable=False
    )
    created_at = models.DateTimeField("opprettet", auto_now_add=True)

    objects = EditionManager()

    class Meta:
        verbose_name = "utgave"
        verbose_name_plural = "utgaver"
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="gjeldende"),
                name="one_edition_in_force",
            ),
            models.UniqueConstraint(
                fields=["answers_unqualified_links"],
                condition=models.Q(answers_unqualified_links=True),
                name="one_edition_for_unqualified_links",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("strategy:edition-front-page", kwargs={"period": self.period})

    @property
    def period_label(self) -> str:
        """2025–2028, with the en dash of printed text."""
        return self.period.replace("-", "–")

    @property
    def is_in_force(self) -> bool:
        return self.status == EditionStatus.IN_FORCE

    @property
    def is_public(self) -> bool:
        return edition_is_public(self.status)

    def root(self):
        """The edition's document (the root of its tree), or None."""
        return self.elements.filter(parent__isnull=True).first()

    def _set_status(self, status: str, **fields) -> None:
        """Write the status and re-derive the public flag of the edition's tree (the draft
        edition's document counts as unpublished: strategy/public.py)."""
        for name, value in {"status": status, **fields}.items():
            setattr(self, name, value)
        Edition.objects.filter(pk=self.pk).update(status=status, **fields)
        self.elements.all().refresh_public()

    def send_to_consultation(self, deadline: datetime.date) -> None:
        """Utkast → høring: the public sees the edition, marked as a consultation draft."""
        with tree_lock():
            self.refresh_from_db()
            if self.status != EditionStatus.DRAFT:
                raise ValidationError("Bare en utgave i utkast kan sendes på høring.")
            if deadline is None:
                raise ValidationError("Høringsfristen må fylles ut.")
            self._set_status(
                EditionStatus.CONSULTATION,
                consultation_deadline=deadline,
                public_since=timezone.now(),
            )
        apps.get_model("strategy", "ContentVersion").bump()

    def adopt(self, adopted_on: datetime.date | None = None, case_reference: str = "") -> None:
        """Utkast or høring → gjeldende; the edition in force until now → erstattet, with the
        date and this edition as its successor. One transaction: the portal never has two
        editions in force, nor none."""
        with tree_lock():
            self.refresh_from_db()
            if self.status not in (EditionStatus.DRAFT, EditionStatus.CONSULTATION):
                raise ValidationError("Bare en utgave i utkast eller på høring kan vedtas.")
            if not self.elements.filter(parent__isnull=True).exists():
                raise ValidationError("Utgaven har ikke noe dokument.")
            now = timezone.now()
            former = Edition.objects.select_for_update().filter(status=EditionStatus.IN_FORCE)
            for edition in former:
                edition._set_status(EditionStatus.SUPERSEDED, superseded_at=now, replaced_by=self)
            self._set_status(
                EditionStatus.IN_FORCE,
                public_since=self.public_since or now,
                in_force_since=now,
                adopted_on=adopted_on or self.adopted_on,
                case_reference=case_reference or self.case_reference,
            )
        apps.get_model("strategy", "ContentVersion").bump()

    def url_for(self, name: str, **kwargs: str) -> str:
        """The address of one of the edition's own pages or files («front-page»,
        «whole-strategy», «element», «strategy-json», «elements-csv», «element-json»): the plain
        one while in force, /utgaver/<periode>/… otherwise (each has both in strategy/urls.py,
        the other named «edition-<name>»)."""
        if self.is_in_force:
            return reverse(f"strategy:{name}", kwargs=kwargs or None)
        return reverse(f"strategy:edition-{name}", kwargs={"period": self.period, **kwargs})

    def url_for_path(self, path: str) -> str:
        """The URL of an element path in this edition: the plain URL while in force."""
        if not path:
            return self.url_for("front-page")
        return self.url_for("element", element_path=path)
