"""Absolute URLs of the portal, from the one configured origin (``CANONICAL_ORIGIN``).

Never from the request: the Host header is the visitor's to choose, and a page that printed
it would carry that host into the page cache for every later visitor (issue 11, point 3)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/r/T-S2/`` → ``https://strategi.osloregionen.no/r/T-S2/``."""
    return settings.CANONICAL_ORIGIN + path
