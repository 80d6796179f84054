"""The portal without its database: the load balancer's health check, and the Norwegian 503
page every request gets that cannot be answered (a page already in the worker's memory is
still sent, ``strategy/infrastructure/caching.py``)."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .deployment import process_warnings

logger = logging.getLogger(__name__)

# What a database that is down, unreachable or restarting raises (connection refused, lost
# connection, unknown host, a SQLite file that cannot be opened). Other database errors are
# bugs, and stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# A restart of PostgreSQL or a failover takes well under a minute.
RETRY_AFTER_SECONDS = 30


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Helsesjekk: databasen svarer ikke")
        return JsonResponse({"status": "feil", "database": "svarer ikke"}, status=503)
    # A set-up warning (e.g. X-Forwarded-For with DJANGO_NUM_PROXIES=0) is reported, but the
    # worker is healthy: the load balancer must keep sending it traffic.
    warnings = process_warnings()
    return JsonResponse({"status": "ok", "advarsler": warnings} if warnings else {"status": "ok"})


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 «Portalen er midlertidig utilgjengelig» with Retry-After. Renders without the
    database: no menu, no user."""
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it for every exception no view or middleware handled,
    wherever it was raised (a view, the 404 handler, a middleware). An unreachable database
    is not a bug in the portal: it gets the 503 page; anything else the 500 page."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return unavailable(request)
    return defaults.server_error(request)
