"""Open data: the whole strategy as JSON (and back), each element's JSON, the CSV export, the
JSON Schemas, the licence and CORS headers, the DCAT-AP-NO catalogue and the /api/ page."""

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import get_resolver, reverse
from jsonschema import Draft202012Validator
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from strategy.models import DeletedElement, ElementPath, Source, StrategyElement
from strategy.public_site.opendata import CSV_COLUMNS, PUBLISHER, import_tree
from tests.helpers import element_html, main_html, page_text
from tests.test_tree import assert_tree_consistent

STRATEGY_JSON = reverse("strategy:strategy-json")
ORIGIN = settings.CANONICAL_ORIGIN


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
    assert node["permanent_url"] == f"{ORIGIN}/r/2025-2028/T-S2/"
    assert node["url"] == f"{ORIGIN}{item.get_absolute_url()}"
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
    assert rows[0][:6] == ["kode", "type", "tittel", "overordnet_kode", "permanent_url", "url"]
    assert len(rows) == 1 + StrategyElement.objects.count()
    by_code = {row[0]: row for row in rows[1:]}
    item = StrategyElement.objects.get(code="KM-S1")
    assert by_code["KM-S1"][:6] == [
        "KM-S1",
        "Strategi",
        item.title,
        "KM",
        f"{ORIGIN}/r/2025-2028/KM-S1/",
        f"{ORIGIN}{item.get_absolute_url()}",
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
    assert f'<a href="{reverse("strategy:api")}">dokumentasjonen av API-et</a>' in html
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


def csv_rows(client) -> list[dict[str, str]]:
    raw = client.get(reverse("strategy:elements-csv")).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw), delimiter=";"))


def test_csv_has_plain_text_level_position_and_parent_title(client, strategy):
    """Bug prevented: a CSV from which a spreadsheet user cannot read the text, rebuild the
    hierarchy or sort the elements back into the strategy's order."""
    header = client.get(reverse("strategy:elements-csv")).content.decode("utf-8-sig")
    assert header.splitlines()[0] == (
        "kode;type;tittel;overordnet_kode;permanent_url;url;niva;posisjon;overordnet_tittel;tekst;utgave"
    )
    item = StrategyElement.objects.get(code="T-S1")
    item.body = "Første *avsnitt*.\n\nAndre avsnitt med [en lenke](https://example.org)."
    item.save()
    rows = csv_rows(client)
    by_code = {row["kode"]: row for row in rows}
    assert by_code["T-S1"]["tekst"] == "Første avsnitt.\nAndre avsnitt med en lenke."
    assert by_code["T-S1"]["overordnet_tittel"] == "Transport og mobilitet"
    assert by_code["T-S1"]["niva"] == "3"
    assert by_code["V"]["tekst"].startswith("Vår visjon er at «Osloregionen")
    document = by_code["OR"]
    assert (document["niva"], document["posisjon"], document["overordnet_tittel"]) == ("0", "1", "")
    # Every row's level and place among its siblings are the tree's own.
    for element in StrategyElement.objects.select_related("parent"):
        row = by_code[element.code]
        assert int(row["niva"]) == element.level, element.code
        if element.parent is not None:
            siblings = list(element.parent.get_children().values_list("code", flat=True))
            assert int(row["posisjon"]) == siblings.index(element.code) + 1, element.code
            assert row["overordnet_tittel"] == element.parent.display_title, element.code
    transport = [row["kode"] for row in rows if row["overordnet_kode"] == "T"]
    positions = [int(by_code[code]["posisjon"]) for code in transport]
    assert positions == list(range(1, len(transport) + 1))


# --- JSON Schema ---------------------------------------------------------------------------


def described_by(response) -> str:
    """The schema URL a JSON answer names in its Link header (rel="describedby")."""
    for part in response["Link"].split(","):
        url, _, params = part.strip().partition(";")
        if 'rel="describedby"' in params:
            return url.strip("<> ")
    raise AssertionError(f"no describedby link in {response['Link']!r}")


def validator_at(client, url: str) -> Draft202012Validator:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == url
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(validator: Draft202012Validator, data) -> None:
    errors = sorted(validator.iter_errors(data), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_every_json_export_validates_against_its_published_schema(client, strategy):
    """Bug prevented: an export that drifts from its documented format (a field renamed,
    added or retyped) without anyone noticing, breaking the re-users who rely on the schema."""
    response = client.get(STRATEGY_JSON)
    strategy_schema = validator_at(client, described_by(response))
    assert described_by(response) == f"{ORIGIN}/api/skjema/strategi.schema.json"
    assert_valid(strategy_schema, json.loads(response.content))

    element_schema = None
    for code in StrategyElement.objects.values_list("code", flat=True):
        answer = client.get(reverse("strategy:element-json", kwargs={"code": code}))
        assert answer.status_code == 200, code
        element_schema = element_schema or validator_at(client, described_by(answer))
        assert_valid(element_schema, json.loads(answer.content))

    errors = validator_at(client, f"{ORIGIN}/api/skjema/feil.schema.json")
    StrategyElement.objects.get(code="B-S4").delete()
    for url, status in (
        ("/api/elementer/B-S4.json", 410),
        ("/api/elementer/FINNES-IKKE.json", 404),
        ("/api/skjema/finnes-ikke.schema.json", 404),
    ):
        answer = client.get(url)
        assert answer.status_code == status, url
        assert_valid(errors, json.loads(answer.content))


def test_the_schemas_are_strict_enough_to_catch_drift(client, strategy):
    """Bug prevented: a schema so loose (any field, any kind, any code) that validating the
    exports against it proves nothing."""
    data = whole_json(client)
    validator = validator_at(client, f"{ORIGIN}/api/skjema/strategi.schema.json")
    assert_valid(validator, data)
    broken = [
        lambda d: d["element"]["barn"][0].update(nytt_felt="x"),
        lambda d: d["element"]["barn"][0].update(type="paragraph"),
        lambda d: d["element"]["barn"][0].update(kode="t s2"),
        lambda d: d["element"]["barn"][0].pop("tittel"),
        lambda d: d["element"]["kilder"].append({"nummer": "1"}),
        lambda d: d.update(formatversjon=2),
        lambda d: d["lisens"].update(url="https://example.org/lisens"),
        lambda d: d["element"]["barn"][0].update(url="/relativ/"),
    ]
    for mutate in broken:
        copy = json.loads(json.dumps(data))
        mutate(copy)
        assert not validator.is_valid(copy), mutate


def test_the_whole_json_of_a_2000_element_tree_validates(client, generated_tree):
    """Bug prevented: a schema that fits the real strategy but not every tree the model allows
    (deep focus areas, many sources, untitled texts)."""
    response = client.get(STRATEGY_JSON)
    data = json.loads(response.content)
    assert len(list(walk(data["element"]))) >= 2000
    assert_valid(validator_at(client, described_by(response)), data)


# --- Headers: licence and CORS ---------------------------------------------------------------

LICENCE_LINK = '<https://data.norge.no/nlod/no/2.0>; rel="license"'


def api_urls() -> dict[str, int]:
    """Every open-data endpoint, with an answer of each kind (200, 400, 404, 410, 501)."""
    page = f"{ORIGIN}{StrategyElement.objects.get(code='T-S2').get_absolute_url()}"
    return {
        STRATEGY_JSON: 200,
        "/api/elementer/T-S2.json": 200,
        "/api/elementer/FINNES-IKKE.json": 404,
        "/api/elementer/B-S4.json": 410,
        reverse("strategy:elements-csv"): 200,
        "/api/skjema/strategi.schema.json": 200,
        "/api/skjema/element.schema.json": 200,
        "/api/skjema/feil.schema.json": 200,
        "/api/skjema/oembed.schema.json": 200,
        "/api/skjema/finnes-ikke.schema.json": 404,
        "/api/katalog.ttl": 200,
        "/api/katalog.jsonld": 200,
        f"/oembed?url={page}&format=json": 200,
        "/oembed?url=https://example.org/&format=json": 404,
        "/oembed": 400,
        f"/oembed?url={page}&format=xml": 501,
    }


def test_every_api_answer_names_its_licence_and_may_be_read_from_any_site(client, strategy):
    """Bug prevented: a municipality's web page that cannot fetch the data from the browser
    (no CORS header), or a re-user who gets data without its licence, also on an error, a 304
    or an answer from the page cache."""
    StrategyElement.objects.get(code="B-S4").delete()
    for url, status in api_urls().items():
        first = client.get(url)
        assert first.status_code == status, url
        assert LICENCE_LINK in first["Link"], url
        assert first["Access-Control-Allow-Origin"] == "*", url
        assert first["Access-Control-Expose-Headers"] == "ETag, Link", url
        head = client.head(url)
        assert head["Access-Control-Allow-Origin"] == "*", url
        if status == 200:
            cached = client.get(url)  # from the worker's page cache
            assert cached["Access-Control-Allow-Origin"] == "*", url
            assert LICENCE_LINK in cached["Link"], url
            not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
            assert not_modified.status_code == 304, url
            assert not_modified["Access-Control-Allow-Origin"] == "*", url
            assert LICENCE_LINK in not_modified["Link"], url


def test_nothing_but_public_gets_of_the_api_gets_cors(client, strategy):
    """Bug prevented: CORS opened on pages, the admin, the embeddable card or a write
    method, where another site reading the answer (or sending cookies along) is not meant
    to be possible."""
    element = StrategyElement.objects.get(code="T-S2")
    for url in (
        "/",
        element.get_absolute_url(),
        "/hele-strategien/",
        reverse("strategy:api"),
        "/r/T-S2/kort/",
        "/r/T-S2/referanse.ris",
        "/sok/?q=transport",
        "/sitemap.xml",
        "/robots.txt",
        "/admin/login/",
        "/api/finnes-ikke/",
        "/finnes-ikke/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not response.has_header("Access-Control-Allow-Origin"), url
    strict = Client(enforce_csrf_checks=True)
    for method in ("post", "put", "delete", "options"):
        response = getattr(strict, method)(STRATEGY_JSON)
        assert response.status_code in (403, 405), method
        assert not response.has_header("Access-Control-Allow-Origin"), method
    assert client.post(STRATEGY_JSON).status_code == 405  # read-only, also past CSRF


# --- DCAT-AP-NO --------------------------------------------------------------------------------

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"


def catalogue_graphs(client) -> tuple[Graph, Graph]:
    turtle = client.get("/api/katalog.ttl")
    json_ld = client.get("/api/katalog.jsonld")
    assert turtle["Content-Type"] == "text/turtle; charset=utf-8"
    assert json_ld["Content-Type"] == "application/ld+json; charset=utf-8"
    return (
        Graph().parse(data=turtle.content.decode(), format="turtle"),
        Graph().parse(data=json_ld.content.decode(), format="json-ld"),
    )


def the(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def norwegian(graph: Graph, subject, predicate) -> str:
    value = the(graph, subject, predicate)
    assert isinstance(value, Literal) and value.language == "nb", (subject, predicate, value)
    assert str(value).strip(), (subject, predicate)
    return str(value)


def test_dcat_ap_no_catalogue_has_the_mandatory_properties(client, strategy):
    """Bug prevented: a description data.norge.no refuses or shows half empty (no Norwegian
    title, no publisher organisation, no contact point, no theme, distributions without
    format or licence), or a Turtle and a JSON-LD that say different things."""
    graph, from_json_ld = catalogue_graphs(client)
    assert isomorphic(graph, from_json_ld)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalog) == f"{ORIGIN}/api/#katalog"
    assert "Strategiske føringer for Osloregionen 2025–2028" in norwegian(graph, catalog, DCT.title)
    norwegian(graph, catalog, DCT.description)
    assert str(the(graph, catalog, DCT.identifier)) == str(catalog)
    publisher = the(graph, catalog, DCT.publisher)
    assert isinstance(publisher, URIRef)
    assert (publisher, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in graph
    assert norwegian(graph, publisher, FOAF.name) == PUBLISHER
    contact = the(graph, catalog, DCAT.contactPoint)
    assert str(the(graph, contact, VCARD.hasEmail)) == "mailto:post@osloregionen.no"
    norwegian(graph, contact, VCARD.fn)

    [dataset] = graph.objects(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert norwegian(graph, dataset, DCT.title) == strategy.title
    norwegian(graph, dataset, DCT.description)
    assert the(graph, dataset, DCT.publisher) == publisher
    assert the(graph, dataset, DCAT.contactPoint) == contact
    themes = set(map(str, graph.objects(dataset, DCAT.theme)))
    assert themes and all(theme.startswith(EU + "data-theme/") for theme in themes)
    assert str(the(graph, dataset, DCAT.landingPage)) == f"{ORIGIN}/"

    formats = {}
    for distribution in graph.objects(dataset, DCAT.distribution):
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        norwegian(graph, distribution, DCT.title)
        assert str(the(graph, distribution, DCT.license)) == EU + "licence/NLOD_2_0"
        file_type = str(the(graph, distribution, DCT["format"])).removeprefix(EU + "file-type/")
        access = str(the(graph, distribution, DCAT.accessURL))
        formats[file_type] = access
        assert client.get(access).status_code == 200, access
    assert formats == {
        "JSON": f"{ORIGIN}/api/strategi.json",
        "CSV": f"{ORIGIN}/api/strategi.csv",
    }
    # Every resource named under /api/ leads to its explanation on the documentation page.
    page = client.get(reverse("strategy:api")).content.decode()
    distributions = set(graph.objects(dataset, DCAT.distribution))
    for resource in {catalog, dataset, publisher, contact, *distributions}:
        anchor = str(resource).removeprefix(f"{ORIGIN}/api/#")
        assert f'id="{anchor}"' in page, resource


def test_dcat_publisher_is_the_organisation_in_enhetsregisteret_when_configured(
    client, strategy, settings
):
    """Bug prevented: data.norge.no unable to link the datasets to Osloregionen IPR, because
    the publisher is not named by its organisation number."""
    settings.PORTAL = {**settings.PORTAL, "ORGANISATION_NUMBER": "123456789"}
    graph, _ = catalogue_graphs(client)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    publisher = the(graph, catalog, DCT.publisher)
    assert str(publisher) == (
        "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/123456789"
    )
    assert str(the(graph, publisher, DCT.identifier)) == "123456789"


def test_a_malformed_organisation_number_stops_the_portal_with_a_norwegian_message():
    """Bug prevented: a typo in the organisation number published to the national catalogue
    instead of being caught when the portal starts."""
    env = {**os.environ, "DJANGO_ORGANISASJONSNUMMER": "12345"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_ORGANISASJONSNUMMER må være et organisasjonsnummer med ni sifre" in (
        result.stderr
    )


# --- The documentation page /api/ -------------------------------------------------------------


def open_data_routes() -> list[str]:
    """The fixed start of every open-data endpoint's route ("api/elementer/", "oembed")."""
    routes = []
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", [pattern]):
            if getattr(inner.callback, "open_data", False):
                routes.append(str(inner.pattern).split("<", 1)[0])
    return routes


def test_api_page_documents_every_endpoint_and_is_linked_from_every_page(client, strategy):
    """Bug prevented: open data that developers find only by accident (the old single line at
    the bottom of «Hele strategien»), or an endpoint added without documentation."""
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(main_html(html))
    routes = open_data_routes()
    assert len(routes) >= 7
    for route in routes:
        assert f"/{route}" in text, route
    for column in CSV_COLUMNS:
        assert f"<code>{column}</code>" in html, column
    for words in (
        "Norsk lisens for offentlige data (NLOD) 2.0",
        f"Kilde: {PUBLISHER}",
        "formatversjon 1",
        "If-None-Match",
        "304 Not Modified",
        "Access-Control-Allow-Origin: *",
        f"curl -s {ORIGIN}/api/strategi.json",
        f"curl -s {ORIGIN}/api/elementer/T-S2.json",
        "/r/<kode>/kort/",
        f"data.norge.no høster beskrivelsen fra {ORIGIN}/api/katalog.ttl",
    ):
        assert words in text, words
    schema_links = re.findall(rf'href="({re.escape(ORIGIN)}/api/skjema/[^"]+)"', html)
    assert len(schema_links) == 4
    for url in schema_links:
        validator_at(client, url)
    for url in ("/", StrategyElement.objects.get(code="T-S2").get_absolute_url(), "/sok/"):
        footer = element_html(client.get(url).content.decode(), "footer", class_="site-footer")
        assert '<a href="/api/">Åpne data og API</a>' in footer, url


def test_new_endpoints_answer_conditional_requests(client, strategy):
    """Bug prevented: harvesters, CMSs and reference managers re-downloading the catalogue,
    the schemas, cards and references on every poll."""
    page = f"{ORIGIN}{StrategyElement.objects.get(code='T-S2').get_absolute_url()}"
    for url in (
        "/api/",
        "/api/skjema/strategi.schema.json",
        "/api/katalog.ttl",
        "/api/katalog.jsonld",
        f"/oembed?url={page}",
        "/r/T-S2/kort/",
        "/r/T-S2/referanse.ris",
        "/r/T-S2/referanse.bib",
        "/r/T-S2/referanse.json",
    ):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"], url
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url
        StrategyElement.objects.filter(code="T-S2").first().save()  # a new content version
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200, url
