"""Sources: the footnotes of an element's text, with the restore of those a deletion took."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.text import normalize_newlines
from simple_history.models import HistoricalRecords

from ..validators import validate_line, validate_link, validate_source_text_length, validate_text

if TYPE_CHECKING:
    from .elements import StrategyElement


class SourceManager(models.Manager):
    def restore_deleted(
        self, elements: dict[int, StrategyElement], deleted_with: str, user=None
    ) -> int:
        """Recreates the sources that the deletion of ``deleted_with`` took along, on the
        restored ``elements`` (keyed by their primary key at deletion). A source removed on
        its own before that deletion stays removed. Runs inside ``restore_deleted``."""
        latest = {}
        for record in Source.history.filter(element_id__in=elements).order_by(
            "history_date", "history_id"
        ):
            latest[record.id] = record
        restored = 0
        for record in latest.values():
            if record.history_type != "-" or record.history_change_reason != (
                deleted_along_reason(deleted_with)
            ):
                continue
            source = Source(
                pk=None if self.filter(pk=record.id).exists() else record.id,
                element=elements[record.element_id],
                number=record.number,
                text=record.text,
                url=record.url,
                anchor=record.anchor,
            )
            source._history_user = user
            source._change_reason = "Gjenopprettet etter sletting"
            source.save(force_insert=True)
            restored += 1
        return restored


def deleted_along_reason(code: str) -> str:
    """The history's reason on everything a deletion of ``code`` took along; it is how a
    restore tells those rows from ones removed on their own earlier."""
    return f"Slettet med {code}"


class Source(models.Model):
    """A footnote: a source that annotates a phrase in an element's body text."""

    element = models.ForeignKey(
        "strategy.StrategyElement",
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name="element",
    )
    number = models.PositiveSmallIntegerField(
        "nummer", help_text="Fotnotens nummer i dokumentet, f.eks. 1 for [1]."
    )
    text = models.TextField("tekst", validators=[validate_text, validate_source_text_length])
    # Not a URLField: that allows ftp and refuses mailto; ``validate_link`` is the rule.
    url = models.CharField(
        "lenke",
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text="En adresse som begynner med https://, http:// eller mailto:.",
    )
    anchor = models.CharField(
        "henviser til",
        max_length=200,
        blank=True,
        validators=[validate_line],
        help_text="Ordene i brødteksten som fotnoten hører til; merket settes rett etter dem.",
    )

    objects = SourceManager()

    class Meta:
        ordering = ["number"]
        verbose_name = "kilde"
        verbose_name_plural = "kilder"
        constraints = [
            models.UniqueConstraint(
                fields=["element", "number"], name="unique_source_number_per_element"
            ),
        ]

    history = HistoricalRecords(verbose_name="historikk")

    def __str__(self) -> str:
        return f"[{self.number}] {self.text[:80]}"

    def save(self, *args, **kwargs) -> None:
        # A browser posts a textarea with CRLF: an untouched text must stay unchanged.
        self.text = normalize_newlines(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.element.get_absolute_url()}#{self.html_id}"

    @property
    def html_id(self) -> str:
        return f"kilde-{self.number}"

    @property
    def marker_html_id(self) -> str:
        """The ``id`` of its marker in the text, where the source's «Tilbake» link leads."""
        return f"henvisning-{self.number}"
