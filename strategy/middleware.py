"""Middleware for running the portal in production: request log line, admin CSP."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

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


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for login throttling. Behind ``NUM_PROXIES`` proxies it is the
    entry those proxies appended to X-Forwarded-For (anything further left is the client's
    own claim and can be forged); without a proxy it is the peer address."""
    if settings.NUM_PROXIES > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= settings.NUM_PROXIES:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")
