import os

import pytest
from django.core.management import call_command
from django.db import connection, models

from tests.factories import build_generated_tree
from tests.snapshots import put_back, tables_written_by


def pytest_configure(config):
    """Under CI=true the PostgreSQL run must really be on PostgreSQL (not a silent SQLite run)."""
    if os.environ.get("REQUIRE_POSTGRESQL") == "1":
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(
                f"REQUIRE_POSTGRESQL=1, men DATABASE_URL peker på {engine}: sett DATABASE_URL "
                "til en PostgreSQL-database."
            )


def pytest_collection_modifyitems(config, items):
    """Tests of one database engine itself run in that engine's pass of `make test`: the
    PostgreSQL ones when DATABASE_URL is PostgreSQL (where CI requires it), the SQLite ones
    otherwise. Deselected, not skipped: the other pass runs them."""
    from django.conf import settings

    on_postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    unwanted = "sqlite" if on_postgresql else "postgresql"
    deselected = [item for item in items if item.get_closest_marker(unwanted)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(unwanted)]


@pytest.fixture(scope="session")
def loaded_strategy(django_db_setup, django_db_blocker) -> dict[type[models.Model], list[dict]]:
    """``load_strategy strategy`` once per session (parsing, checks, history and all): every
    table it changed, as it left it. The load itself is rolled back, so a test that does not
    ask for the strategy still starts from an empty database."""
    return tables_written_by(
        lambda: call_command("load_strategy", "strategy", verbosity=0), django_db_blocker
    )


@pytest.fixture
def strategy(loaded_strategy, db):
    """The real strategy, loaded from fixtures/strategy.json: the rows the session's load
    wrote, put back in this test's transaction."""
    from strategy.models import StrategyElement

    put_back(loaded_strategy)
    return StrategyElement.objects.current_document()


@pytest.fixture
def generated_tree(db):
    """A strategy of 2,000+ elements of every kind, to prove pages do not grow in queries."""
    return build_generated_tree(focus_areas=20, items_per_group=50, themes=20)


@pytest.fixture
def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def editor(db):
    """A member of the secretariat's «Redaktør» group (not a superuser)."""
    from tests.admin_helpers import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, editor, strategy):
    """The test client logged in as ``editor``, with the real strategy loaded."""
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def fresh_worker_process(monkeypatch):
    """Each test starts as a new worker process: what one test's requests taught the process
    (strategy/infrastructure/deployment.py, e.g. an X-Forwarded-For without a trusted proxy) must
    not show up in another test's /helse/."""
    from strategy.infrastructure import deployment

    monkeypatch.setattr(deployment, "seen_in_this_process", {})


@pytest.fixture(autouse=True, scope="session")
def pdf_cache_in_a_temporary_folder(tmp_path_factory):
    """Tests (the fuzzer too, which asks for every PDF address) never write PDFs into the
    project's var/pdf/."""
    from django.conf import settings

    settings.PDF_CACHE_DIR = tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Django's PBKDF2 hashes a password in ~0.5 s on this machine, and the login, lockout and
    password-change tests hash dozens: tests check who may log in, not how strong the hash is
    (production keeps settings.PASSWORD_HASHERS; the subprocess checks of production settings
    do not see this override)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright, one per browser-test module (tests/browser.py)."""
    from tests import browser

    with browser.running_chromium() as instance:
        yield instance
