"""Where elements were: the paths they had before a rename, move or deletion (old links answer
301), and the tombstones of deleted elements (their codes stay issued; their public links answer
410 Gone, and a restore puts them back where they stood)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from .kinds import Kind

MAX_PATH_LENGTH = 1000


class ElementPathQuerySet(models.QuerySet):
    def record(self, path: str, code: str) -> None:
        """Remember that ``path`` led to the element ``code``; the latest owner of a path wins."""
        if path:
            self.update_or_create(path=path, defaults={"code": code})


class ElementPath(models.Model):
    """A path an element had before it was renamed, moved or deleted, so the old link still
    answers (301 to the element's current page, or 410 if it is gone). Keyed by the permanent
    code, not a foreign key, so the record outlives the element."""

    path = models.CharField("tidligere sti", max_length=MAX_PATH_LENGTH, unique=True)
    code = models.CharField("referansekode", max_length=20, db_index=True)
    recorded_at = models.DateTimeField("registrert", auto_now=True)

    objects = ElementPathQuerySet.as_manager()

    class Meta:
        verbose_name = "tidligere adresse"
        verbose_name_plural = "tidligere adresser"

    def __str__(self) -> str:
        return f"/{self.path}/ → {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:element", kwargs={"element_path": self.path})


class DeletedElement(models.Model):
    """The tombstone of a deleted element: its code stays issued, and, if the public could see
    it when it was deleted, its old URLs answer 410 Gone with a page saying what it was, when
    it was removed, and where its parent is."""

    code = models.CharField("referansekode", max_length=20, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("tittel", max_length=500, blank=True)
    path = models.CharField("siste sti", max_length=MAX_PATH_LENGTH, blank=True)
    parent_code = models.CharField("overordnet elements kode", max_length=20, blank=True)
    parent_title = models.CharField("overordnet elements tittel", max_length=500, blank=True)
    # A draft (or anything under one) that is deleted leaves a tombstone too, so that its code
    # is never issued again; but its links stay plain 404s, as before it was deleted.
    was_public = models.BooleanField("var offentlig da det ble slettet", default=False)
    deleted_at = models.DateTimeField("slettet", auto_now_add=True)
    # What a restore needs to put the element back where it stood, with what went with it.
    deleted_with = models.CharField(
        "slettet sammen med",
        max_length=20,
        blank=True,
        help_text="Koden til elementet som ble slettet (seg selv, eller en forfar som tok "
        "dette elementet med seg).",
    )
    previous_sibling_code = models.CharField(
        "stod etter", max_length=20, blank=True, help_text="Tom: stod først under forelderen."
    )
    tree_order = models.PositiveIntegerField(
        "plass i treet", default=0, help_text="lft ved slettingen; 0: ikke kjent."
    )

    class Meta:
        verbose_name = "slettet element"
        verbose_name_plural = "slettede elementer"

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("strategy:permalink", kwargs={"code": self.code})
