"""Health check for the load balancer and the request log."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse

from strategy.models import Kind, StrategyElement


def test_health_answers_ok_when_the_database_answers(client, db, django_assert_num_queries):
    """Bug prevented: a load balancer sending traffic to a worker whose database is gone, or
    taking a healthy one out."""
    url = reverse("strategy:health")
    assert url == "/helse/"
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_fails(client, db, monkeypatch):
    """Bug prevented: a health check that reports "ok" (or crashes with a 500 page) while the
    database is unreachable."""

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("strategy.infrastructure.health.connection", BrokenConnection())
    response = client.get(reverse("strategy:health"))
    assert response.status_code == 503
    assert response.json()["status"] == "feil"


def test_helse_is_a_reserved_slug(strategy):
    """Bug prevented: an element called «Helse» taking /helse/ from the health check."""
    root = StrategyElement.objects.get(code="OR")
    element = StrategyElement(parent=root, kind=Kind.SECTION, code="X", title="Helse")
    with pytest.raises(ValidationError):
        element.full_clean()


def test_one_log_line_per_request_without_secrets(client, strategy, caplog):
    """Bug prevented: passwords or tokens from query strings and session cookies ending up in
    log files that many people can read."""
    client.cookies["sessionid"] = "hemmelig-sesjon-123"
    with caplog.at_level(logging.INFO, logger="osloregion.requests"):
        client.get("/?password=hemmelig-passord&token=abc", HTTP_AUTHORIZATION="Bearer xyz-789")
        client.get("/finnes-ikke/")
    lines = [r.getMessage() for r in caplog.records if r.name == "osloregion.requests"]
    assert len(lines) == 2
    assert lines[0].startswith("GET / 200 ") and lines[0].endswith("ms")
    assert lines[1].startswith("GET /finnes-ikke/ 404 ")
    everything = caplog.text
    for secret in ["hemmelig-passord", "token=", "hemmelig-sesjon-123", "xyz-789"]:
        assert secret not in everything


def test_errors_are_logged_with_traceback_and_a_norwegian_500(
    client, strategy, caplog, monkeypatch
):
    """Bug prevented: a failing page that leaves nothing in the log to find the cause, or a
    technical error page shown to readers."""

    def broken(*args, **kwargs):
        raise RuntimeError("simulert feil")

    monkeypatch.setattr(StrategyElement.objects, "current_document", broken)
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("strategy:whole-strategy"))
    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()
    errors = [
        r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR
    ]
    assert errors and errors[0].exc_info is not None
    assert "simulert feil" in str(errors[0].exc_info[1])
    assert any(
        r.getMessage().startswith("GET /hele-strategien/ 500 ")
        for r in caplog.records
        if r.name == "osloregion.requests"
    )


def test_ssl_redirect_spares_the_health_check(client, db, settings):
    """Bug prevented: a load balancer probing over plain HTTP inside the network getting a 301
    to HTTPS and taking every worker out of rotation."""
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    fresh = Client()  # SecurityMiddleware reads the setting when the handler is built
    assert fresh.get("/").status_code == 301
    assert fresh.get("/", headers={"X-Forwarded-Proto": "https"}).status_code != 301
    assert fresh.get("/helse/").status_code == 200
