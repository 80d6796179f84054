"""Middleware for running the portal in production: request log line, admin CSP, admin
queries PostgreSQL cannot take, the proxy set-up."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse

from .deployment import notice_forwarded_for

request_logger = logging.getLogger("osloregion.requests")


class RequestLogMiddleware:
    """One line per request: method, path, status, duration. Only the path: query strings
    can carry tokens or passwords, and cookies and headers are never written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.REQUEST_LOG:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        request_logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


class AdminContentSecurityPolicyMiddleware:
    """The admin writes inline style attributes, which the public pages' strict policy
    forbids: give the admin's responses the looser ``ADMIN_CSP``, and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response


class AdminQueryMiddleware:
    """PostgreSQL cannot hold a NUL in a string: an admin filter or search with one
    (``?kind__exact=%00``) would fail in the database and answer 500. Refused with 400 before
    any view sees it. (Public pages never pass a raw query value to the database.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.admin_prefix) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Ugyldig forespørsel: adressen har et nulltegn (%00), som ikke kan brukes i et "
                "søk eller filter. Fjern det og prøv igjen.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class ForwardedForWatchMiddleware:
    """Notices a request with X-Forwarded-For while no proxy is trusted (``NUM_PROXIES = 0``):
    behind a proxy, every visitor then shares the proxy's address in the login lockout.
    Warns once per process (strategy/infrastructure/deployment.py); a dictionary lookup per
    request after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.NUM_PROXIES == 0 and "x-forwarded-for" in request.headers:
            notice_forwarded_for(request.META.get("REMOTE_ADDR", ""))
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for login throttling. Behind ``NUM_PROXIES`` proxies it is the
    entry those proxies appended to X-Forwarded-For (anything further left is the client's
    own claim and can be forged); without a proxy it is the peer address."""
    if settings.NUM_PROXIES > 0:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= settings.NUM_PROXIES:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")
