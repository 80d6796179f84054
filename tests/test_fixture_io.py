"""Content in and out: the export round trip, and broken fixtures refused whole."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from strategy.models import Source, StrategyElement

FIXTURE = Path(settings.FIXTURE_DIRS[0]) / "strategy.json"


def database_state():
    return (
        list(StrategyElement.objects.order_by("pk").values_list()),
        list(Source.objects.order_by("pk").values_list()),
    )


def test_export_load_into_an_empty_database_export_again_gives_identical_bytes(strategy, tmp_path):
    """Bug prevented: an export that loses or reorders content, so the committed fixture
    drifts from what the editors made (or changes on every export)."""
    first = tmp_path / "first.json"
    call_command("export_strategy", output=str(first), verbosity=0)
    assert first.read_bytes() == FIXTURE.read_bytes()  # the committed file is an export

    StrategyElement.objects.all().delete()
    assert not StrategyElement.objects.exists() and not Source.objects.exists()
    call_command("load_strategy", str(first), verbosity=0)
    second = tmp_path / "second.json"
    call_command("export_strategy", output=str(second), verbosity=0)
    assert second.read_bytes() == first.read_bytes()


def _missing_parent(data):
    data[5]["fields"]["parent"] = 999
    return "pk=6", "pk=999 finnes ikke"


def _wrong_kind(data):
    data[5]["fields"]["kind"] = "theme"
    return "pk=6", "«Tverrgående tema» kan ikke stå under «Strategidokument»"


def _duplicate_code(data):
    copy = json.loads(json.dumps(data[3]))
    copy["pk"] = 900
    copy["fields"]["path"] += "-2"
    data.insert(4, copy)
    return "pk=900", "referansekoden «U1» er allerede brukt av strategielement pk=4"


def _broken_tree_numbers(data):
    data[5]["fields"]["rght"] = 40
    return "pk=6", "tallene i treet"


def _wrong_path(data):
    data[5]["fields"]["path"] = "feil/sti"
    return "pk=6", "stien «feil/sti» skulle vært"


def _missing_source_element(data):
    sources = [item for item in data if item["model"] == "strategy.source"]
    sources[0]["fields"]["element"] = 999
    return f"kilde pk={sources[0]['pk']}", "elementet pk=999 finnes ikke"


CHANGES = {
    "missing parent": _missing_parent,
    "wrong kind under a parent": _wrong_kind,
    "duplicate code": _duplicate_code,
    "broken nested-set numbers": _broken_tree_numbers,
    "wrong stored path": _wrong_path,
    "source of a missing element": _missing_source_element,
}


@pytest.mark.parametrize("case", CHANGES)
@pytest.mark.parametrize("database", ["empty", "with the strategy"])
def test_a_broken_fixture_is_refused_whole_naming_file_and_object(db, tmp_path, case, database):
    """Bug prevented: a broken fixture half loaded - a tree with holes, a goal under a
    part, two elements with one code - or refused with an error nobody can act on."""
    if database == "with the strategy":
        call_command("load_strategy", "strategy", verbosity=0)
    before = database_state()
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    expected_object, expected_problem = CHANGES[case](data)
    path = tmp_path / "odelagt.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("load_strategy", str(path), verbosity=0)
    message = str(refused.value)
    assert "ble ikke lastet, og databasen er uendret" in message
    assert str(path) in message
    assert expected_object in message and expected_problem in message
    assert database_state() == before


@pytest.mark.parametrize(
    ("content", "position"),
    [
        ('[{"model": "strategy.strategyelement", "pk": 1, "fields": {', "line 1 column"),
        (None, "line"),  # the real file cut off in the middle: a partial fixture
    ],
)
def test_bad_json_is_refused_with_file_and_position(strategy, tmp_path, content, position):
    """Bug prevented: a truncated or hand-broken file loading its first half, or failing
    with an English traceback."""
    if content is None:
        text = FIXTURE.read_text(encoding="utf-8")
        content = text[: len(text) // 2]
    path = tmp_path / "avbrutt.json"
    path.write_text(content, encoding="utf-8")
    before = database_state()
    with pytest.raises(CommandError) as refused:
        call_command("load_strategy", str(path), verbosity=0)
    message = str(refused.value)
    assert "ble ikke lastet, og databasen er uendret" in message
    assert str(path) in message and position in message
    assert database_state() == before


def test_load_strategy_still_loads_an_empty_database_and_twice_changes_nothing(db):
    """Bug prevented: the validating load refusing the real content."""
    call_command("load_strategy", "strategy", verbosity=0)
    once = database_state()
    assert len(once[0]) == 54
    call_command("load_strategy", "strategy", verbosity=0)
    assert database_state() == once


# Plain `manage.py loaddata` is Django's own; the model's rules still guard it.


def test_loaddata_is_djangos_own_command():
    """Bug prevented: a project command named loaddata silently replacing Django's, so that
    the documented Django command does something else here."""
    assert get_commands()["loaddata"] == "django.core"
    assert get_commands()["load_strategy"] == "strategy"


def test_plain_loaddata_loads_the_strategy_with_its_public_flags(db):
    """Bug prevented: Django's own loaddata leaving the derived public flag at its default,
    so that the loaded strategy shows nothing (or everything) to the public."""
    call_command("loaddata", "strategy", verbosity=0)
    assert StrategyElement.objects.count() == 54
    assert StrategyElement.objects.public().count() == 54
    assert StrategyElement.objects.current_document().code == "OR"


def test_plain_loaddata_derives_public_flags_whatever_the_order_of_rows(db, tmp_path):
    """Bug prevented: flags derived row by row from a parent not yet loaded, or a stored flag
    in a file trusted: an element under an unpublished parent shown to the public."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    elements = [item for item in data if item["model"] == "strategy.strategyelement"]
    parent = next(item for item in elements if item["fields"]["code"] == "K")
    parent["fields"]["is_published"] = False
    for item in elements:
        item["fields"]["is_public"] = True  # a file claiming every element public
    path = tmp_path / "baklengs.json"
    path.write_text(json.dumps(list(reversed(data)), ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)

    hidden = StrategyElement.objects.get(code="K").get_descendants(include_self=True)
    assert hidden.count() > 1
    assert not hidden.filter(is_public=True).exists()
    assert StrategyElement.objects.public().count() == 54 - hidden.count()


def test_plain_loaddata_refuses_a_bad_row_whole_in_norwegian(db, tmp_path):
    """Bug prevented: Django's own loaddata storing what the admin refuses (here a NUL in a
    title, which PostgreSQL refuses with an English error and SQLite stores), or a half-loaded
    file."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    vision = next(item for item in data if item["fields"].get("code") == "V")
    vision["fields"]["title"] = "Visjon\x00"
    path = tmp_path / "odelagt.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        call_command("loaddata", str(path), verbosity=0)
    assert f"strategielement pk={vision['pk']} (kode «V»): tittel:" in str(refused.value)
    assert "kontrolltegn" in str(refused.value)
    assert database_state() == ([], [])
