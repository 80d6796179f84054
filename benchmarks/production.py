"""Production settings for a benchmark or script that runs the portal in its own process.

Call ``use_production_settings`` before ``django.setup()``: DJANGO_DEBUG=0 as the portal runs
(no debug cursor logging every query), a throw-away secret key, the test client's "testserver"
as host over plain HTTP (no proxy terminates HTTPS here), no request log line (gunicorn.conf.py
turns it off in production too), and a temporary STATIC_ROOT for collectstatic's manifest (the
hashed static file names the pages link to). What the environment already sets wins.
"""

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def use_production_settings(name: str) -> None:
    """``name`` names the temporary folders (``osloregion-<name>-…``)."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osloregion_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_REQUEST_LOG", "0")
    if "DJANGO_STATIC_ROOT" not in os.environ:
        os.environ["DJANGO_STATIC_ROOT"] = temporary_folder(name)


def temporary_folder(name: str) -> str:
    """A folder removed when the process ends."""
    folder = tempfile.mkdtemp(prefix=f"osloregion-{name}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
