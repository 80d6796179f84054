"""One settings module for every environment, driven by environment variables.

DJANGO_DEBUG        "0" in production; unset or "1" in a local checkout, so that
                    `manage.py migrate && manage.py load_strategy && gunicorn
                    osloregion_portal.wsgi` works on a fresh clone without any set-up
DJANGO_SECRET_KEY   required when DJANGO_DEBUG=0: the app refuses to start without it
DJANGO_ALLOWED_HOSTS comma-separated host names
DATABASE_URL        e.g. postgres://user@127.0.0.1:5432/osloregion
                    (default: a SQLite file in the project folder)
Production hardening (see the section «Production hardening» and docs/drift.md):
DJANGO_HSTS_SECONDS, DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD,
DJANGO_SECURE_SSL_REDIRECT, DJANGO_CSRF_TRUSTED_ORIGINS, DJANGO_USE_X_FORWARDED_HOST,
DJANGO_NUM_PROXIES, DJANGO_STATIC_ROOT, DJANGO_REQUEST_LOG, DJANGO_CONTENT_VERSION_MAX_AGE,
DJANGO_CANONICAL_ORIGIN
DJANGO_ORGANISASJONSNUMMER  the publisher's number in Enhetsregisteret (open-data catalogue)
DJANGO_PDF_CACHE_DIR, DJANGO_PDF_WAIT_SECONDS
HUNSPELL_NB_DICTIONARY  the Norwegian dictionary for compound words (default: Debian's hunspell-no)
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY mangler. Sett en hemmelig nøkkel i miljøet før portalen "
            "startes i produksjon, eller sett DJANGO_DEBUG=1 for utvikling."
        )
    SECRET_KEY = "django-insecure-kun-for-utvikling"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]


def canonical_origin() -> str:
    """The one origin every absolute URL of the portal is built from (canonical, og:url, the
    citation's permanent link, open data, sitemap), never the request's Host header: a page
    is then the same whatever host a request names, so the page cache cannot be poisoned
    with another host's links. Production: DJANGO_CANONICAL_ORIGIN, or https:// and the first
    of DJANGO_ALLOWED_HOSTS; development: the address `make serve` uses."""
    origin = os.environ.get("DJANGO_CANONICAL_ORIGIN", "").strip()
    if not origin:
        if DEBUG:
            return "http://127.0.0.1:8000"
        first = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
        if not first or first.startswith(".") or "*" in first:
            raise ImproperlyConfigured(
                "DJANGO_CANONICAL_ORIGIN mangler. Sett portalens offentlige adresse, f.eks. "
                "https://strategi.osloregionen.no, eller et vanlig vertsnavn først i "
                "DJANGO_ALLOWED_HOSTS."
            )
        origin = f"https://{first}"
    parts = urlsplit(origin)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or origin != (f"{parts.scheme}://{parts.netloc}")
    ):
        raise ImproperlyConfigured(
            f"DJANGO_CANONICAL_ORIGIN={origin!r} er ikke en adresse som "
            "https://strategi.osloregionen.no (skjema og vertsnavn, uten sti eller / til slutt)."
        )
    return origin


CANONICAL_ORIGIN = canonical_origin()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "simple_history",
    "strategy",
    # Admin login throttling (AXES_* below).
    "axes",
]

MIDDLEWARE = [
    # One line per request (REQUEST_LOG below).
    "strategy.infrastructure.middleware.RequestLogMiddleware",
    # Before the page cache: it must see every request, also those served from memory.
    "strategy.infrastructure.middleware.ForwardedForWatchMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the page cache: the licence and CORS headers go on API answers from memory too.
    "strategy.public_site.opendata.OpenDataHeadersMiddleware",
    # Right after whitenoise: a page served from memory skips everything behind it.
    "strategy.infrastructure.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change (also for the descendants a deletion takes with it).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware, so that its response hook runs first and picks the admin policy.
    "strategy.infrastructure.middleware.AdminContentSecurityPolicyMiddleware",
    # Inside the CSP middleware, so that its 400 gets the admin's policy too.
    "strategy.infrastructure.middleware.AdminQueryMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "osloregion_portal.urls"
WSGI_APPLICATION = "osloregion_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "strategy.infrastructure.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue on the
    # busy timeout instead of failing with "database is locked" when a read upgrades to a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that is unreachable (not refusing) would otherwise hold a worker for minutes
    # per request; with this, its pages from memory still go out (infrastructure/caching.py).
    # ?connect_timeout=… in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
# Fills the gaps of Django's own nb catalogue for the admin (see locale/nb/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the finders when collectstatic has not run (development and tests).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Search splits Norwegian compounds with Debian's hunspell-no dictionary (search/language.py):
# the path of nb_NO.dic/.aff without the extension.
HUNSPELL_NB_DICTIONARY = os.environ.get("HUNSPELL_NB_DICTIONARY", "/usr/share/hunspell/nb_NO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "osloregion.requests": {"level": "INFO"},
    },
}

# How long five failed logins lock a user name from one address (django-axes, below).
LOGIN_LOCKOUT_MINUTES = 15

PORTAL = {
    "OWNER": "Osloregionen IPR",
    "OWNER_URL": "https://www.osloregionen.no/",
    "OWNER_URL_LABEL": "www.osloregionen.no",
    "ADDRESS": "Rådhuset 0037 Oslo",
    # Osloregionen IPR's number in Enhetsregisteret: names the publisher of the open data in
    # the DCAT-AP-NO description that data.norge.no harvests (README, «Åpne data»).
    "ORGANISATION_NUMBER": os.environ.get("DJANGO_ORGANISASJONSNUMMER", "").replace(" ", ""),
    "LOGIN_LOCKOUT_MINUTES": LOGIN_LOCKOUT_MINUTES,
}
if PORTAL["ORGANISATION_NUMBER"] and not (
    PORTAL["ORGANISATION_NUMBER"].isdecimal() and len(PORTAL["ORGANISATION_NUMBER"]) == 9
):
    raise ImproperlyConfigured(
        "DJANGO_ORGANISASJONSNUMMER må være et organisasjonsnummer med ni sifre, "
        f"ikke «{PORTAL['ORGANISATION_NUMBER']}»."
    )


# --- Production hardening: secure by default when DJANGO_DEBUG=0 ---------------------------

# The proxy terminates TLS and must overwrite (never pass on) X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes the health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^helse/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
# The admin's JavaScript (DraggableMPTTAdmin) reads the token from the form, never the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Public pages: nothing inline, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Django's admin and DraggableMPTTAdmin write style="" attributes; only /admin/ gets this.
ADMIN_CSP = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

# One line per request from the middleware; gunicorn.conf.py turns it off (its access log
# already writes that line).
REQUEST_LOG = env_bool("DJANGO_REQUEST_LOG", default=True)

# Admin login throttling: 5 failures for one user name from one address lock it for 15 min.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The only login is the admin's: a ?next= that Django refuses (another host) lands on the
# admin index, not on Django's default /accounts/profile/ (which does not exist here).
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "strategy/lockout.html"
AXES_CLIENT_IP_CALLABLE = "strategy.infrastructure.middleware.client_ip"
# How many proxies in front of gunicorn append to X-Forwarded-For (0: use the peer address).
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))

# Rendered public pages, per process, keyed on the content version (infrastructure/caching.py).
# In production a worker trusts the version it read for this many seconds (no query at all
# for a page from memory); an edit reaches every reader within that time.
CONTENT_VERSION_MAX_AGE = float(
    os.environ.get("DJANGO_CONTENT_VERSION_MAX_AGE", "0" if DEBUG else "1")
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rendered-pages",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
        if env_bool("DJANGO_PAGE_CACHE", default=True)
        # DJANGO_PAGE_CACHE=0 measures rendering (benchmarks/http_benchmark.py).
        else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    ),
}

# «Last ned PDF»: each PDF is made once per content version and kept here, shared by every
# worker (strategy/public_site/pdf.py). Must be writable by the app; old versions are removed.
PDF_CACHE_DIR = Path(os.environ.get("DJANGO_PDF_CACHE_DIR", BASE_DIR / "var" / "pdf"))
# How long a request waits for a PDF being made before it answers 503 with Retry-After (the
# making goes on): well inside gunicorn's timeout (GUNICORN_TIMEOUT, 30 s), so a large
# strategy's PDF never gets its worker killed.
PDF_WAIT_SECONDS = float(os.environ.get("DJANGO_PDF_WAIT_SECONDS", "20"))
