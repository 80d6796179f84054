"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py osloregion_portal.wsgi`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...), so
the same file serves the server, the benchmark and a developer's laptop.
"""

import multiprocessing
import os

wsgi_app = "osloregion_portal.wsgi:application"
# Behind the proxy on the same machine; the proxy terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: page rendering is CPU-bound, the database is close. 2 per core + 1 is
# gunicorn's recommendation for that.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so that a slow leak can never grow without bound; jitter keeps
# them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))
# The proxy's address may set X-Forwarded-Proto (Django reads it, SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# One line per request: address, method, path (never the query string, which may carry
# tokens), status, bytes and duration in milliseconds. Errors with tracebacks go to the error
# log (Django's django.request logger writes them to stderr too).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# gunicorn's access log already writes the request line; Django's own would double it.
os.environ.setdefault("DJANGO_REQUEST_LOG", "0")
