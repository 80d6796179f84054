"""The portal notices, and the deploy checks report, a proxy it does not trust: requests with
X-Forwarded-For while DJANGO_NUM_PROXIES=0 (the login lockout then sees one address for all)."""

import logging

from django.core import checks
from django.urls import reverse

from strategy.models import DeploymentObservation

WARNING_ID = "strategy.W001"


def deploy_warnings() -> list[checks.CheckMessage]:
    return [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.id == WARNING_ID
    ]


def test_forwarded_for_with_no_trusted_proxy_is_logged_recorded_and_reported(
    client, strategy, settings, caplog
):
    """Bug prevented: a portal behind a proxy running with DJANGO_NUM_PROXIES=0 unnoticed, so
    every visitor shares the proxy's address in the login lockout and one attacker's guesses
    lock out all the editors."""
    settings.NUM_PROXIES = 0
    assert deploy_warnings() == []
    assert client.get(reverse("strategy:health")).json() == {"status": "ok"}

    with caplog.at_level(logging.WARNING, logger="osloregion.deployment"):
        client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
        client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.10", REMOTE_ADDR="10.0.0.2")
    logged = [r for r in caplog.records if r.name == "osloregion.deployment"]
    assert len(logged) == 1  # once per process, not per request
    assert "DJANGO_NUM_PROXIES=0" in logged[0].getMessage()
    assert "10.0.0.2" in logged[0].getMessage()

    # `check --deploy` (another process) reads what the worker recorded.
    (warning,) = deploy_warnings()
    assert warning.level == checks.WARNING
    assert "X-Forwarded-For" in warning.msg and "DJANGO_NUM_PROXIES=0" in warning.msg
    assert "innloggingssperren" in warning.msg
    # The health check reports it, and stays healthy: the worker itself is fine.
    health = client.get(reverse("strategy:health"))
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert "DJANGO_NUM_PROXIES=0" in health.json()["advarsler"][0]


def test_no_warning_when_the_proxy_is_trusted_or_absent(client, strategy, settings, caplog):
    """Bug prevented: a warning that cries wolf on a correct set-up (trusted proxy, or no
    proxy at all), so that operators learn to ignore the deploy checks."""
    settings.NUM_PROXIES = 1
    with caplog.at_level(logging.WARNING, logger="osloregion.deployment"):
        client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
        settings.NUM_PROXIES = 0
        client.get("/", REMOTE_ADDR="203.0.113.9")  # no proxy, no header
    assert not DeploymentObservation.objects.exists()
    assert not [r for r in caplog.records if r.name == "osloregion.deployment"]
    assert deploy_warnings() == []
    assert "advarsler" not in client.get(reverse("strategy:health")).json()


def test_the_warning_ends_when_the_setting_is_fixed(client, strategy, settings):
    """Bug prevented: a deploy check that keeps warning after the operator set
    DJANGO_NUM_PROXIES, so the fix cannot be confirmed."""
    settings.NUM_PROXIES = 0
    client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert len(deploy_warnings()) == 1
    settings.NUM_PROXIES = 1
    assert deploy_warnings() == []
    assert "advarsler" not in client.get(reverse("strategy:health")).json()


def test_a_page_from_the_page_cache_is_noticed_too(client, strategy, settings):
    """Bug prevented: the watch sitting behind the page cache, which answers most requests
    before any later middleware runs, and so never seeing the proxy."""
    settings.NUM_PROXIES = 0
    client.get("/")  # now in the page cache
    client.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert DeploymentObservation.objects.count() == 1
