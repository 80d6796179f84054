"""Health check for the load balancer: is this process up and does the database answer?"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .deployment import process_warnings

logger = logging.getLogger(__name__)


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
