"""Bad content never gets in, whatever the door: the admin form, drag and drop, a fixture
(``load_strategy``; Django's ``loaddata`` row by row) or a JSON import
(``import_strategy_json``) all run the model's own validation (``full_clean()``: field
validators, tree rules, reserved slugs, the code pattern, link schemes) and refuse with a
Norwegian message, changing nothing."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from strategy.models import Kind, Source, StrategyElement
from strategy.validators import BODY_MAX_LENGTH
from tests.admin_helpers import (
    admin_url,
    element_form_data,
    make_editor,
    messages_of,
    move,
    tree_snapshot,
)
from tests.test_fixture_io import FIXTURE, database_state

# What each refusal must say (a fragment of the Norwegian message).
SLUG_MESSAGE = "Adressen kan bare ha små bokstaver a–z, sifre og bindestrek"
URL_MESSAGE = "Lenken må begynne med http://, https:// eller mailto:"
RESERVED_MESSAGE = "Adressen «admin» er reservert av portalen"
CODE_MESSAGE = "Referansekoden kan bare ha store bokstaver A–Z"
NO_CODE_MESSAGE = "Referansekoden mangler"
CONTROL_MESSAGE = "kontrolltegn"
TITLE_LENGTH_MESSAGE = "høyst 500 tegn (den har 600)"
BODY_LENGTH_MESSAGE = f"Brødteksten kan ha høyst {BODY_MAX_LENGTH:,} tegn".replace(",", " ")


def get(code: str) -> StrategyElement:
    return StrategyElement.objects.get(code=code)


# Each bad value, as (field of the element or "source url", value, expected message). The same
# list drives every door below.
BAD_ELEMENT_VALUES = {
    "slug with markup": ("slug", '"><script>alert(1)</script>', SLUG_MESSAGE),
    "slug with capitals": ("slug", "Visjon", SLUG_MESSAGE),
    "reserved top-level slug": ("slug", "admin", RESERVED_MESSAGE),
    "lower-case code": ("code", "t-s2", CODE_MESSAGE),
    "empty code": ("code", "", NO_CODE_MESSAGE),
    "code with path": ("code", "t s2/../x", CODE_MESSAGE),
    "NUL in title": ("title", "Visjon\x00", CONTROL_MESSAGE),
    "bell in body": ("body", "Tekst\x07 med bjelle", CONTROL_MESSAGE),
    "600-character title": ("title", "x" * 600, TITLE_LENGTH_MESSAGE),
    "body over the maximum": ("body", "ord " * (BODY_MAX_LENGTH // 4 + 1), BODY_LENGTH_MESSAGE),
}
BAD_SOURCE_URLS = {
    "javascript: link": "javascript:alert(1)",
    "data: link": "data:text/html,<script>alert(1)</script>",
    "link without scheme": "//evil.example/",
}


# 1. Fixtures (loaddata) ---------------------------------------------------------------------


def fixture_data() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def fixture_element(data: list[dict], code: str) -> dict:
    return next(
        item
        for item in data
        if item["model"] == "strategy.strategyelement" and item["fields"]["code"] == code
    )


def refused_fixture(tmp_path, data) -> str:
    path = tmp_path / "odelagt.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_strategy", str(path), verbosity=0)
    message = str(refused.value)
    assert "ble ikke lastet, og databasen er uendret" in message
    assert str(path) in message
    return message


@pytest.mark.parametrize("case", BAD_ELEMENT_VALUES)
@pytest.mark.parametrize("database", ["empty", "with the strategy"])
def test_a_fixture_with_a_bad_element_is_refused_whole(db, tmp_path, case, database):
    """Bug prevented: loaddata storing a slug with markup (every page then 500s with
    NoReverseMatch), slug «admin» at the top (the menu links to /admin/), a code that
    /r/<code>/ can never reach, a NUL (PostgreSQL refuses it with an English traceback) or an
    over-long title - because a fixture skipped the model's validation."""
    if database == "with the strategy":
        call_command("load_strategy", "strategy", verbosity=0)
    before = database_state()
    data = fixture_data()
    field, value, expected = BAD_ELEMENT_VALUES[case]
    target = fixture_element(data, "V")  # the vision: a top-level element without children
    if field == "code":
        target = fixture_element(data, "T-S2")
    target["fields"][field] = value
    if field == "slug":  # keep the stored path consistent: only the slug is wrong
        target["fields"]["path"] = value

    message = refused_fixture(tmp_path, data)
    assert f"strategielement pk={target['pk']}" in message
    assert expected in message
    assert database_state() == before


@pytest.mark.parametrize("case", BAD_SOURCE_URLS)
def test_a_fixture_with_a_script_link_in_a_source_is_refused_whole(db, tmp_path, case):
    """Bug prevented: a footnote link that runs script (or loads another site) when a reader
    clicks it, loaded from a fixture that skipped the admin's checks."""
    before = database_state()
    data = fixture_data()
    source = next(item for item in data if item["model"] == "strategy.source")
    source["fields"]["url"] = BAD_SOURCE_URLS[case]
    message = refused_fixture(tmp_path, data)
    assert f"kilde pk={source['pk']}" in message
    assert URL_MESSAGE in message
    assert database_state() == before


def test_a_fixture_with_a_footnote_number_twice_is_refused_in_norwegian(db, tmp_path):
    """Bug prevented: two footnotes [1] on one element refused by the database with an
    English integrity error instead of a message naming the object."""
    data = fixture_data()
    first, second = [item for item in data if item["model"] == "strategy.source"][:2]
    second["fields"]["number"] = first["fields"]["number"]
    second["fields"]["element"] = first["fields"]["element"]
    message = refused_fixture(tmp_path, data)
    assert f"kilde pk={second['pk']}" in message
    assert "finnes allerede" in message
    assert database_state() == ([], [])


def test_a_fixture_with_mailto_and_https_source_links_loads(db, tmp_path):
    """Bug prevented: the scheme check refusing the links sources really have."""
    data = fixture_data()
    sources = [item for item in data if item["model"] == "strategy.source"]
    sources[0]["fields"]["url"] = "mailto:post@osloregionen.no"
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("load_strategy", str(path), verbosity=0)
    assert Source.objects.get(pk=sources[0]["pk"]).url == "mailto:post@osloregionen.no"


# 2. JSON import (import_strategy_json) -------------------------------------------------------


def walk(node: dict):
    yield node
    for child in node["barn"]:
        yield from walk(child)


def exported_strategy(client) -> dict:
    data = json.loads(client.get(reverse("strategy:strategy-json")).content)
    StrategyElement.objects.all().delete()  # import into an empty database
    return data


JSON_FIELDS = {"slug": "slug", "code": "kode", "title": "tittel", "body": "tekst"}


@pytest.mark.parametrize("case", BAD_ELEMENT_VALUES)
def test_a_json_import_with_a_bad_element_is_refused_whole(client, strategy, tmp_path, case):
    """Bug prevented: import_strategy_json writing what loaddata and the admin refuse (a
    slug with markup, «admin» at the top, a code /r/ cannot reach, a NUL, a 600-character
    title), so every door has its own idea of valid content."""
    data = exported_strategy(client)
    before = database_state()
    field, value, expected = BAD_ELEMENT_VALUES[case]
    node = next(node for node in walk(data["element"]) if node["kode"] == "V")
    if field == "code":
        node = next(node for node in walk(data["element"]) if node["kode"] == "T-S2")
    node[JSON_FIELDS[field]] = value
    file = tmp_path / "strategi.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_strategy_json", str(file))
    assert expected in str(refused.value)
    assert database_state() == before


@pytest.mark.parametrize("case", BAD_SOURCE_URLS)
def test_a_json_import_with_a_script_link_is_refused_whole(client, strategy, tmp_path, case):
    """Bug prevented: a javascript: footnote link imported from a JSON file."""
    data = exported_strategy(client)
    node = next(node for node in walk(data["element"]) if node["kilder"])
    node["kilder"][0]["url"] = BAD_SOURCE_URLS[case]
    file = tmp_path / "strategi.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_strategy_json", str(file))
    assert URL_MESSAGE in str(refused.value)
    assert node["kode"] in str(refused.value)
    assert not StrategyElement.objects.exists() and not Source.objects.exists()


# 3. The admin form -------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, strategy):
    client.force_login(make_editor())
    return client


@pytest.mark.parametrize("case", [case for case in BAD_ELEMENT_VALUES if "code" not in case])
def test_the_change_form_refuses_bad_content_with_a_form_error(editor_client, case):
    """Bug prevented: the admin accepting what the model's rules refuse, or answering 500
    (PostgreSQL's 1 MB tsvector limit, a NUL) instead of saying what is wrong."""
    field, value, expected = BAD_ELEMENT_VALUES[case]
    vision = get("V")
    before = tree_snapshot()
    response = editor_client.post(
        admin_url("change", vision.pk), element_form_data(vision, **{field: value})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    if field != "title" or "\x00" not in value:  # the form's own NUL check speaks first
        assert expected in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert tree_snapshot() == before


@pytest.mark.parametrize("case", ["lower-case code", "code with path"])
def test_the_add_form_refuses_a_bad_code(editor_client, case):
    """Bug prevented: a hand-typed code that no /r/<code>/ link can reach."""
    _field, value, expected = BAD_ELEMENT_VALUES[case]
    before = tree_snapshot()
    data = element_form_data(parent=get("T").pk, kind=Kind.STRATEGY, code=value, title="Ny")
    response = editor_client.post(admin_url("add"), data)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert tree_snapshot() == before


def test_a_body_over_the_search_index_limit_is_a_form_error_not_a_500(editor_client):
    """Bug prevented: a pasted 1 MB text crashing the save on PostgreSQL ("string is too long
    for tsvector") with a 500 instead of a message the editor can act on."""
    vision = get("V")
    body = " ".join(f"ord{number}" for number in range(200_000))  # over 1 MB
    assert len(body.encode()) > 1_048_576
    response = editor_client.post(
        admin_url("change", vision.pk), element_form_data(vision, body=body)
    )
    assert response.status_code == 200
    assert BODY_LENGTH_MESSAGE in response.content.decode()
    assert get("V").body == vision.body


def test_a_body_at_the_maximum_is_saved(editor_client):
    """Bug prevented: a limit that refuses the longest text it promises to take."""
    vision = get("V")
    body = ("Ord " * BODY_MAX_LENGTH)[:BODY_MAX_LENGTH]
    response = editor_client.post(
        admin_url("change", vision.pk), element_form_data(vision, body=body)
    )
    assert response.status_code == 302
    assert get("V").body == body.strip()


@pytest.mark.parametrize("case", BAD_SOURCE_URLS)
def test_the_form_refuses_a_script_link_in_a_source(editor_client, case):
    """Bug prevented: a footnote link that runs script when clicked."""
    transport = get("T")
    data = element_form_data(transport)
    data["sources-0-url"] = BAD_SOURCE_URLS[case]
    response = editor_client.post(admin_url("change", transport.pk), data)
    assert response.status_code == 200
    assert URL_MESSAGE in response.content.decode()
    assert transport.sources.get().url == ""


def test_the_form_accepts_a_mailto_source_link(editor_client):
    """Bug prevented: a source that names an e-mail address refused by an http-only check."""
    transport = get("T")
    data = element_form_data(transport)
    data["sources-0-url"] = "mailto:post@osloregionen.no"
    response = editor_client.post(admin_url("change", transport.pk), data)
    assert response.status_code == 302
    assert transport.sources.get().url == "mailto:post@osloregionen.no"


@pytest.mark.parametrize(
    "query",
    [{"kind__exact": "\x00"}, {"q": "klima\x00"}, {"is_published__exact": "\x00"}],
)
def test_a_nul_in_the_admin_list_query_is_a_400_not_a_500(editor_client, query):
    """Bug prevented: ?kind__exact=%00 reaching PostgreSQL, which cannot hold a NUL in a
    string, and answering 500."""
    response = editor_client.get(admin_url("changelist"), query)
    assert response.status_code == 400
    assert "nulltegn" in response.content.decode()
    # The same list without the NUL still works.
    assert editor_client.get(admin_url("changelist"), {"kind__exact": "goal"}).status_code == 200


# 4. Drag and drop ---------------------------------------------------------------------------


def test_drag_and_drop_runs_the_same_validation(editor_client):
    """Bug prevented: a move skipping the rules the form applies: a strategy with the slug
    «admin», fine under a focus area, dropped at the top of the document, where the menu
    would link it to /admin/."""
    item = get("K-S1")
    item.slug = "admin"
    item.save()
    before = tree_snapshot()
    response = move(editor_client, get("K-S1"), get("S1"), "right")
    assert response.content.startswith(b"FAIL")
    assert any(
        "Flyttingen ble avvist" in message and RESERVED_MESSAGE in message
        for message in messages_of(response)
    )
    assert tree_snapshot() == before
