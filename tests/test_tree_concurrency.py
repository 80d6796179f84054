"""Several processes write to the tree at once; afterwards it must be exactly right.

Each test prepares its own database (a SQLite file, or a PostgreSQL database named after the
test database URL), migrates it with `manage.py migrate` in a subprocess, loads the real
strategy, and starts worker processes (tests/tree_stress.py) that add, move, reorder, rename
and delete elements for a bounded time, each reporting what it did.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
SCRIPT = BASE_DIR / "tests" / "tree_stress.py"


def run(args: list[str], database_url: str, timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def prepare(database_url: str) -> set[str]:
    for command in (["migrate", "--noinput", "-v0"], ["load_strategy", "strategy", "-v0"]):
        result = run([sys.executable, "manage.py", *command], database_url, timeout=300)
        assert result.returncode == 0, result.stderr
    state = verify(database_url)
    return set(state["codes"])


def verify(database_url: str) -> dict:
    result = run([sys.executable, str(SCRIPT), "verify"], database_url, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def hammer(database_url: str, workers: int, seconds: float, pause: float) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, str(SCRIPT), "work", "--worker", str(number)),
                *("--seconds", str(seconds), "--pause", str(pause)),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(1, workers + 1)
    ]
    reports = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=seconds + 240)
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout.strip().splitlines()[-1]))
    return reports


def check_after(database_url: str, original: set[str], reports: list[dict]) -> None:
    errors = [error for report in reports for error in report["errors"]]
    assert errors == [], errors[:10]
    added = [code for report in reports for code in report["added"]]
    deleted = [code for report in reports for code in report["deleted"]]
    assert len(deleted) == len(set(deleted)), "an element was deleted twice"
    writes = sum(sum(report["counts"].values()) for report in reports)
    assert len(added) >= 5 and writes >= 20, reports  # the test really wrote concurrently
    for operation in ("rename_area", "publish"):  # stale copies saved amid the others' moves
        assert sum(report["counts"][operation] for report in reports) >= 2, reports

    state = verify(database_url)
    assert state["rebuild_changed"] == [], state["rebuild_changed"][:10]
    assert state["problems"] == [], state["problems"][:10]  # stored paths and public flags
    assert len(state["codes"]) == len(set(state["codes"])), "duplicated element"
    assert set(state["codes"]) == (original | set(added)) - set(deleted), "lost element"


@pytest.mark.postgresql
def test_concurrent_tree_writes_on_postgresql_leave_a_consistent_tree():
    """Bug prevented: two editors (or workers) moving and deleting at the same moment and
    interleaving django-mptt's lft/rght rewrites, corrupting the nested set so that pages
    show elements in the wrong place, lose them or show them twice."""
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://..."
    base = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{base['NAME']}_tree_stress"
    admin_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        original = prepare(database_url)
        reports = hammer(database_url, workers=4, seconds=12, pause=0.0)
        check_after(database_url, original, reports)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.sqlite
def test_concurrent_tree_writes_on_sqlite_never_hit_database_is_locked(tmp_path):
    """Bug prevented: "database is locked" errors (a 500 for the editor) when two writes meet
    on SQLite, and a corrupted tree when they do not fail."""
    database_url = f"sqlite:///{tmp_path / 'stress.sqlite3'}"
    original = prepare(database_url)
    reports = hammer(database_url, workers=3, seconds=5, pause=0.05)
    check_after(database_url, original, reports)


def test_saving_a_stale_copy_after_a_move_keeps_the_tree_consistent(strategy):
    """Bug prevented: an editor saves a form loaded before a colleague moved the element (or
    renamed its parent); django-mptt then writes the old parent next to the new lft/rght
    numbers, and the element shows under one parent in the tree and another on the page."""
    from strategy.models import StrategyElement
    from tests.test_tree import assert_tree_consistent

    stale = StrategyElement.objects.get(code="T-S1")
    StrategyElement.objects.get(code="T-S1").move_to(
        StrategyElement.objects.get(code="KM"), "last-child"
    )
    area = StrategyElement.objects.get(code="KM")
    area.slug = "klima"
    area.save()
    stale.title = "Ved å lagre en gammel kopi"
    stale.save()
    assert_tree_consistent()
    saved = StrategyElement.objects.get(code="T-S1")
    assert saved.title == "Ved å lagre en gammel kopi"
    assert saved.path.startswith("innsatsomrader/transport-og-mobilitet/strategier/")


def test_saving_a_copy_read_before_a_move_elsewhere_renames_its_whole_subtree(strategy, tmp_path):
    """Bug prevented: update_paths() selecting "the subtree" with the lft/rght of a copy read
    before another editor's move shifted them, so that one of its children kept the old slug
    in its stored path; export_strategy → loaddata then refused the export, and rebuild()
    did not notice. (Issue 11, point 7, exactly as reported.)"""
    from django.core.management import call_command

    from strategy.infrastructure.integrity import tree_problems
    from strategy.models import StrategyElement

    second_area = StrategyElement.objects.get(code="KM")  # focus area #2, loaded
    StrategyElement.objects.get(code="K-S1").move_to(  # from focus area #1 to the last one
        StrategyElement.objects.get(code="B"), "last-child"
    )
    second_area.slug = "klima"
    second_area.save()

    elements = list(StrategyElement.objects.order_by("tree_id", "lft"))
    assert tree_problems(elements) == []
    below = StrategyElement.objects.get(code="KM").get_descendants()
    assert below.count() == 7
    for element in below:
        assert element.path.startswith("innsatsomrader/klima/"), element.code

    exported = tmp_path / "strategy.json"
    call_command("export_strategy", output=str(exported), verbosity=0)
    StrategyElement.objects.all().delete()
    call_command("load_strategy", str(exported), verbosity=0)  # refused before the fix
    assert StrategyElement.objects.get(code="KM-S1").path.startswith("innsatsomrader/klima/")
