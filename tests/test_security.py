"""Secure by default in production: deploy checks, headers, cookies, login throttling,
hashed and far-future-cached static files."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SETTINGS_MODULE="osloregion_portal.settings",
    )
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    """Bug prevented: going live with a setting Django itself flags as insecure (no HSTS,
    cookies over plain HTTP, no SSL redirect, weak secret)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_secret_key_refuses_to_start_in_norwegian():
    """Bug prevented: a production server silently running with a guessable development key
    (forged sessions and password reset links)."""
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY mangler" in result.stderr


def test_production_settings_secure_cookies_hsts_and_proxy():
    """Bug prevented: session or CSRF cookies sent over HTTP or readable from JavaScript, HSTS
    forgotten, or the proxy's HTTPS not recognised (endless redirects)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
        "'CSRF_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_PROXY_SSL_HEADER', 'CSRF_TRUSTED_ORIGINS', 'X_FRAME_OPTIONS']}))"
    )
    result = run_python(code, production_env(DJANGO_CSRF_TRUSTED_ORIGINS="https://example.org"))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://example.org"],
        "X_FRAME_OPTIONS": "DENY",
    }
    shorter = run_python(code, production_env(DJANGO_HSTS_SECONDS="3600"))
    assert json.loads(shorter.stdout.strip().splitlines()[-1])["SECURE_HSTS_SECONDS"] == 3600


def test_public_pages_send_strict_csp_and_security_headers(client, strategy):
    """Bug prevented: an editor's or attacker's inline script running on a public page, the
    portal framed by another site (clickjacking), or MIME sniffing."""
    area = strategy.get_descendants().filter(kind="focus_area").first()
    for url in [
        reverse("strategy:front-page"),
        reverse("strategy:whole-strategy"),
        area.get_absolute_url(),
        "/finnes-ikke/",
    ]:
        response = client.get(url)
        assert response["Content-Security-Policy"] == STRICT_CSP, url
        assert "unsafe" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_header_on_https(client, strategy):
    """Bug prevented: browsers falling back to plain HTTP (SSL stripping) in production."""
    response = client.get(reverse("strategy:front-page"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_admin_gets_the_looser_policy_and_only_the_admin(client, strategy):
    """Bug prevented: the admin's tree (inline style attributes) broken by the strict policy,
    or the loosened policy leaking onto public pages."""
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-12345!")
    client.force_login(admin)
    for url in [
        reverse("admin:login"),
        reverse("admin:strategy_strategyelement_changelist"),
    ]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in policy, url
        assert "script-src 'self';" in policy
        assert "frame-ancestors 'none'" in policy
    assert client.get("/")["Content-Security-Policy"] == STRICT_CSP


def test_admin_login_is_locked_after_five_failures_with_norwegian_message(client, db):
    """Bug prevented: unlimited password guessing against the editors' admin accounts."""
    get_user_model().objects.create_superuser("redaktor", "r@example.com", "riktig-passord-42")
    login = reverse("admin:login")
    for _ in range(4):
        response = client.post(login, {"username": "redaktor", "password": "feil"})
        assert response.status_code == 200  # the form again, with its error
    locked = client.post(login, {"username": "redaktor", "password": "feil"})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Innloggingen er sperret" in html
    assert "15 minutter" in html
    # Even the right password is refused while locked.
    again = client.post(login, {"username": "redaktor", "password": "riktig-passord-42"})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_still_works_below_the_limit(client, db):
    """Bug prevented: throttling that locks out an editor who mistyped once, or an
    authentication backend order that breaks normal login."""
    get_user_model().objects.create_superuser("redaktor", "r@example.com", "riktig-passord-42")
    login = reverse("admin:login")
    client.post(login, {"username": "redaktor", "password": "feil"})
    response = client.post(
        login, {"username": "redaktor", "password": "riktig-passord-42", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_static_files_are_hashed_compressed_and_cached_forever(tmp_path):
    """Bug prevented: browsers keeping an old stylesheet after a deploy (no hashed names) or
    fetching it on every page (no far-future caching), or uncompressed CSS."""
    env = production_env(DJANGO_STATIC_ROOT=str(tmp_path / "static"))
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css" and hashed.startswith("css/site.")
    assert (tmp_path / "static" / f"{hashed}.gz").exists()
    code = (
        "import django; django.setup(); from django.test import Client; "
        "from django.templatetags.static import static; "
        "c = Client(HTTP_HOST='example.org'); "
        "url = static('css/site.css'); "
        "r = c.get(url, secure=True, HTTP_ACCEPT_ENCODING='gzip'); "
        "print(url); print(r.status_code); print(r['Cache-Control']); "
        "print(r.get('Content-Encoding', ''))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    url, status, cache_control, encoding = result.stdout.strip().splitlines()[-4:]
    assert url == f"/static/{hashed}"
    assert status == "200"
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    assert encoding == "gzip"


@pytest.mark.parametrize(
    ("num_proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),
        (1, "6.6.6.6, 192.0.2.7", "192.0.2.7"),
        (1, "", "10.0.0.1"),
    ],
)
def test_throttling_address_cannot_be_forged_through_x_forwarded_for(
    rf, settings, num_proxies, forwarded, expected
):
    """Bug prevented: an attacker dodging the lockout by sending a new X-Forwarded-For with
    every guess, or everyone behind the proxy sharing one lockout."""
    from strategy.infrastructure.middleware import client_ip

    settings.NUM_PROXIES = num_proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == expected
