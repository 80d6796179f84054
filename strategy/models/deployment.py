"""What a running process noticed about its deployment, for ``manage.py check --deploy``."""

from django.db import models


class DeploymentObservation(models.Model):
    """Something a running process noticed about its deployment that no system check can see
    (checks see settings, not requests), kept so that ``manage.py check --deploy`` - another
    process - can report it. See strategy/deployment.py."""

    key = models.CharField("hva", max_length=50, unique=True)
    detail = models.CharField("detalj", max_length=200, blank=True)
    seen_at = models.DateTimeField("sist sett", auto_now=True)

    class Meta:
        verbose_name = "observasjon om driften"
        verbose_name_plural = "observasjoner om driften"

    def __str__(self) -> str:
        return f"{self.key} ({self.detail})"
