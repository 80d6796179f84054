"""The portal as it runs in production - gunicorn, DJANGO_DEBUG=0, collected static files, the
real strategy - in a temporary folder on 127.0.0.1, for the scripts that look at it as a
visitor would (Lighthouse, the README's pictures)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Portalen svarte ikke på {url}")


@contextmanager
def running_portal(port: int) -> Iterator[str]:
    """Yields the portal's base URL (``http://127.0.0.1:<port>``) while it runs."""
    with tempfile.TemporaryDirectory(prefix="portal-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_PDF_CACHE_DIR": str(folder / "pdf"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
        }
        for command in (
            ["migrate", "--noinput"],
            ["load_strategy"],
            ["collectstatic", "--noinput"],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=BASE_DIR,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            if server.poll() is not None:
                raise SystemExit(f"gunicorn startet ikke (er port {port} i bruk?)")
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/helse/")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)
