"""The content version: one row whose token changes whenever what the public sees may have
changed; public pages derive their ETag and Last-Modified from it."""

from __future__ import annotations

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone


class ContentVersion(models.Model):
    """One row that changes whenever what the public sees may have changed (a save, move or
    delete of a public element or of its sources, see strategy/signals.py). Public pages
    derive their ETag and Last-Modified from it, read in one query. A random token, not a
    counter, so that a restored backup never repeats a version that meant other content."""

    SINGLETON_PK = 1

    token = models.CharField("versjon", max_length=32)
    changed_at = models.DateTimeField("sist endret")

    class Meta:
        verbose_name = "innholdsversjon"
        verbose_name_plural = "innholdsversjoner"

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    def get_absolute_url(self) -> str:
        return reverse("strategy:front-page")

    @classmethod
    def bump(cls) -> None:
        # One upsert: concurrent writers never race on creating the row.
        cls.objects.bulk_create(
            [cls(pk=cls.SINGLETON_PK, token=uuid.uuid4().hex, changed_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["token", "changed_at"],
        )

    @classmethod
    def current(cls) -> ContentVersion | None:
        return cls.objects.filter(pk=cls.SINGLETON_PK).first()
