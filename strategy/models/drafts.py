"""Drafts: unpublished edits of a published element, kept beside it until they are published
(``StrategyElement.publish``) or discarded (``PendingChange.discard``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import normalize_newlines
from simple_history.models import HistoricalRecords

from ..tree import tree_lock
from ..validators import validate_body_length, validate_line, validate_slug, validate_text

if TYPE_CHECKING:
    from .elements import StrategyElement


# The fields an editor can change in a draft and get back from an earlier version.
DRAFT_FIELDS = ("title", "slug", "body")


class PendingChange(models.Model):
    """Unpublished edits of a published element: the public keeps seeing the element as it is
    until the draft is published."""

    element = models.OneToOneField(
        "strategy.StrategyElement",
        on_delete=models.CASCADE,
        related_name="pending_change",
        verbose_name="element",
    )
    # The same rules as the element's fields: a draft becomes the element when published.
    title = models.CharField("tittel", max_length=500, blank=True, validators=[validate_line])
    slug = models.CharField(
        "adresse (slug)", max_length=80, blank=True, db_index=True, validators=[validate_slug]
    )
    body = models.TextField(
        "brødtekst", blank=True, validators=[validate_text, validate_body_length]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lagret av",
    )
    updated_at = models.DateTimeField("sist lagret", auto_now=True)

    # Every save, publication and discard of a draft, with who and when: a discarded draft's
    # text stays readable in the element's history.
    history = HistoricalRecords(
        verbose_name="utkasthistorikk", verbose_name_plural="utkasthistorikk"
    )

    class Meta:
        verbose_name = "utkast"
        verbose_name_plural = "utkast"

    def __str__(self) -> str:
        return f"Utkast til {self.element}"

    def save(self, *args, **kwargs) -> None:
        self.body = normalize_newlines(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:strategy_strategyelement_preview", args=[self.element_id])

    def apply_to(self, element: StrategyElement) -> StrategyElement:
        """Puts the draft's text on an element in memory (for the preview and for publishing)."""
        for field in DRAFT_FIELDS:
            setattr(element, field, getattr(self, field))
        return element

    def changed_fields(self, element: StrategyElement) -> list[str]:
        """The labels of the fields in which the draft differs from the live element."""
        return [
            str(type(self)._meta.get_field(field).verbose_name)
            for field in DRAFT_FIELDS
            if getattr(self, field) != getattr(element, field)
        ]

    def discard(self, user=None, reason: str = "Forkastet") -> None:
        """Throws the draft away; the public page is untouched, and the draft's text stays in
        its history (who discarded it, when)."""
        with tree_lock():
            draft = type(self).objects.select_for_update().filter(pk=self.pk).first()
            if draft is None:
                raise ValidationError("Utkastet finnes ikke lenger (publisert eller forkastet).")
            draft._history_user = user
            draft._change_reason = reason
            draft.delete()
