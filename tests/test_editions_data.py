"""Editions in the machine-readable channels and at a date (issue 13, §3 and §5): schema.org
JSON-LD with the edition and its dates, «Hele strategien» and the open data with ``?dato=``,
the per-element JSON's change history, and the edition the exports state."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from strategy.models import (
    DeletedElement,
    Edition,
    EditionStatus,
    ElementPath,
    PendingChange,
    StrategyElement,
)
from tests.admin_helpers import admin_url, form_fields, make_editor
from tests.test_editions import (
    TITLE,
    element,
    first_edition,
    loaded_long_ago,
    oslo,
    set_history_date,
    text_of,
)

ORIGIN = settings.CANONICAL_ORIGIN
OLD_DAY = "2026-03-01"


def reword(code: str = "T-S2", title: str = "Ved å endre ordlyden") -> tuple[StrategyElement, str]:
    """The strategy as loaded on 1 January 2025, its T-S2 saved unchanged on 1 June 2025 and
    reworded on 12 March 2026 with a change note. Returns the element and its original title."""
    loaded_long_ago()
    item = element(first_edition(), code)
    original = item.title
    item.save()  # the first recorded version
    set_history_date(item, oslo(2025, 6, 1, 12))
    PendingChange.objects.create(element=item, title=title, slug=item.slug, body=item.body)
    item.publish(note="Endret etter vedtak i representantskapet 12.3.2026")
    set_history_date(item, oslo(2026, 3, 12, 12))
    return item, original


def json_ld(html: str) -> list[dict]:
    blocks = html.split('<script type="application/ld+json">')[1:]
    return [json.loads(block.split("</script>")[0]) for block in blocks]


def test_element_json_ld_is_part_of_its_edition_which_is_part_of_the_document(client, strategy):
    """Prevents structured data that cannot tell which edition's words a page shows, or when
    they were published and last changed."""
    item, _original = reword()
    [data] = json_ld(text_of(client.get(item.get_absolute_url())))
    edition = data["isPartOf"]
    assert edition["@type"] == "Report" and edition["name"] == strategy.title
    assert edition["version"] == "2025-2028" and edition["creativeWorkStatus"] == "Gjeldende"
    assert edition["url"] == f"{ORIGIN}/"
    assert edition["isPartOf"]["@type"] == "CreativeWorkSeries"
    assert edition["isPartOf"]["url"] == f"{ORIGIN}/utgaver/"
    assert data["datePublished"] == "2025-01-01"
    assert data["dateModified"] == data["version"] == "2026-03-12"
    assert data["sameAs"] == f"{ORIGIN}/r/2025-2028/T-S2/"
    assert data["encoding"]["license"] == "https://data.norge.no/nlod/no/2.0"


def test_whole_strategy_at_a_date_shows_the_words_of_that_day(client, strategy):
    """Prevents «Hele strategien» answering a dated question with today's words."""
    _item, original = reword()
    then = client.get("/hele-strategien/", {"dato": OLD_DAY})
    assert then.status_code == 200
    text = text_of(then)
    assert original in text and "Ved å endre ordlyden" not in text
    assert "Slik strategien lød 1. mars 2026" in text
    today = text_of(client.get("/hele-strategien/"))
    assert "Ved å endre ordlyden" in today and "Slik strategien lød" not in today
    edition_page = text_of(client.get("/utgaver/2025-2028/hele-strategien/", {"dato": OLD_DAY}))
    assert original in edition_page and "Ved å endre ordlyden" not in edition_page


def test_whole_strategy_refuses_a_bad_or_future_date_in_norwegian(client, strategy):
    """Prevents a 500 (or today's text passed off as another day's) for a date that is not
    one, or has not come yet."""
    for value, message in (
        ("2026-02-30", "er ikke en dato"),
        ("i går", "er ikke en dato"),
        ("2999-01-01", "har ikke vært ennå"),
    ):
        response = client.get("/hele-strategien/", {"dato": value})
        assert response.status_code == 404, value
        assert message in text_of(response), value


def test_open_data_at_a_date_states_its_edition_and_date(client, strategy):
    """Prevents an export that does not say which edition and which day its text is, and
    ``?dato=`` being ignored by the open data."""
    _item, original = reword()
    data = client.get("/api/strategi.json", {"dato": OLD_DAY}).json()
    assert (data["utgave"], data["utgavestatus"], data["dato"]) == (
        "2025-2028",
        "gjeldende",
        OLD_DAY,
    )
    assert original in json.dumps(data, ensure_ascii=False)
    assert "Ved å endre ordlyden" not in json.dumps(data, ensure_ascii=False)
    today = client.get("/api/strategi.json").json()
    assert today["dato"] != OLD_DAY and "Ved å endre ordlyden" in json.dumps(
        today, ensure_ascii=False
    )
    rows = list(
        csv.reader(
            io.StringIO(client.get("/api/strategi.csv", {"dato": OLD_DAY}).content.decode()),
            delimiter=";",
        )
    )
    titles = {row[0].lstrip("\ufeff"): row[2] for row in rows}
    assert titles["T-S2"] == original and rows[0][-1] == "utgave" and rows[1][-1] == "2025-2028"
    bad = client.get("/api/strategi.json", {"dato": "01.03.2026"})
    assert bad.status_code == 400 and "ÅÅÅÅ-MM-DD" in bad.json()["feil"]
    assert client.get("/api/elementer/T-S2.json", {"dato": OLD_DAY}).json()["element"][
        "tittel"
    ] == (original)


def test_element_json_has_the_change_history_with_dated_links(client, strategy):
    """Prevents a per-element JSON from which a machine cannot learn when and why the text
    changed, or find the words of an earlier day."""
    _item, original = reword()
    data = client.get("/api/elementer/T-S2.json").json()
    history = data["endringer"]
    assert [entry["merknad"] for entry in history] == [
        "",
        "Endret etter vedtak i representantskapet 12.3.2026",
    ]
    assert history[0]["url"] == f"{ORIGIN}/r/2025-2028/T-S2/2025-01-01/"
    assert history[1]["dato"].startswith("2026-03-12")
    assert data["element"]["permanent_url"] == f"{ORIGIN}/r/2025-2028/T-S2/"
    first = client.get(history[0]["url"].removeprefix(ORIGIN))
    assert first.status_code == 200 and original in text_of(first)


# The change note on a direct «Lagre», draft editions' dated views, adoption during an edit --


def change_form(client, item: StrategyElement) -> dict[str, str]:
    """The change form as rendered, its change note empty."""
    return form_fields(text_of(client.get(admin_url("change", item.pk))), change_note="")


def test_a_direct_save_of_a_public_text_change_needs_a_change_note(client, strategy):
    """Prevents «Lagre» changing the words the public (and council cases) rely on without the
    change note «Publiser» asks for, which would leave «Endringer» silent about it."""
    client.force_login(make_editor())
    item = element(first_edition(), "T-S2")
    fields = {**change_form(client, item), "title": "Ny ordlyd lagret direkte", "_save": "Lagre"}
    refused = client.post(admin_url("change", item.pk), fields)
    assert refused.status_code == 200 and "endringsmerknad" in text_of(refused)
    assert element(first_edition(), "T-S2").title == item.title  # nothing saved
    fields = {**change_form(client, item), "title": "Ny ordlyd lagret direkte", "_save": "Lagre"}
    saved = client.post(admin_url("change", item.pk), {**fields, "change_note": "Rettet navn"})
    assert saved.status_code == 302
    assert element(first_edition(), "T-S2").title == "Ny ordlyd lagret direkte"
    page = text_of(client.get(item.get_absolute_url()))
    assert "Rettet navn" in page.split('id="endringer-tittel"')[1]
    # A change the public does not see (the slug only) needs none.
    fields = {**change_form(client, item), "slug": "ny-adresse", "_save": "Lagre"}
    assert client.post(admin_url("change", item.pk), fields).status_code == 302


def test_dated_views_of_a_draft_edition_are_for_editors_only(client, strategy):
    """Prevents the public reading (or a cache keeping) an edition the secretariat has not
    sent to consultation, through its dated links."""
    Edition.objects.start_new("2029-2032")
    today = timezone.localdate().isoformat()
    url = f"/r/2029-2032/T-S2/{today}/"
    assert client.get(url).status_code == 404
    client.force_login(make_editor())
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]


def test_adopting_an_edition_while_an_editor_edits_it_loses_neither(client, strategy):
    """Prevents an adoption and an editor's form, opened before it and saved after it,
    undoing each other: the edition is in force and the edit is kept."""
    edition = Edition.objects.start_new("2029-2032")
    editor = Client()
    editor.force_login(make_editor("redaktor2"))
    item = element(edition, "T-S2")
    opened = form_fields(text_of(editor.get(admin_url("change", item.pk))), change_note="")
    edition.adopt()  # the secretariat adopts meanwhile
    fields = {**opened, "title": "Redigert mens utgaven ble vedtatt", "_save": "Lagre"}
    saved = editor.post(admin_url("change", item.pk), {**fields, "change_note": "Rettelse"})
    assert saved.status_code == 302
    edition.refresh_from_db()
    assert edition.status == EditionStatus.IN_FORCE
    assert first_edition().status == EditionStatus.SUPERSEDED
    kept = element(edition, "T-S2")
    assert kept.title == "Redigert mens utgaven ble vedtatt" and kept.is_public
    assert "Redigert mens utgaven ble vedtatt" in text_of(client.get(kept.get_absolute_url()))


def test_search_covers_the_edition_in_force_and_on_request_another_naming_each_hits_edition(
    client, strategy
):
    """Prevents search mixing editions (a consultation draft's words found as if in force),
    offering no way to search another edition, or hits that do not say their edition."""
    edition = Edition.objects.start_new("2029-2032")
    item = element(edition, "T-S2")
    item.title = "Ved å prøve akvatoriumløsninger i høringsutkastet"
    item.save()
    draft = client.get("/sok/", {"q": "akvatoriumløsninger", "utgave": "2029-2032"})
    assert "finnes ikke; søker i gjeldende utgave" in text_of(draft)  # a draft is not public
    assert "/utgaver/2029-2032/" not in text_of(draft)
    edition.send_to_consultation(timezone.localdate())
    default = text_of(client.get("/sok/", {"q": "akvatoriumløsninger"}))
    assert "Ingen treff" in default and "Søker i gjeldende utgave" in default
    chosen = text_of(client.get("/sok/", {"q": "akvatoriumløsninger", "utgave": "2029-2032"}))
    assert f'href="/utgaver/2029-2032/{item.path}/"' in chosen
    assert "Utgave 2029–2032 (høring)" in chosen.split('class="search-result__edition">')[1]
    in_force = text_of(client.get("/sok/", {"q": "transport"}))
    assert '<p class="search-result__edition">Gjeldende utgave</p>' in in_force
    listing = text_of(client.get("/utgaver/"))
    assert 'name="utgave" value="2029-2032"' in listing


def test_cards_and_oembed_name_the_edition_in_force_while_another_is_on_consultation(
    client, strategy
):
    """Prevents the card, reference files and oEmbed of /r/T-S2/ picking the consultation
    draft's T-S2 (the same code in another public edition), and oEmbed refusing the
    edition-qualified permanent link the citation box gives."""
    edition = Edition.objects.start_new("2029-2032")
    item = element(edition, "T-S2")
    item.title = "Ved å prøve høringsutkastets ordlyd"
    item.save()
    edition.send_to_consultation(timezone.localdate())
    in_force = element(first_edition(), "T-S2")
    for _ in range(3):  # whichever row the database happens to return first
        card = text_of(client.get("/r/T-S2/kort/"))
        assert in_force.title in card and "høringsutkastets" not in card
        assert "høringsutkastets" not in text_of(client.get("/r/T-S2/referanse.ris"))
    answer = client.get("/oembed", {"url": f"{ORIGIN}/r/2029-2032/T-S2/"})
    assert answer.status_code == 200 and "høringsutkastets" in answer.json()["title"]


def test_a_superseded_edition_keeps_its_own_open_data_card_and_reference_files(client, strategy):
    """Prevents a superseded element's page pointing its JSON, card and reference files at
    the same code in the edition in force (``/api/elementer/T-S2.json`` gave the 2029 words
    on the 2025–2028 page), and an edition with no open data of its own."""
    old = element(first_edition(), "T-S2")
    following = Edition.objects.start_new("2029-2032")
    new = element(following, "T-S2")
    new.title = "Ved å gjøre noe annet fra 2029"
    new.save()
    following.adopt(timezone.localdate(), "28/1")
    old = element(first_edition(), "T-S2")  # its edition is superseded now
    page = text_of(client.get(old.get_absolute_url()))
    json_url = "/utgaver/2025-2028/api/elementer/T-S2.json"
    assert f'<link rel="alternate" type="application/json" href="{json_url}">' in page
    for suffix in ("ris", "bib", "json"):
        assert f'href="/r/2025-2028/T-S2/referanse.{suffix}"' in page
    assert f"{ORIGIN}/r/2025-2028/T-S2/kort/" in page  # the embed code
    data = client.get(json_url).json()
    assert (data["utgave"], data["utgavestatus"]) == ("2025-2028", "erstattet")
    assert data["element"]["tittel"] == old.title
    assert data["element"]["json_url"] == f"{ORIGIN}{json_url}"
    assert data["kilde"] == f"{ORIGIN}/utgaver/2025-2028/api/strategi.json"
    assert client.get("/api/elementer/T-S2.json").json()["element"]["tittel"] == new.title
    # The whole edition's data, JSON and CSV, with the open-data headers.
    whole = client.get("/utgaver/2025-2028/api/strategi.json")
    assert whole.json()["utgave"] == "2025-2028" and old.title in text_of(whole)
    assert whole["Access-Control-Allow-Origin"] == "*" and 'rel="license"' in whole["Link"]
    assert client.get("/api/strategi.json").json()["utgave"] == "2029-2032"
    table = client.get("/utgaver/2025-2028/api/strategi.csv")
    rows = list(csv.DictReader(io.StringIO(text_of(table).lstrip("\ufeff")), delimiter=";"))
    assert {row["utgave"] for row in rows} == {"2025-2028"}
    assert old.title in {row["tittel"] for row in rows}
    assert "strategi-osloregionen-2025-2028.csv" in table["Content-Disposition"]
    dated = client.get("/utgaver/2025-2028/api/strategi.json", {"dato": timezone.localdate()})
    assert dated.json()["utgave"] == "2025-2028"
    # «Hele strategien» of the superseded edition: its own canonical address and data.
    whole_page = text_of(client.get("/utgaver/2025-2028/hele-strategien/"))
    assert 'href="/utgaver/2025-2028/api/strategi.json">JSON</a>' in whole_page
    assert 'href="/utgaver/2025-2028/api/strategi.csv">CSV</a>' in whole_page
    assert f'rel="canonical" href="{ORIGIN}/utgaver/2025-2028/hele-strategien/"' in whole_page
    # Card and reference files: with the edition, its element; without, the 2025-2028 one
    # (printed before editions existed), never the edition in force's.
    assert old.title in text_of(client.get("/r/2025-2028/T-S2/kort/"))
    assert new.title in text_of(client.get("/r/2029-2032/T-S2/kort/"))
    for url in ("/r/T-S2/kort/", "/r/T-S2/referanse.ris", "/r/2025-2028/T-S2/referanse.ris"):
        assert old.title in text_of(client.get(url)), url
        assert new.title not in text_of(client.get(url)), url
    assert new.title in text_of(client.get("/r/2029-2032/T-S2/referanse.bib"))
    answer = client.get("/oembed", {"url": f"{ORIGIN}{old.get_absolute_url()}"})
    assert answer.status_code == 200 and old.title in answer.json()["title"]
    # An edition that is not public, or none: a Norwegian 404.
    for url in ("/utgaver/1999-2002/api/strategi.json", "/utgaver/1999-2002/api/strategi.csv"):
        answer = client.get(url)
        assert answer.status_code == 404 and "1999-2002" in answer.json()["feil"], url
    assert client.get("/utgaver/1999-2002/api/elementer/T-S2.json").status_code == 404


def test_a_draft_editions_open_data_and_cards_are_not_public(client, strategy):
    """Prevents the secretariat's unfinished draft leaking through its open-data addresses."""
    draft = Edition.objects.start_new("2029-2032")
    item = element(draft, "T-S2")
    item.title = "Hemmelig utkast"
    item.save()
    for url in (
        "/utgaver/2029-2032/api/strategi.json",
        "/utgaver/2029-2032/api/strategi.csv",
        "/utgaver/2029-2032/api/elementer/T-S2.json",
        "/r/2029-2032/T-S2/kort/",
        "/r/2029-2032/T-S2/referanse.ris",
    ):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "Hemmelig" not in text_of(answer), url


# The migration that brought editions to an existing database ------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_existing_content_the_2025_2028_edition_in_force():
    """Prevents an existing database losing its strategy (no edition in force, so no page)
    or its printed links (/r/<kode>/, old paths, tombstones) when editions arrive."""
    before = [("strategy", "0012_merge_20261129_0042")]
    call_command("migrate", "strategy", "0012_merge_20261129_0042", verbosity=0)
    apps = MigrationExecutor(connection).loader.project_state(before).apps
    Element = apps.get_model("strategy", "StrategyElement")
    try:
        Element.objects.create(
            pk=1, code="OR", kind="document", title="Strategi for Osloregionen", slug="or",
            path="", is_published=True, is_public=True, lft=1, rght=4, tree_id=1, level=0,
        )  # fmt: skip
        Element.objects.create(
            pk=2, parent_id=1, code="S1", kind="strategy", title="S1", slug="s1", path="s1",
            is_published=True, is_public=True, lft=2, rght=3, tree_id=1, level=1,
        )  # fmt: skip
        apps.get_model("strategy", "ElementPath").objects.create(path="gammel", code="S1")
        apps.get_model("strategy", "DeletedElement").objects.create(
            code="S2", kind="strategy", title="S2", was_public=True
        )
    finally:
        call_command("migrate", verbosity=0)  # as a deployment runs it
    edition = Edition.objects.get()
    assert (edition.period, edition.status) == ("2025-2028", EditionStatus.IN_FORCE)
    assert edition.answers_unqualified_links and edition.adopted_on is None
    assert set(StrategyElement.objects.values_list("edition_id", flat=True)) == {edition.pk}
    assert StrategyElement.objects.get(code="OR").title == TITLE
    assert ElementPath.objects.get(path="gammel").edition_id == edition.pk
    assert DeletedElement.objects.get(code="S2").edition_id == edition.pk


def test_the_change_log_and_its_feed_list_every_public_change_newest_first(client, strategy):
    """Prevents a municipality having to open every element page to learn what the
    secretariat changed: one list and one Atom feed, newest first, each change with its note
    and links to the text as it stood and to the difference - and nothing that was never
    public (a draft, an unpublished element)."""
    from xml.etree import ElementTree

    item, original = reword()  # T-S2, 12 March 2026, with a note
    other = element(first_edition(), "K-S1")
    PendingChange.objects.create(element=other, title="Ved å satse", slug=other.slug, body="")
    other.publish(note="Forenklet")
    PendingChange.objects.create(element=item, title="Utkast", slug=item.slug, body=item.body)
    page = client.get("/endringer/")
    assert page.status_code == 200
    text = text_of(page)
    listed = text.split('class="changes__list"')[1].split("</ol>")[0]
    assert listed.index("K-S1") < listed.index("T-S2")  # newest first
    assert "Endret etter vedtak i representantskapet 12.3.2026" in listed
    assert 'href="/r/2025-2028/T-S2/2026-03-12/">Teksten slik T-S2 lød 12. mars 2026</a>' in listed
    assert "hva som ble endret i T-S2 (endring 1)</a>" in listed
    assert "Utkast" not in listed  # a draft is not a change the public saw
    assert '<a href="/endringer/">Endringer i strategien</a>' in text_of(client.get("/"))
    feed = client.get("/endringer.atom")
    assert feed["Content-Type"] == "application/atom+xml; charset=utf-8"
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(feed.content)
    entries = root.findall(f"{atom}entry")
    assert [entry.findtext(f"{atom}title") for entry in entries] == [
        "K-S1 Ved å satse",
        "T-S2 Ved å endre ordlyden",
    ]
    assert entries[1].findtext(f"{atom}summary") == (
        "Endret etter vedtak i representantskapet 12.3.2026"
    )
    links = [entry.find(f"{atom}link").get("href") for entry in entries]
    assert links[1] == f"{ORIGIN}/r/2025-2028/T-S2/2026-03-12/"
    for link in links:
        assert client.get(link.removeprefix(ORIGIN)).status_code == 200, link
    assert original not in feed.content.decode()
