"""What a running process notices about how it is deployed, which a system check cannot see
(checks read settings, never requests).

Behind a proxy that adds ``X-Forwarded-For``, ``DJANGO_NUM_PROXIES=0`` makes the login lockout
(django-axes) see the proxy's address for every visitor: one attacker's failed guesses lock
out every editor, and the lockout cannot single the attacker out. The first such request in a
process (``ForwardedForWatchMiddleware``) is logged as a warning, remembered by the process
(reported by /helse/ without a query) and recorded in the database, where the deploy check
(``manage.py check --deploy``, another process) finds it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from ..models import DeploymentObservation

logger = logging.getLogger("osloregion.deployment")

UNTRUSTED_FORWARDING = "x-forwarded-for-uten-proxy"

# An older record no longer counts: the deployment may have changed since.
RECORD_RELEVANT_FOR = timedelta(days=30)

# What this process has seen: key -> (the peer address, when).
seen_in_this_process: dict[str, tuple[str, datetime]] = {}


def untrusted_forwarding_message(address: str, when: datetime) -> str:
    return (
        f"Portalen har fått forespørsler med X-Forwarded-For (sist "
        f"{timezone.localtime(when):%d.%m.%Y %H:%M}, fra {address or 'ukjent adresse'}), men "
        "DJANGO_NUM_PROXIES=0: innloggingssperren ser da proxyens adresse for alle brukere, så "
        "én angriper kan sperre alle redaktørene ute. Sett DJANGO_NUM_PROXIES til antall "
        "proxyer foran gunicorn (vanligvis 1) og start portalen på nytt."
    )


def notice_forwarded_for(address: str) -> None:
    """Called for a request with X-Forwarded-For while no proxy is trusted; acts once per
    process."""
    if UNTRUSTED_FORWARDING in seen_in_this_process:
        return
    now = timezone.now()
    seen_in_this_process[UNTRUSTED_FORWARDING] = (address, now)
    logger.warning(untrusted_forwarding_message(address, now))
    try:
        DeploymentObservation.objects.update_or_create(
            key=UNTRUSTED_FORWARDING, defaults={"detail": address[:200]}
        )
    except DatabaseError:
        # The warning is logged; the page the visitor asked for must not fail over it.
        logger.warning("Observasjonen kunne ikke lagres i databasen.", exc_info=True)


def process_warnings() -> list[str]:
    """What this process has seen, for /helse/ (no database query)."""
    if settings.NUM_PROXIES != 0 or UNTRUSTED_FORWARDING not in seen_in_this_process:
        return []
    return [untrusted_forwarding_message(*seen_in_this_process[UNTRUSTED_FORWARDING])]


def recorded_warnings() -> list[str]:
    """What any process recorded in the last 30 days, for ``check --deploy``. Silent when the
    setting is fixed, and when the database (or the table, before ``migrate``) is missing."""
    if settings.NUM_PROXIES != 0:
        return []
    try:
        record = DeploymentObservation.objects.filter(
            key=UNTRUSTED_FORWARDING, seen_at__gte=timezone.now() - RECORD_RELEVANT_FOR
        ).first()
    except DatabaseError:
        return []
    if record is None:
        return []
    return [untrusted_forwarding_message(record.detail, record.seen_at)]
