"""Open data: the whole strategy as JSON (and back), each element's JSON, the CSV export."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from strategy.models import DeletedElement, ElementPath, Source, StrategyElement
from strategy.opendata import import_tree
from tests.test_tree import assert_tree_consistent

STRATEGY_JSON = reverse("strategy:strategy-json")


def whole_json(client) -> dict:
    response = client.get(STRATEGY_JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def walk(node: dict):
    yield node
    for child in node["barn"]:
        yield from walk(child)


def tree_snapshot() -> list[tuple]:
    """Everything the JSON must carry, independent of primary keys."""
    rows = []
    for element in StrategyElement.objects.select_related("parent").order_by("tree_id", "lft"):
        rows.append(
            (
                element.code,
                element.parent.code if element.parent else None,
                element.kind,
                element.title,
                element.slug,
                element.path,
                element.body,
                element.level,
                element.is_published,
                tuple(element.sources.values_list("number", "text", "url", "anchor")),
            )
        )
    return rows


def test_whole_strategy_json_has_every_element_with_its_fields(client, strategy):
    """Bug prevented: an open-data file that leaves out elements, texts, sources or the
    licence, so a re-user cannot cite or rebuild the strategy."""
    data = whole_json(client)
    assert data["lisens"]["kortnavn"] == "NLOD-2.0"
    assert data["lisens"]["url"] == "https://data.norge.no/nlod/no/2.0"
    assert data["formatversjon"] == 1
    nodes = list(walk(data["element"]))
    assert len(nodes) == StrategyElement.objects.count() == 54
    by_code = {node["kode"]: node for node in nodes}
    item = StrategyElement.objects.get(code="T-S2")
    node = by_code["T-S2"]
    assert node["tittel"] == item.title
    assert node["type"] == "strategy" and node["typenavn"] == "Strategi"
    assert node["permanent_url"] == "http://testserver/r/T-S2/"
    assert node["url"] == f"http://testserver{item.get_absolute_url()}"
    assert client.get(node["json_url"]).status_code == 200
    transport = by_code["T"]
    assert [child["kode"] for child in transport["barn"]] == list(
        item.parent.get_children().values_list("code", flat=True)
    )
    assert transport["kilder"][0]["tekst"].endswith("NOU 2023: 25")
    assert by_code["V"]["tekst"].startswith("Vår visjon er at «Osloregionen")


def test_whole_strategy_json_round_trips_into_an_empty_database(client, strategy, tmp_path):
    """Bug prevented: an export that cannot rebuild the strategy (lost order, parents, slugs,
    sources or codes), so the open data is not a faithful copy."""
    before = tree_snapshot()
    exported = client.get(STRATEGY_JSON).content
    StrategyElement.objects.all().delete()
    DeletedElement.objects.all().delete()
    ElementPath.objects.all().delete()
    assert not StrategyElement.objects.exists() and not Source.objects.exists()
    file = tmp_path / "strategi.json"
    file.write_bytes(exported)
    out = io.StringIO()
    call_command("import_strategy_json", str(file), stdout=out)
    assert "Importerte 54 elementer" in out.getvalue()
    assert tree_snapshot() == before
    assert_tree_consistent()
    assert client.get(STRATEGY_JSON).content == exported


def test_import_restores_deleted_codes_and_their_pages(client, strategy):
    """Bug prevented: restoring an export after an accidental delete leaving the 410
    tombstones in place, so the restored pages stay "removed"."""
    data = whole_json(client)
    StrategyElement.objects.all().delete()
    assert client.get("/r/T-S2/").status_code == 410
    import_tree(data)
    assert not DeletedElement.objects.exists()
    assert client.get("/r/T-S2/", follow=True).status_code == 200


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda data: data.pop("element"), "mangler «element»"),
        # What a value may be is the model's rule, in the model's words (as in the admin).
        (
            lambda data: data["element"]["barn"][0].update(kode="ugyldig kode"),
            "Referansekoden kan bare ha store bokstaver A–Z",
        ),
        (lambda data: data["element"]["barn"][0].update(type="theme"), "kan ikke ligge under"),
        (lambda data: data["element"]["barn"][0].update(type="ukjent"), "ukjent"),
        (lambda data: data["element"]["barn"][1].update(kode="V"), "står to ganger"),
        (lambda data: data["element"]["barn"][0].update(barn="x"), "må være en liste"),
    ],
)
def test_a_broken_json_file_is_refused_whole(client, strategy, mutate, message):
    """Bug prevented: half a tree imported from a damaged file, or a 500 instead of a
    Norwegian message."""
    data = whole_json(client)
    StrategyElement.objects.all().delete()
    mutate(data)
    with pytest.raises(ValidationError) as error:
        import_tree(data)
    assert message in str(error.value)
    assert not StrategyElement.objects.exists()


def test_import_into_a_database_with_the_same_codes_changes_nothing(client, strategy, tmp_path):
    """Bug prevented: an import duplicating the strategy or overwriting the editors' work."""
    before = tree_snapshot()
    file = tmp_path / "strategi.json"
    file.write_bytes(client.get(STRATEGY_JSON).content)
    with pytest.raises(CommandError) as error:
        call_command("import_strategy_json", str(file))
    assert "finnes allerede" in str(error.value)
    assert tree_snapshot() == before
    file.write_text("{ikke json", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_strategy_json", str(file))
    assert "ikke gyldig JSON" in str(error.value)


def test_element_json_has_its_hierarchy_and_subtree(client, strategy):
    """Bug prevented: per-element JSON without the context a re-user needs to place it."""
    response = client.get("/api/elementer/t.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["lisens"]["kortnavn"] == "NLOD-2.0"
    assert [level["kode"] for level in data["hierarki"]] == ["OR", "IO"]
    assert data["overordnet_kode"] == "IO"
    element = data["element"]
    assert element["kode"] == "T" and element["tittel"] == "Transport og mobilitet"
    assert [child["kode"] for child in element["barn"]] == [
        "T-U1", "T-U2", "T-U3", "T-D", "T-S1", "T-S2", "T-S3"
    ]  # fmt: skip
    assert element["kilder"][0]["nummer"] == 3


def test_element_json_of_draft_deleted_or_unknown_code(client, strategy):
    """Bug prevented: drafts leaking through the API, or a 500 for an unknown code."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    assert client.get("/api/elementer/T.json").status_code == 404
    assert client.get("/api/elementer/T-S1.json").status_code == 404
    StrategyElement.objects.get(code="B-S4").delete()
    response = client.get("/api/elementer/B-S4.json")
    assert response.status_code == 410
    assert "fjernet" in json.loads(response.content)["feil"]
    assert client.get("/api/elementer/FINNES-IKKE.json").status_code == 404
    whole = whole_json(client)
    codes = {node["kode"] for node in walk(whole["element"])}
    assert "T" not in codes and "T-S1" not in codes and "B-S4" not in codes


def test_csv_export_opens_in_excel_with_norwegian_letters(client, strategy):
    """Bug prevented: æ, ø and å garbled in Excel (no byte order mark), or rows missing."""
    response = client.get(reverse("strategy:elements-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["kode", "type", "tittel", "overordnet_kode", "permanent_url", "url"]
    assert len(rows) == 1 + StrategyElement.objects.count()
    by_code = {row[0]: row for row in rows[1:]}
    item = StrategyElement.objects.get(code="KM-S1")
    assert by_code["KM-S1"] == [
        "KM-S1",
        "Strategi",
        item.title,
        "KM",
        "http://testserver/r/KM-S1/",
        f"http://testserver{item.get_absolute_url()}",
    ]
    assert by_code["KM"][2] == "Klima, miljø og natur"
    assert by_code["OR"][3] == ""


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("https://evil.example/","Klikk")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "\uff1d1+1",  # full-width equals sign
    ],
)
def test_csv_cells_that_could_run_as_a_formula_are_neutralised(client, strategy, title):
    """Bug prevented: a title starting with =, +, -, @ (or tab/CR) written as-is into
    /api/strategi.csv, which Excel or LibreOffice then runs as a formula on the reader's
    machine (CSV injection, OWASP)."""
    StrategyElement(
        parent=strategy, kind="strategy", code="S99", title=title, is_published=True
    ).save()
    response = client.get(reverse("strategy:elements-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["S99"][2] == "'" + title
    # Nothing else got an apostrophe: ordinary cells are written as they are.
    assert by_code["KM"][2] == "Klima, miljø og natur"
    assert all(not cell.startswith("'") for row in rows if row[0] != "S99" for cell in row)


def test_pages_link_to_their_open_data(client, strategy):
    """Bug prevented: open data nobody finds, because no page says where it is."""
    html = client.get(reverse("strategy:whole-strategy")).content.decode()
    for url in (STRATEGY_JSON, reverse("strategy:elements-csv")):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    assert "NLOD 2.0" in html
    element = StrategyElement.objects.get(code="T-S2")
    html = client.get(element.get_absolute_url()).content.decode()
    alternate = '<link rel="alternate" type="application/json" href="/api/elementer/T-S2.json">'
    assert alternate in html


def test_open_data_answers_conditional_requests(client, strategy):
    """Bug prevented: harvesters re-downloading (and the server re-building) the whole JSON
    and CSV export on every poll, the slowest answers of the portal."""
    for url in (
        reverse("strategy:strategy-json"),
        reverse("strategy:element-json", kwargs={"code": "T-S2"}),
        reverse("strategy:elements-csv"),
    ):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
